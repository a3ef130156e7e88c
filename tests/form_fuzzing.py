"""The machinery of the form fuzzer (tests/test_forms_fuzz.py): a route as it is called,
the callers' clients and CSRF tokens, the forms read from their pages, a request sent and
the database before and after it, what every answer must be, and the world's extra ids and
copies of a diary a hostile caller would use."""

import collections
import functools
import hashlib
import inspect
import json
import re
import sqlite3
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from werkzeug.exceptions import HTTPException

from diary.accounts import email_changes, password_resets
from diary.db import get_db
from tests.access_world import destructive, signed_in, url_of
from tests.conftest import Api
from tests.hostile_forms import CONTROLS, Body, encode, urlencoded
from tests.html_forms import forms_on

#: Columns any request may change: a session is seen, and its idle expiry moves on.
TOUCHED_BY_ANY_REQUEST = {("sessions", "last_seen_at"), ("sessions", "expires_at")}

#: How a view reads its query (``request.args.get("page")``, ``"after" in request.args``).
_READS_QUERY = re.compile(
    r"request\.(?:args|values)(?:\.get\(|\.getlist\(|\[)\s*\"(\w+)\"|\"(\w+)\" in request\.args"
)


def query_names(view) -> set:
    """The query parameters ``view``'s own code reads."""
    source = inspect.getsource(inspect.unwrap(view))
    return {a or b for a, b in _READS_QUERY.findall(source)}


@dataclass
class Route:
    """A route as the fuzzer calls it: a page (its query) or a POST route (its forms)."""

    rule: object
    caller: str
    client: Api = None
    email: str = ""
    #: The caller's CSRF token, and the session that holds it (less its messages to show).
    token: str | None = None
    session: dict | None = None
    #: Each form that posts to the route: ``(query of its action, fields as shown, files,
    #: enctype)``.
    forms: list = field(default_factory=list)
    #: The fields people type into, the hidden ones, every value the forms offer, and
    #: their file fields.
    typed: list = field(default_factory=list)
    hidden: list = field(default_factory=list)
    offered: list = field(default_factory=list)
    files: list = field(default_factory=list)

    @property
    def uses_objects(self):
        return bool(self.rule.arguments - {"token", "questionnaire"})


