"""Every route, every kind of caller: who may see what (DESIGN.md section 6).

The routes are read from ``app.url_map``, so a new route is covered the day it is added.
Callers: anonymous, the owner (a patient with data), another patient, a physician with an
active share from the owner, one without a share, one whose share was revoked and one whose
share expired, and someone holding one of the owner's view links (live, turned off,
expired) who is not signed in. Bodies are empty: this checks the gate, not the feature.
"""

from datetime import UTC, datetime

import pytest

from diary import create_app
from diary.access import policy_of
from diary.accounts import email_changes, password_resets
from diary.db import get_db, write
from diary.sharing import invites, links
from tests.conftest import PASSWORD, TEST_CONFIG, Api, insert_share

ACTORS = [
    "anonymous",
    "link_live",
    "link_revoked",
    "link_expired",
    "other_patient",
    "physician_active",
    "physician_none",
    "physician_revoked",
    "physician_expired",
    "owner",
]
AUTH_REFUSALS = {401, 403}


@pytest.fixture
def app(tmp_path):
    # Many registrations from one address: lift the per-address registration limit here only.
    app = create_app(
        {
            **TEST_CONFIG,
            "DATABASE": str(tmp_path / "diary.sqlite3"),
            "REGISTRATION_LIMIT": "10000 per hour",
        }
    )
    yield app
    app.extensions["diary.db"].close_all()


@pytest.fixture
def world(app):
    """Registered users, the owner's entry, therapy, medicine and dose, and the shares."""
    emails = {}
    ids = {}
    for actor in filter(signed_in, ACTORS):
        role = "physician" if actor.startswith("physician") else "patient"
        email = f"{actor}@example.org"
        user = Api(app.test_client()).register(email=email, role=role, name=actor)
        emails[actor], ids[actor] = email, user["id"]
    # Whose email a confirmed link changes: nobody the other calls sign in as.
    ids["email_changer"] = Api(app.test_client()).register(email="changer@example.org")["id"]
    with app.app_context():
        db = get_db()
        insert_share(db, ids["owner"], ids["physician_active"])
        insert_share(db, ids["owner"], ids["physician_revoked"], revoked=True)
        insert_share(db, ids["owner"], ids["physician_expired"], expired=True)
        tokens = {}
        for state in ("live", "revoked", "expired"):
            link, tokens[f"link_{state}"] = links.create(db, ids["owner"], 7)
            with write(db):
                if state == "revoked":
                    db.execute(
                        "UPDATE view_links SET revoked_at = created_at WHERE id = ?", [link.id]
                    )
                if state == "expired":
                    db.execute(
                        "UPDATE view_links SET expires_at = created_at WHERE id = ?", [link.id]
                    )
    world = {"emails": emails, "ids": ids, "tokens": tokens}

    def fresh_objects():
        """New objects of the owner's (a destructive call uses up the old ones).

        Signs the owner in anew each time: "sign out everywhere" ends the owner's sessions.
        """
        owner = Api(app.test_client())
        owner.signin(emails["owner"])
        sessions = owner.get("/api/v1/sessions").get_json()["sessions"]
        world["session"] = next(s["id"] for s in sessions if s["current"])
        entry = {"day": "2026-01-02", "leg_pain": 5}
        therapy = {"kind": "surgery", "start_day": "2026-01-01"}
        world["entry"] = owner.post("/api/v1/entries", entry).get_json()["id"]
        world["therapy"] = owner.post("/api/v1/therapies", therapy).get_json()["id"]
        response = {"questionnaire": "rmdq", "day": "2026-01-02", "answers": {"3": True}}
        world["response"] = owner.post("/api/v1/responses", response).get_json()["id"]
        medication = {"name": "Ibuprofen", "schedule": "as_needed", "start_day": "2026-01-01"}
        world["medication"] = owner.post("/api/v1/medications", medication).get_json()["id"]
        dose = {"medication_id": world["medication"], "taken_at": "2026-01-02T08:00:00Z"}
        world["dose"] = owner.post("/api/v1/doses", dose).get_json()["id"]
        with app.app_context():
            world["reset_token"] = password_resets.create(get_db(), ids["owner"])
            world["email_token"] = email_changes.create(
                get_db(), ids["email_changer"], "changed@example.org"
            )
            # An invite and a link of the owner's that a destructive call may end; the
            # view-link actors keep theirs.
            world["share"] = invites.create(get_db(), world["ids"]["owner"]).id
            world["link"] = links.create(get_db(), world["ids"]["owner"], 1)[0].id

    fresh_objects()
    world["fresh_objects"] = fresh_objects
    return world


