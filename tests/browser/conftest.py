"""Browser tests: one live server per session (gunicorn as deployed, on a free port) and
pytest-playwright driving Debian's Chromium, plus a signed-in phone for the offline tests."""

import os
import sqlite3
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bench import served

ROOT = Path(__file__).resolve().parents[2]
# The browser the tests drive: Debian's build of Chromium's headless shell (Blink, V8 and the
# service worker of /usr/bin/chromium, without the desktop browser around them), which is
# what Playwright itself runs for headless Chromium. It costs about 30 % less CPU per test
# (docs/benchmarks.md). It refuses every notification permission, so the one test that
# shows a notification drives the whole browser (``full_chromium``).
CHROMIUM = "/usr/bin/chromium-headless-shell"
FULL_CHROMIUM = "/usr/bin/chromium"
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
PASSWORD = "a calm river at dawn"
# For a test whose subject is a page (its layout, drawing, form or words), not the offline
# shell: its browser context installs no service worker. Installing one precaches the whole
# shell (about 70 files) in every new context, about 1 s of CPU each time; the shell itself
# is tested where it matters (test_offline*.py, test_session_end.py, test_questionnaires.py
# and every other test that does not ask for this). Each page still has to work without a
# worker, as in a private window, and these tests now show that it does.
NO_WORKER = {"service_workers": "block"}
page_only = pytest.mark.browser_context_args(**NO_WORKER)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def full_chromium(playwright, browser_type_launch_args):
    """The whole Chromium, launched only for the tests that ask for it (notifications)."""
    browser = playwright.chromium.launch(
        **{**browser_type_launch_args, "executable_path": FULL_CHROMIUM}
    )
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, **PHONE}


class LiveServer:
    """The real app in its own process, on its own temporary database, served as deployed:
    gunicorn with the repository's gunicorn.conf.py (sync workers, the app preloaded)."""

    def __init__(self, instance_path: Path):
        self.instance_path = instance_path
        self.port = served.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        env = {
            **os.environ,
            "DIARY_INSTANCE_PATH": str(self.instance_path),
            "DIARY_SECRET_KEY": "browser-tests-secret",
            "PYTHONUNBUFFERED": "1",
        }
        self.log = open(self.instance_path / "server.log", "ab")  # noqa: SIM115
        self.process = served.start("wsgi:app", env, self.port, workers=2, log=self.log)
        try:
            # The port answers before the app does: wait for an answer from the app.
            urllib.request.urlopen(self.url + "/api/v1/session", timeout=30)  # noqa: S310
        except OSError:
            self.stop()
            raise RuntimeError("live server did not start:\n" + self.read_log()) from None
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            served.stop(self.process)
        if getattr(self, "log", None):
            self.log.close()

    def restart(self):
        self.stop()
        return self.start()

    def read_log(self):
        return (self.instance_path / "server.log").read_text(errors="replace")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    # A cheap password hash under test: the real cost is exercised by the unit tests' config check.
    (instance / "config.py").write_text(
        "ARGON2_TIME_COST = 1\nARGON2_MEMORY_COST_KIB = 8\n"
        "SIGNIN_FAILURE_LIMIT = '1000 per minute'\nREGISTRATION_LIMIT = '1000 per minute'\n"
    )
    server = LiveServer(instance).start()
    yield server
    server.stop()


@pytest.fixture
def new_user(live_server):
    """A factory for unique credentials on the live server."""
    counter = {"n": 0}

    def make(role="patient"):
        counter["n"] += 1
        stamp = f"{time.time_ns()}{counter['n']}"
        return {
            "email": f"{role}{stamp}@example.org",
            "password": PASSWORD,
            "name": f"Test {role.title()}",
            "role": role,
        }

    return make


def register_via_api(page, base_url, user):
    """Register and sign in ``user`` in this page's context through the JSON API."""
    token = page.request.get(base_url + "/api/v1/session").json()["csrf_token"]
    response = page.request.post(
        base_url + "/api/v1/users",
        data={**user, "time_zone": "UTC"},
        headers={"X-CSRFToken": token},
    )
    assert response.status == 201, response.text()
    return response.json()["user"]


# A medicine taken when needed, as the medication tests and pages record it.
IBUPROFEN = {
    "name": "Ibuprofen",
    "strength": "400",
    "unit": "mg",
    "schedule": "as_needed",
    "start_day": "2025-01-01",
}