class Fuzzing:
    """The app, its world and the callers, for the routes one after another.

    ``form_pages``: where a route's forms are when not on its own page (the endpoint's
    page address, or addresses); ``fields_without_page``: the fields of a form no page
    shows as the world stands; ``seeds(endpoint, world, app)``: values that make a form as
    shown valid where its defaults are refused.
    """

    def __init__(self, app, world, *, form_pages, fields_without_page, seeds):
        self.app, self.world = app, world
        self.form_pages, self.fields_without_page = form_pages, fields_without_page
        self.seeds = seeds
        self.reached = collections.Counter()
        self._count_views()
        self.accounts = 0
        self.db = sqlite3.connect(f"file:{app.config['DATABASE']}?mode=ro", uri=True)
        self._version, self._state = None, None
        # Whose reset links the fuzzer uses: nobody it signs in as.
        self.resetter = self.new_account()[1]["id"]

    def _count_views(self):
        # How often each view ran: past the access check and the CSRF check, the request
        # reached the code the fuzzer is for (a wrong caller would meet the gate only).
        for endpoint, view in list(self.app.view_functions.items()):

            def counted(*args, _endpoint=endpoint, _view=view, **kwargs):
                self.reached[_endpoint] += 1
                return _view(*args, **kwargs)

            # The policy and the body limit the hooks read stay on the view (its __dict__).
            self.app.view_functions[endpoint] = functools.wraps(view)(counted)

    def new_account(self):
        self.accounts += 1
        api, email = Api(self.app.test_client()), f"fuzz-{self.accounts}@example.org"
        return api, api.register(email=email), email

    def sign_in(self, route):
        """A client for the route's caller, and the email it signs in with."""
        if not signed_in(route.caller):
            return Api(self.app.test_client()), ""
        if route.caller == "new_account":
            api, _user, email = self.new_account()
            return api, email
        email = self.world["emails"][route.caller]
        api = Api(self.app.test_client())
        assert api.signin(email).status_code == 200
        return api, email

    def csrf_token(self, route):
        """A valid token for the caller, signing them in again (or anew) when a call ended
        their session, changed their password or deleted their account."""
        state = route.client.get("/api/v1/session").get_json()
        if state["user"] is not None or not signed_in(route.caller):
            return state["csrf_token"]
        if route.client.signin(route.email).status_code != 200:
            assert route.caller == "new_account", f"{route.caller} can no longer sign in"
            route.client, route.email = self.sign_in(route)
        return route.client.token()

    def session_of(self, route):
        """What the caller's session cookie holds (the CSRF token, who is signed in), less
        the messages it carries to the next page."""
        cookie = route.client.client.get_cookie(self.app.config["SESSION_COOKIE_NAME"])
        if cookie is None:
            return None
        serializer = self.app.session_interface.get_signing_serializer(self.app)
        return {k: v for k, v in serializer.loads(cookie.value).items() if k != "_flashes"}

    def path(self, route):
        """The route's address with the caller's ids; a link's token is made anew each
        time (a call may use it up)."""
        if "token" in route.rule.arguments:
            with self.app.app_context():
                db = get_db()
                self.world["reset_token"] = password_resets.create(db, self.resetter)
                self.world["email_token"] = email_changes.create(
                    db, self.world["ids"]["email_changer"], f"{uuid.uuid4()}@example.org"
                )
        return url_of(route.rule, self.world, route.caller)

    def read_forms(self, route):
        """Sign the caller in and read the route's forms from their pages. Returns why it
        could not, or None."""
        route.client, route.email = self.sign_in(route)
        path, endpoint = self.path(route), route.rule.endpoint
        pages = self.form_pages.get(endpoint, (path,) if "GET" in route.rule.methods else ())
        ids = {k: v for k, v in self.world.items() if isinstance(v, str)}
        found = []
        for page in (pages,) if isinstance(pages, str) else pages:
            method, _space, page = page.format(**ids).rpartition(" ")
            headers = {"X-CSRFToken": route.client.token()}
            html = route.client.client.open(page, method=method or "GET", headers=headers)
            for form in forms_on(html.get_data(as_text=True)):
                # No action: the form posts to the page's own address, query and all.
                action = urlsplit(form.action or page)
                if self._endpoint(action.path) == endpoint:
                    found.append((action, form))
        # The forms for the caller's object (a page may list one per device or invite),
        # the fullest first (a confirmation's form before the button that asks for it).
        mine = [f for f in found if f[0].path == urlsplit(path).path] or found[:1]
        mine.sort(key=lambda f: -len(f[1].names))
        typed, hidden, offered = set(), set(), {"", *self.world["foreign"]}
        for action, form in mine:
            # A file field is given the owner's copy of their diary (the one file a form takes).
            files = [(name, self.world["copy"], "diary.json") for name in sorted(form.files)]
            route.files = sorted(set(route.files) | form.files)
            route.forms.append((action.query, list(form.sent), files, form.enctype))
            hidden |= form.hidden - {"csrf_token"}
            typed |= form.names - form.hidden - {"csrf_token"}
            offered |= {value for values in form.offered.values() for value in values}
        if not mine and endpoint in self.fields_without_page:
            typed = set(self.fields_without_page[endpoint])
            route.forms = [("", [(name, "") for name in typed], [], "")]
        route.typed, route.hidden, route.offered = sorted(typed), sorted(hidden), sorted(offered)
        if not route.forms:
            return (
                f"no form for {endpoint} on {pages}: name the page that shows it in "
                "FORM_PAGES, or its fields in FIELDS_WITHOUT_PAGE"
            )
        return None

    def _endpoint(self, path):
        try:
            return self.app.url_map.bind("localhost").match(path, method="POST")[0]
        except HTTPException:  # not found, or a redirect: a form that posts to no route of ours
            return None

    def send(self, route, body: Body):
        """Send ``body`` as the caller; return the answer and the tables before and after."""
        if route.token is None:
            route.token = self.csrf_token(route)
            route.session = self.session_of(route)
        query, fields, files, enctype = route.forms[body.form]
        path = self.path(route) + (f"?{query}" if query else "")
        seeded = self.seeds(route.rule.endpoint, self.world, self.app)
        fields = [(n, seeded.pop(n) if n in seeded else v) for n, v in fields]
        fields += list(seeded.items())
        data, content_type = encode(body, fields, files, enctype)
        if body.query:
            path += ("&" if "?" in path else "?") + urlencoded(body.query).decode("latin-1")
        client = route.client.client
        for name, value in body.cookies:
            client.set_cookie(name, value)
        before = self.snapshot()
        headers = {"X-CSRFToken": route.token, "Accept": "text/html", **dict(body.headers)}
        response = client.post(path, data=data, content_type=content_type, headers=headers)
        after = self.snapshot()
        for name, _value in body.cookies:
            client.delete_cookie(name)
        if self.session_of(route) != route.session:
            route.token = None  # signed in or out: the session holds another token
        # The object is gone: new ones for the next body, when the form has fields to fuzz
        # (a form of a button only meets the object's 404 from then on).
        used_up = destructive(route.rule, "POST") and route.uses_objects
        if used_up and response.status_code < 400 and (route.typed or route.hidden):
            self.world["fresh_objects"]()
        return response, before, after

    def snapshot(self):
        """Each table's row count and a hash of its rows, less what any request touches.

        Made again only when another connection has written since the last one (SQLite's
        data_version says so): most refusals write nothing, and reading every table twice
        a request would be most of this test's time.
        """
        (version,) = self.db.execute("PRAGMA data_version").fetchone()
        if version == self._version:
            return self._state
        tables = self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        state = {}
        for (table,) in tables.fetchall():
            columns = [row[1] for row in self.db.execute(f"PRAGMA table_info({table})")]
            kept = [c for c in columns if (table, c) not in TOUCHED_BY_ANY_REQUEST]
            # Each row's values quoted as SQL literals and joined, in SQLite's own code: the
            # rows' order is the table's, which only a write changes.
            rows = "||','||".join(f'quote("{c}")' for c in kept)
            count, text = self.db.execute(
                f"SELECT count(*), group_concat({rows}, char(10)) FROM {table}"  # noqa: S608
            ).fetchone()
            state[table] = (count, hashlib.sha256((text or "").encode()).hexdigest())
        self._version, self._state = version, state
        return state