def _url(rule, world, actor):
    values = {}
    for arg in rule.arguments:
        if arg == "token" and rule.rule.startswith(password_resets.LINK_PATH):
            values[arg] = world["reset_token"]  # a live reset link: anyone holding it may open it
        elif arg == "token" and rule.rule.startswith(email_changes.LINK_PATH):
            values[arg] = world["email_token"]  # a live email link: anyone holding it may open it
        elif arg == "token":
            # The link the actor holds; everyone else is handed the live one (a bearer token).
            values[arg] = world["tokens"].get(actor, world["tokens"]["link_live"])
        elif arg == "share_id":
            values[arg] = world["share"]
        elif arg == "link_id":
            values[arg] = world["link"]
        elif arg == "patient_id":
            values[arg] = world["ids"]["owner"]
        elif arg == "questionnaire":
            values[arg] = "rmdq"  # a form, not someone's object: every patient may open it
        elif "responses" in rule.rule:
            values[arg] = world["response"]
        elif "therap" in arg or arg == "tid" or ("therapies" in rule.rule and arg != "entry_id"):
            values[arg] = world["therapy"]
        elif "entr" in arg or "entries" in rule.rule:
            values[arg] = world["entry"]
        elif arg == "session_id":
            values[arg] = world["session"]
        elif "dose" in arg or "/doses/" in rule.rule:
            values[arg] = world["dose"]
        elif "medication" in arg or "/medications/" in rule.rule:
            values[arg] = world["medication"]
        else:
            raise AssertionError(f"teach test_access_matrix the argument {arg!r} of {rule.rule}")
    path = rule.rule
    for arg, value in values.items():
        path = path.replace(f"<{arg}>", str(value))
        for converter in ("int", "string", "uuid"):
            path = path.replace(f"<{converter}:{arg}>", str(value))
    return path + QUERIES.get(rule.rule, "")


#: A query some routes need to answer more than "a parameter is missing": the cohort of the
#: owner's therapy kind, so that each physician's call reaches the table itself.
QUERIES = {
    "/api/v1/cohorts": "?kind=surgery",
    "/api/v1/cohorts/table.csv": "?kind=surgery",
    "/api/v1/cohorts/patients.csv": "?kind=surgery",
    "/clinic/cohorts": "?kind=surgery",
}


def signed_in(actor):
    return actor != "anonymous" and not actor.startswith("link")


def _client(app, world, actor):
    api = Api(app.test_client())
    if signed_in(actor):
        assert api.signin(world["emails"][actor], PASSWORD).status_code == 200
    return api


SELF_DESTRUCTIVE = ("/users/me",)


def _throwaway(app, actor, _count=[0]):  # noqa: B006 - a counter across calls
    _count[0] += 1
    role = "physician" if actor.startswith("physician") else "patient"
    api = Api(app.test_client())
    api.register(email=f"throwaway-{_count[0]}@example.org", role=role, name="T")
    return api


def _expected_refusal(policy, actor, is_api):
    """The refusal this actor must get, or None when the gate must let them through."""
    anonymous = {401} if is_api else {302}
    if policy == "anyone":
        return None
    if policy == "view_link":
        # Whoever holds a live link reads; a turned-off or expired one is not found.
        return {404} if actor in ("link_revoked", "link_expired") else None
    if actor == "anonymous" or actor.startswith("link"):
        return anonymous
    if policy == "signed_in":
        return None
    physician = actor.startswith("physician")
    if policy == "patient":
        return {403} if physician else None
    if policy == "physician":
        return None if physician else {403}
    if policy == "physician_of_patient":
        return None if actor == "physician_active" else {403, 404}
    raise AssertionError(policy)


def _cases(app):
    cases = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            cases.append((rule, method))
    # Destructive calls last, so they do not remove what the other calls need.
    return sorted(cases, key=lambda c: (_destructive(*c), c[0].rule, c[1]))


def _destructive(rule, method):
    suffixes = ("/users/me", "/delete", "/session", "/signout", "/end")
    return method == "DELETE" or rule.rule.endswith(suffixes)