def api_post(page, url, path, body):
    """POST ``body`` to the JSON API as the signed-in user of ``page``: the new record."""
    token = page.request.get(url + "/api/v1/session").json()["csrf_token"]
    response = page.request.post(url + path, data=body, headers={"X-CSRFToken": token})
    assert response.ok, response.text()
    return response.json()


def charts_drawn(page):
    """Wait for every chart of the page: the timeline at once, each therapy's chart once it
    comes near the screen (it is drawn lazily); leaves the page scrolled to the top."""
    page.wait_for_function(
        "() => window.Chart && document.querySelectorAll('canvas').length > 0"
        " && (!document.getElementById('timeline-chart')"
        "     || Chart.getChart(document.getElementById('timeline-chart')))"
    )
    for canvas in page.locator("[data-windows-chart]").all():
        canvas.scroll_into_view_if_needed()
        page.wait_for_function("(c) => Chart.getChart(c)", arg=canvas.element_handle())
    page.evaluate("() => window.scrollTo(0, 0)")


def period_names_at(page, canvas, width):
    """A chart's names of periods (its x axis) once the phone is ``width`` px wide: the pairs
    of neighbours drawn over each other, and how far Chart.js turned the names to fit.
    Turned names are parallel bands of text, each as thick as its lines: neighbours touch
    when the distance between their bands is less than half of both thicknesses (Chart.js
    turns names by the widest line alone). ``canvas`` is an element handle of a drawn chart."""
    page.set_viewport_size({"width": width, "height": 800})
    page.wait_for_function(
        "([c, w]) => Chart.getChart(c).width > 0"
        " && Chart.getChart(c).width <= w && c.getBoundingClientRect().width <= w",
        arg=[canvas, width],
    )
    return page.evaluate(
        """(canvas) => {
            const chart = Chart.getChart(canvas);
            chart.resize();  // drawn for the new size now, not at the next frame
            const scale = chart.scales.x;
            const ctx = chart.ctx;
            const turn = Math.abs(scale.labelRotation * Math.PI / 180);
            const spans = scale.getLabelItems().map((item) => {
                ctx.font = item.font.string;
                const lines = [item.label].flat();
                const wide = Math.max(...lines.map((line) => ctx.measureText(line).width));
                const x = item.options.translation[0];
                const thick = lines.length * item.font.lineHeight;
                return { x, from: x - wide / 2, to: x + wide / 2, thick, name: lines.join(" ") };
            });
            const touching = [];
            spans.slice(1).forEach((span, i) => {
                const before = spans[i];
                const apart = turn
                    ? (span.x - before.x) * Math.sin(turn) < (span.thick + before.thick) / 2
                    : span.from < before.to;
                if (apart) touching.push([before.name, span.name]);
            });
            return { turned: scale.labelRotation, touching };
        }""",
        canvas,
    )


def scripted(page, form="[data-entry-form]"):
    """Wait until the page's script has taken over ``form`` (its outbox path): a tap or a
    key before it would post the plain form, the no-JavaScript path tested on its own."""
    page.wait_for_selector(f"{form}[data-queue-ready]", state="attached")


def open_the_form(page):
    """Today folds its form once something is logged today: open it, as a patient would."""
    scripted(page)
    if page.locator("[data-another-entry]:not([open])").count():
        page.get_by_text("Add another entry").click()
    expect(page.locator("[data-another-entry][open]")).to_be_attached()


def log_entry(page, leg, back=None, note=None):
    """Fill Today's form with the taps a patient makes, then Save (which folds the form)."""
    open_the_form(page)
    page.locator(f"label[for='leg_pain-{leg}']").click()
    if back is not None:
        page.locator(f"label[for='back_pain-{back}']").click()
    if note is not None:
        page.locator("summary", has_text="Note").click()
        page.locator("#f-note").fill(note)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("[data-another-entry]:not([open])")).to_be_attached()


def page_width(page):
    """How wide the page is laid out, once its stylesheets have loaded (a layout forced
    while they load, as right after a click that navigates, is unstyled)."""
    page.wait_for_load_state("load")
    return page.evaluate("document.scrollingElement.scrollWidth")


