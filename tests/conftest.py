"""Fixtures: an app on a temporary SQLite file, its test client, a CLI runner and helpers."""

import re
import shutil
from html import unescape

import pytest
import time_machine
from hypothesis import settings
from py_vapid import Vapid02

from diary import DiaryFlask, create_app
from diary.db import migrate
from tests import clock
from tests.routing_memo import MemoRule
from tests.template_memo import TEMPLATES

# The suite builds an app per test: each shares the URL builders compiled by the first,
# and the templates it compiled.
DiaryFlask.url_rule_class = MemoRule
DiaryFlask.jinja_options = {**DiaryFlask.jinja_options, "bytecode_cache": TEMPLATES}

# Fixtures of made-up diaries of years, for the test modules of more than one file.
pytest_plugins = ["tests.three_year_diary", "tests.browser.long_diary", "tests.mailbox"]

# No time limit per example: the machines are shared and noisy, and speed is measured by
# the benchmarks, never by the tests (hypothesis' default deadline is a timed assert).
settings.register_profile("diary", deadline=None)
settings.load_profile("diary")

PASSWORD = "a calm river at dawn"
#: Every table an import writes to: what "nothing was written" compares.
IMPORTED_TABLES = (
    "entries",
    "therapies",
    "medications",
    "doses",
    "responses",
    "revisions",
    "change_seq",
)


def _vapid_pem():
    vapid = Vapid02()
    vapid.generate_keys()
    return vapid.private_pem().decode()


TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    # Given, like the secret key, so that no test writes a key into the checkout's instance/.
    "VAPID_PRIVATE_KEY": _vapid_pem(),
    # A cheap hash under test; production uses OWASP's argon2id minimum (see config.py).
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST_KIB": 8,
}


@pytest.fixture(autouse=True)
def noon_of_the_runs_day(request):
    """Every in-process test runs at noon of the day the run started (tests/clock.py)."""
    if request.node.get_closest_marker("browser") or request.node.get_closest_marker("real_clock"):
        yield  # the live server and Chromium, or state made at import, keep the real clock
        return
    with time_machine.travel(clock.NOON, tick=True):
        yield


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """A database with every migration applied, made once per test process: each test's app
    starts on a copy (migrating a new file is a third of what building an app costs). A
    database made by migrating is tested by tests/test_db.py."""
    path = tmp_path_factory.mktemp("migrated") / "diary.sqlite3"
    migrate(path)  # closes its connection: the WAL is checkpointed into the file and removed
    return path


@pytest.fixture
def app(tmp_path, migrated_database):
    database = tmp_path / "diary.sqlite3"
    shutil.copyfile(migrated_database, database)
    database.chmod(0o600)
    app = create_app({**TEST_CONFIG, "DATABASE": str(database)})
    yield app
    app.extensions["diary.db"].close_all()