# ---- what every answer must be -----------------------------------------------------------

_MAIN = re.compile(r"<main\b[^>]*>(.*)</main>", re.S)
_MARKED = re.compile(
    r"<(\w+)\b([^>]*(?:class=\"[^\"]*\berror\b[^\"]*\"|role=\"alert\")[^>]*)>(.*?)</\1>", re.S
)
_HEADING = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)


def _words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def said_problems(html: str) -> list[str]:
    """The words of the visible elements of the page's main marked as an error or alert."""
    main = _MAIN.search(html)
    marked = _MARKED.findall(main.group(1)) if main else []
    return [_words(text) for _tag, attrs, text in marked if " hidden" not in attrs and _words(text)]


class Said:
    """Where an answer came from, in words made only when an assertion prints them."""

    def __init__(self, make):
        self.make = make

    def __format__(self, spec):
        return self.make()[:2000]


def check(response, before, after, where: "Said"):
    """A redirect to this site, a page, or a refusal that says why and wrote nothing."""
    status = response.status_code
    html = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    assert status < 500, f"{where}: {status}\n{_words(html)[:500]}"
    assert status in (200, 302, 303) or 400 <= status < 500, f"{where}: {status}"
    if status >= 400:
        changed = sorted(table for table in before if before[table] != after.get(table))
        assert changed == [], f"{where}: refused with {status}, yet wrote to {changed}"
    if status in (302, 303):
        location = urlsplit(response.headers["Location"])
        assert location.netloc in ("", "localhost") and location.path.startswith("/"), (
            f"{where}: a redirect off the site, to {response.headers['Location']!r}"
        )
        return
    if response.is_json and status >= 400:
        assert response.get_json()["error"]["message"], f"{where}: {status} without a message"
    if response.mimetype != "text/html":
        return  # the manifest, the service worker, a chart's JSON
    main = _MAIN.search(html)
    assert main and _words(main.group(1)), f"{where}: {status} with an empty page"
    if status >= 400:
        heading = _HEADING.search(main.group(1))
        # A form shown again marks what is wrong; an error page says it in its heading.
        assert said_problems(html) or (heading and _words(heading.group(1))), (
            f"{where}: {status} without a word of what went wrong\n{_words(main.group(1))[:500]}"
        )