# The dark scheme changes colours only (custom properties under prefers-color-scheme: dark,
# in app.css and charts.css): in it, axe runs the rules whose outcome depends on colour.
AXE_COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def assert_no_axe_violations(page, rules=None):
    """axe-core on the page as it is now finds no violation (of ``rules``, or of every rule
    axe runs by default). axe is loaded once per document, not before each run."""
    from axe_playwright_python.base import AXE_SCRIPT, AxeResults

    # After a click that navigates, the new page's text can be found before its stylesheets
    # have loaded; contrast judged then is the browser's default colours.
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = rules
    # Only the violations cross to Python: axe's whole answer (every rule that passed, with
    # its nodes' HTML) is most of the run's cost when it is sent through the driver.
    found = page.evaluate(
        "(options) => axe.run(document, options).then((r) => ({violations: r.violations}))",
        options,
    )
    results = AxeResults(found)
    assert results.violations_count == 0, results.generate_report()


def assert_no_axe_violations_light_and_dark(page):
    """axe on the page as it is, then its colour rules in the dark scheme, then back."""
    assert_no_axe_violations(page)
    page.emulate_media(color_scheme="dark")
    try:
        assert_no_axe_violations(page, AXE_COLOUR_RULES)
    finally:
        page.emulate_media(color_scheme="light")


# Every control a finger taps, with the box it hits: its own or its label's, the larger
# (segments and checkboxes are drawn by their labels). Left out: what is not shown (inside
# a closed <details>, say), and a link inside a sentence, whose height is the line's
# (WCAG 2.5.8's exception for inline links; a link alone on its line is a target like any).
TARGETS_JS = """(root) => Array.from(
    document.querySelector(root).querySelectorAll(
        "a[href], input, button, textarea, select, summary, [role=button]"),
    (el) => {
        if (el.type === "hidden" || !el.checkVisibility()) return null;
        const boxes = [el, ...(el.labels || [])].map((e) => e.getBoundingClientRect())
            .filter((r) => r.width > 2 && r.height > 2);
        if (!boxes.length) return null;
        const inSentence = el.matches("a") && getComputedStyle(el).display === "inline"
            && el.parentElement.textContent.trim().length > el.textContent.trim().length;
        if (inSentence) return null;
        return {
            name: el.name || el.id || el.textContent.trim().slice(0, 40) || el.tagName,
            region: el.classList.contains("region"),
            width: Math.max(...boxes.map((r) => r.width)),
            height: Math.max(...boxes.map((r) => r.height)),
        };
    }).filter(Boolean)"""


def assert_targets_big_enough(page, root="body"):
    """Every control shown under ``root`` is at least 44 x 44 px, a body-map region 24 x 24
    (WCAG 2.5.5 and 2.5.8, DESIGN.md); returns the controls measured."""
    # page.evaluate, not a locator's: one call, where resolving a locator costs a tenth of a
    # second on a large page.
    targets = page.evaluate(TARGETS_JS, root)
    small = [
        t for t in targets if min(t["width"], t["height"]) < (24 if t["region"] else 44) - 0.01
    ]
    assert small == [], (page.url, small)
    return targets


def seed_demo_diary(page, url):
    """The demo patient's ~150 days, two therapies and questionnaire answers, ending today
    (UTC: the user's zone), sent as a phone would (one sync batch) as the signed-in user of
    ``page``; returns the therapies as the API shows them, in the demo's order."""
    import json
    import uuid
    from datetime import UTC, datetime

    from diary import demo

    today = datetime.now(UTC).date()
    token = page.request.get(url + "/api/v1/session").json()["csrf_token"]
    therapies = [{**t, "id": str(uuid.uuid4())} for t in demo.therapies(today)]
    rows = (
        [("entry", {**e, "id": str(uuid.uuid4())}) for e in demo.diary_entries(today)]
        + [("therapy", t) for t in therapies]
        + [
            ("response", {**r, "id": str(uuid.uuid4())})
            for r in demo.questionnaire_responses(today, therapies[0]["id"])
        ]
    )
    changes = [
        {"kind": kind, "id": row.pop("id"), "base_version": None, "data": row}
        for kind, row in json.loads(json.dumps(rows, default=str))
    ]
    response = page.request.post(
        url + "/api/v1/sync",
        data={"cursor": None, "changes": changes},
        headers={"X-CSRFToken": token},
    )
    assert response.ok, response.text()
    statuses = {result["status"] for result in response.json()["results"]}
    assert statuses == {"applied"}, response.text()
    shown = {t["id"]: t for t in page.request.get(url + "/api/v1/therapies").json()["therapies"]}
    return [shown[t["id"]] for t in therapies]