@pytest.fixture
def local_push(app):
    """The app, sending reminders to a push service on this machine (as DIARY_PUSH_ENDPOINTS
    would allow one); returns the prefix allowed."""
    app.config["PUSH_ENDPOINTS"] = ["http://127.0.0.1:"]
    return "http://127.0.0.1:"


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Api:
    """A JSON client that carries the session cookie and the CSRF header, like the PWA."""

    def __init__(self, client):
        self.client = client

    def token(self):
        return self.client.get("/api/v1/session").get_json()["csrf_token"]

    def request(self, method, path, json=None, csrf=True, **kwargs):
        headers = dict(kwargs.pop("headers", {}))  # the caller's dict (SPANISH) stays as it is
        if csrf and method in ("POST", "PUT", "PATCH", "DELETE"):
            headers.setdefault("X-CSRFToken", self.token())
        return self.client.open(path, method=method, json=json, headers=headers, **kwargs)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.request("POST", path, json, **kw)

    def put(self, path, json=None, **kw):
        return self.request("PUT", path, json, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def register(
        self,
        email="pat@example.org",
        role="patient",
        name="Pat",
        password=PASSWORD,
        time_zone="UTC",
    ):
        response = self.post(
            "/api/v1/users",
            {
                "email": email,
                "password": password,
                "role": role,
                "name": name,
                "time_zone": time_zone,
            },
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()["user"]

    def signin(self, email="pat@example.org", password=PASSWORD, **kw):
        return self.post("/api/v1/session", {"email": email, "password": password}, **kw)

    def signout(self):
        return self.delete("/api/v1/session")

    def delete_account(self, password=PASSWORD):
        """Delete the signed-in account and all its data (the password is asked again)."""
        return self.delete("/api/v1/users/me", json={"password": password})


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def make_api(app):
    """More independent clients (another patient, a physician) on the same app."""
    return lambda: Api(app.test_client())


@pytest.fixture
def patient(api):
    """``api`` signed in as a registered patient."""
    api.user = api.register()
    return api


@pytest.fixture
def doctor(make_api):
    """A registered, signed-in physician (``doctor.user``)."""
    api = make_api()
    api.user = api.register(email="doc@example.org", role="physician", name="Dr Lee")
    return api


@pytest.fixture
def shared(patient, doctor):
    """``(patient, doctor)``: the patient shares with the physician (an accepted invite)."""
    code = patient.post("/api/v1/shares").get_json()["code"]
    assert doctor.post("/api/v1/shares/accept", {"code": code}).status_code == 200
    return patient, doctor


def insert_share(db, patient_id, physician_id, *, revoked=False, expired=False):
    """An accepted share from the patient to the physician (revoked or expired if asked).

    Straight into the table: what the sharing pages do is tested with them.
    """
    from datetime import UTC, datetime, timedelta

    from diary.db import write

    now = datetime.now(UTC)
    expires = now - timedelta(days=1) if expired else now + timedelta(days=7)
    with write(db):
        db.execute(
            "INSERT INTO shares (id, patient_id, physician_id, code_hash, created_at, expires_at,"
            " accepted_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                f"share-{patient_id}-{physician_id}",
                patient_id,
                physician_id,
                f"hash-{patient_id}-{physician_id}",
                now.isoformat(),
                expires.isoformat(),
                now.isoformat(),
                now.isoformat() if revoked else None,
            ],
        )


def sharing_patients(app, doctor, names):
    """A patient sharing with ``doctor`` for each of ``names``; returns their ids by name.

    Accounts and shares straight into the database: a clinic's worth of registrations
    would meet the registration limit, and inviting is tested with its pages."""
    from diary import accounts
    from diary.db import get_db

    ids = {}
    with app.app_context():
        db, hasher = get_db(), accounts.make_hasher(app.config)
        for number, name in enumerate(names):
            user = accounts.register(
                db,
                hasher,
                email=f"p{number}@example.org",
                password=PASSWORD,
                role="patient",
                name=name,
            )
            insert_share(db, user.id, doctor.user["id"])
            ids[name] = user.id
    return ids


def listed_in_logs(app):
    """The ids of the patients whose access log says the physician's list showed them."""
    from diary.db import fetch_all, get_db

    with app.app_context():
        rows = fetch_all(get_db(), "SELECT patient_id FROM access_log WHERE what = 'patients'")
    return {row["patient_id"] for row in rows}


def form_token(client, path):
    """The CSRF token embedded in the form at ``path``."""
    import re

    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


# ---- a test run leaves the checkout as it found it ------------------------------------------


def _tracked_state():
    """What git sees changed in the checkout, with the content of every changed file."""
    import hashlib
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    try:
        listing = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None  # not a git checkout (an unpacked release): nothing to compare
    digest = hashlib.sha256(listing.encode())
    for line in listing.splitlines():
        path = root / line[3:].split(" -> ")[-1]
        if path.is_file():
            digest.update(path.read_bytes())
    return listing, digest.hexdigest()


def pytest_sessionstart(session):
    session.config.stash["tracked_before"] = _tracked_state()


def pytest_sessionfinish(session, exitstatus):
    before = session.config.stash.get("tracked_before", None)
    after = _tracked_state()
    if before is not None and after is not None and before != after:
        import sys

        sys.stderr.write(
            "\nThe test run changed files in the checkout (a test must write only to its own "
            f"temporary folders). git status now:\n{after[0]}\n"
        )
        session.exitstatus = 1


def text_of(response):
    """A page's visible words, as a reader sees them: scripts, styles and tags dropped,
    entities decoded, spaces squeezed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


# ---- what a phone sends to /api/v1/sync, and what it hears back ---------------------------


def change(object_id, data=None, base=None, deleted=False, kind="entry"):
    return {
        "kind": kind,
        "id": str(object_id),
        "base_version": base,
        "deleted": deleted,
        "data": data,
    }


def sync(api, changes, cursor=None, status=200):
    response = api.post("/api/v1/sync", {"cursor": cursor, "changes": changes})
    assert response.status_code == status, response.get_json()
    return response.get_json()


def statuses(answer):
    return [(r["status"], r["version"]) for r in answer["results"]]