def test_every_route_refuses_whoever_may_not_call_it(app, world):
    checked = 0
    for rule, method in _cases(app):
        policy = policy_of(app.view_functions[rule.endpoint])
        is_api = rule.rule.startswith("/api/")
        if _destructive(rule, method):
            world["fresh_objects"]()
        object_route = bool(rule.arguments - {"patient_id", "questionnaire"})
        for actor in ACTORS:
            path = _url(rule, world, actor)
            api = _client(app, world, actor)
            if rule.rule.endswith(SELF_DESTRUCTIVE) and signed_in(actor):
                api = _throwaway(app, actor)  # it deletes the caller's own account
            body = {} if method in ("POST", "PUT", "PATCH") else None
            response = api.request(method, path, json=body)
            status = response.status_code
            refusal = _expected_refusal(policy, actor, is_api)
            where = f"{method} {path} as {actor} ({policy}) -> {status}"
            if refusal is not None:
                assert status in refusal, where
                if status == 302:
                    assert "/signin" in response.headers["Location"], where
            elif actor == "other_patient" and object_route and policy == "patient":
                # Someone else's object: not found, never forbidden (nothing disclosed).
                assert status == 404, where
            else:
                assert (
                    status not in AUTH_REFUSALS
                    and status != 404
                    or (method == "DELETE" and status == 404 and actor != "owner")
                ), where
            checked += 1
    assert checked >= len(ACTORS) * 10


def test_revoked_share_stops_on_the_next_request(app, world):
    rules = [
        r
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/api/")
        and policy_of(app.view_functions[r.endpoint]) == "physician_of_patient"
        and "GET" in r.methods
    ]
    assert rules, "expected at least one physician route under /api/v1/patients/<patient_id>/"
    path = _url(rules[0], world, "physician_active")
    physician = _client(app, world, "physician_active")
    assert physician.get(path).status_code == 200
    with app.app_context():
        db = get_db()
        with write(db):
            db.execute(
                "UPDATE shares SET revoked_at = ? WHERE physician_id = ?",
                [datetime.now(UTC).isoformat(), world["ids"]["physician_active"]],
            )
    assert physician.get(path).status_code == 404


def test_what_a_physician_sees_is_logged_and_refusals_are_not(app, world):
    rules = [
        r
        for r in app.url_map.iter_rules()
        if policy_of(app.view_functions[r.endpoint]) == "physician_of_patient"
        and "GET" in r.methods
    ]
    for rule in rules:
        path = _url(rule, world, "physician_active")
        _client(app, world, "physician_none").get(path)  # refused: nothing was shown
        assert _client(app, world, "physician_active").get(path).status_code == 200, path
    with app.app_context():
        logged = get_db().execute("SELECT physician_name, patient_id, what, viewer FROM access_log")
        rows = logged.fetchall()
    # One event per route: every read of the patient is in their log, each saying what.
    shown = sorted(app.view_functions[r.endpoint].access_shows for r in rules)
    assert sorted(row[2] for row in rows) == shown
    assert {(row[0], row[1], row[3]) for row in rows} == {
        ("physician_active", world["ids"]["owner"], "physician")
    }


def test_view_link_holders_reach_only_their_pages_and_each_view_is_logged(app, world):
    holder = Api(app.test_client())
    token = world["tokens"]["link_live"]
    assert holder.get(f"/v/{token}").status_code == 200
    assert holder.get(f"/v/{token}/charts").status_code == 200
    assert holder.get(f"/v/{token}/timeline").status_code == 200
    # The token opens no other door: not the API, not the patient's pages.
    for path in (
        "/api/v1/entries",
        "/charts",
        "/today",
        f"/api/v1/patients/{world['ids']['owner']}/entries",
    ):
        assert holder.get(path).status_code in (302, 401), path
    for state in ("link_revoked", "link_expired"):
        assert holder.get(f"/v/{world['tokens'][state]}").status_code == 404
        assert holder.get(f"/v/{world['tokens'][state]}/timeline").status_code == 404
    with app.app_context():
        rows = (
            get_db()
            .execute("SELECT viewer, what, link_id IS NOT NULL, patient_id FROM access_log")
            .fetchall()
        )
    assert sorted(rows) == [
        ("link", "charts", 1, world["ids"]["owner"]),
        ("link", "summary", 1, world["ids"]["owner"]),
        ("link", "timeline", 1, world["ids"]["owner"]),
    ]