# ---- a signed-in phone, offline and back (tests/browser/test_offline*.py) -------------------


def poll(page, script, predicate=bool, timeout=15):
    """Evaluate ``script`` (Promises are awaited) until ``predicate`` holds; return it.

    A page that navigates meanwhile (a redirect, a reload) is waited for, not counted as a
    failure: the state is read again from the page that replaced it.
    """
    from playwright.sync_api import Error

    deadline = time.monotonic() + timeout
    while True:
        try:
            value = page.evaluate(script)
        except Error as error:
            if "context was destroyed" not in str(error) and "navigat" not in str(error):
                raise
            page.wait_for_load_state()
            continue
        if predicate(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{script} stayed {value!r}")
        time.sleep(0.05)


def lose_the_first_sync_answer(context):
    """Let the server apply the next sync, then cut the connection before the answer.

    Routes the whole context, so the service worker's Background Sync is caught too.
    Returns counters: ``lost`` (answers lost, at most 1) and ``sent`` (sync requests seen).
    """
    seen = {"lost": 0, "sent": 0}

    def handle(route):
        seen["sent"] += 1
        if seen["lost"] == 0:
            route.fetch()  # the server gets it and commits
            route.abort("connectionreset")
            seen["lost"] += 1
        else:
            route.continue_()

    context.route("**/api/v1/sync", handle)
    return seen


class OfflinePhone:
    """The phone off the network, for a test that asserts nothing was sent: the context's
    offline emulation, and its sync line cut at the context's router as well, which sees
    the service worker's requests too (a Background Sync the emulation has not reached must
    not deliver what the test checks is still waiting). ``online()`` restores both."""

    def __init__(self, context):
        self.context = context
        context.set_offline(True)
        context.route("**/api/v1/sync", self._cut)

    @staticmethod
    def _cut(route):
        route.abort("internetdisconnected")

    def online(self):
        self.context.unroute("**/api/v1/sync", self._cut)
        self.context.set_offline(False)


def wait_status(page, status, unsynced=None, timeout=15):
    """Wait until the page shows this sync state (and count): one selector, read atomically,
    which Playwright re-reads across navigations."""
    selector = f'body[data-sync-status="{status}"]'
    if unsynced is not None:
        selector += f'[data-unsynced="{unsynced}"]'
    expect(page.locator(selector)).to_be_attached(timeout=timeout * 1000)


def flushed(page, at_least=1):
    """Wait until this page has finished ``at_least`` flushes (page-outbox.js counts them)."""
    poll(page, "Number(document.body.dataset.flushes || 0)", lambda n: n >= at_least)


def ready(page, user_id, lang="en"):
    """The worker controls the page, the first flush is done and the pages are cached (in
    the page cache of ``lang``: static/sw.js keeps each language's pages apart)."""
    poll(page, "navigator.serviceWorker.ready.then((r) => r.active.state === 'activated')")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        # A page whose navigation began while the first worker was activating can miss
        # clients.claim(); the next navigation is controlled, as a patient's would be.
        page.reload()
    poll(page, "!!navigator.serviceWorker.controller")
    flushed(page)
    cache = f"diary-pages-{user_id}" + ("" if lang == "en" else f"-{lang}")
    poll(
        page,
        f"""caches.open('{cache}').then(async (c) =>
            !!(await c.match('/today')) && !!(await c.match('/history')))""",
    )


@contextmanager
def live_database(live_server):
    """The live server's SQLite file, opened as the app opens it (WAL, its write lock): for
    what a test cannot do through a page, such as reading the link a mail would carry."""
    from diary.db import close_database, open_database

    db = open_database(live_server.instance_path / "diary.sqlite3")
    try:
        yield db
    finally:
        close_database(db)


def add_user(db, role, name):
    """A user made straight in the live server's database, as `flask create-user` makes one:
    someone a page names (a physician shared with, a patient on a physician's list)."""
    from diary import accounts

    hasher = accounts.make_hasher(
        {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST_KIB": 8, "ARGON2_PARALLELISM": 1}
    )
    email = f"{role}{time.time_ns()}@example.org"
    return accounts.register(db, hasher, email=email, password=PASSWORD, role=role, name=name)


def add_share(db, patient_id, physician_id, days=365):
    """The patient shares with the physician for ``days``, by the invite code's own path."""
    from diary.sharing import invites

    invite = invites.create(db, patient_id)
    invites.accept(db, physician_id, invite.code, share_days=days)


def rows_in_database(live_server, entry_id):
    """Whether the server ever stored this id (tombstones included)."""
    db = sqlite3.connect(f"file:{live_server.instance_path / 'diary.sqlite3'}?mode=ro", uri=True)
    try:
        return db.execute("SELECT COUNT(*) FROM entries WHERE id = ?", [entry_id]).fetchone()[0]
    finally:
        db.close()


def edit_leg(page, base_url, entry_id, leg):
    """Change an entry's leg pain on its edit page, as the patient does; back on History."""
    page.goto(f"{base_url}/entries/{entry_id}/edit")
    scripted(page)
    page.locator(f"label[for='leg_pain-{leg}']").click()
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(f"{base_url}/history#entry-{entry_id}")


def flush_now(page):
    """The phone is told the network is back (what the ``online`` event does): it flushes."""
    page.evaluate("window.dispatchEvent(new Event('online'))")


def phone_row(page, entry_id):
    """This phone's synced copy of the entry: (leg pain, version), or None."""
    return page.evaluate(
        """async (id) => {
            const { Outbox } = await import('/static/js/outbox.js');
            const box = await Outbox.open(document.body.dataset.userId);
            const row = (await box.rows('entry')).find((r) => r.id === id);
            box.close();
            return row ? [row.data.leg_pain, row.version] : null;
        }""",
        entry_id,
    )


class Server:
    """The patient's data as the server holds it, through the JSON API (own cookie jar)."""

    def __init__(self, playwright, base_url, user):
        self.base_url = base_url
        self.api = playwright.request.new_context(base_url=base_url)
        token = self.api.get("/api/v1/session").json()["csrf_token"]
        r = self.api.post(
            "/api/v1/session",
            data={"email": user["email"], "password": user["password"]},
            headers={"X-CSRFToken": token},
        )
        assert r.ok, r.text()
        self.token = r.json()["csrf_token"]

    def entries(self):
        return {e["id"]: e for e in self.api.get("/api/v1/entries").json()["entries"]}

    def entry(self, entry_id):
        r = self.api.get(f"/api/v1/entries/{entry_id}")
        return r.json() if r.ok else None

    def create(self, leg, note="", day="2025-06-01"):
        r = self.api.post(
            "/api/v1/entries",
            data={"day": day, "leg_pain": leg, "note": note},
            headers={"X-CSRFToken": self.token},
        )
        assert r.status == 201, r.text()
        return r.json()

    def therapies(self):
        return {t["id"]: t for t in self.api.get("/api/v1/therapies").json()["therapies"]}

    def create_therapy(self, **data):
        r = self.api.post("/api/v1/therapies", data=data, headers={"X-CSRFToken": self.token})
        assert r.status == 201, r.text()
        return r.json()

    def update_therapy(self, therapy, **changes):
        fields = ("kind", "label", "start_day", "end_day", "notes")
        data = {**{k: therapy[k] for k in fields}, **changes, "base_version": therapy["version"]}
        r = self.api.put(
            f"/api/v1/therapies/{therapy['id']}", data=data, headers={"X-CSRFToken": self.token}
        )
        assert r.ok, r.text()
        return r.json()

    def close(self):
        self.api.dispose()


@pytest.fixture
def patient_page(browser, live_server, new_user, playwright):
    """A phone signed in as a new patient, with the server's view of them."""
    made = []

    def make(context=None, user=None):
        context = context or browser.new_context(**PHONE)
        page = context.new_page()
        if user is None:
            user = new_user()
            user["id"] = register_via_api(page, live_server.url, user)["id"]
        else:
            sign_in(page, live_server, user)
        page.goto(live_server.url + "/today")
        ready(page, user["id"])
        server = Server(playwright, live_server.url, user)
        made.append((context, server))
        return page, user, server

    yield make
    for context, server in made:
        server.close()
        context.close()


def sign_in(page, live_server, user, next_path="/today"):
    page.goto(f"{live_server.url}/signin?next={next_path}")
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password").fill(user["password"])
    page.get_by_role("button", name="Sign in").click()
    # Wait for the page the sign-in leads to: the next step must not act on the form.
    page.wait_for_url(live_server.url + next_path)