def foreign_ids(app, world) -> list[str]:
    """Real ids a field may be given that are not the caller's own: another patient's
    entry, therapy, medicine, dose and response, and the owner's of every kind."""
    other = Api(app.test_client())
    other.signin(world["emails"]["other_patient"])
    made = [
        other.post(path, data).get_json()["id"]
        for path, data in (
            ("/api/v1/entries", {"day": "2026-01-03", "leg_pain": 2}),
            ("/api/v1/therapies", {"kind": "nerve_block", "start_day": "2026-01-01"}),
            (
                "/api/v1/responses",
                {"questionnaire": "rmdq", "day": "2026-01-03", "answers": {"1": True}},
            ),
        )
    ]
    medicine = {"name": "Naproxen", "schedule": "as_needed", "start_day": "2026-01-01"}
    made.append(other.post("/api/v1/medications", medicine).get_json()["id"])
    dose = {"medication_id": made[-1], "taken_at": "2026-01-03T08:00:00Z"}
    made.append(other.post("/api/v1/doses", dose).get_json()["id"])
    owners = [world[kind] for kind in ("entry", "therapy", "medication", "dose", "response")]
    return made + owners + [str(world["ids"]["other_patient"]), str(world["session"])]


def copy_variants(copy: bytes, foreign: list) -> list[bytes]:
    """The owner's copy of their diary, changed as a hostile or a careless file would be."""

    def variant(change, *, big=None):
        data = json.loads(copy)
        change(data)
        text = json.dumps(data)
        if big:  # a number JSON can spell but Python does not write
            text = text.replace(f'"{big[0]}"', big[1])
        return text.encode()

    new = str(uuid.uuid4())

    def entry(**fields):
        return {**json.loads(copy)["entries"][0], "id": str(uuid.uuid4()), **fields}

    return [
        # Every record there, changed: conflicts, listed on the page.
        variant(lambda d: [e.update(note="Changed elsewhere", leg_pain=1) for e in d["entries"]]),
        # Text no field takes; a lone surrogate, escaped as JSON can.
        variant(lambda d: d["entries"].append(entry(note="".join(CONTROLS)))),
        variant(lambda d: d["entries"].append(entry(note="\ud800"))),
        # A good record, then one that refuses the whole file: nothing may be written.
        variant(lambda d: d["entries"].extend([entry(), entry(day="2026-02-30")])),
        variant(lambda d: d["entries"].extend([entry(), entry(id=foreign[0])])),
        variant(
            lambda d: d["entries"].extend([entry(), entry(leg_pain="N")]), big=("N", "9" * 400)
        ),
        variant(lambda d: d.update(version="V"), big=("V", "1e309")),
        # The same new id twice, with different content.
        variant(lambda d: d["entries"].extend([entry(id=new), entry(id=new, note="b")])),
    ]
