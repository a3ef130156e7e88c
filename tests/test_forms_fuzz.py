"""Every HTML form holds up to hostile input: no 500, no partial write, a refusal that says why.

tests/test_openapi.py fuzzes the JSON API from its document; this fuzzes the pages and their
forms, from ``app.url_map``: a new form or page is fuzzed the day it is added, or this test
fails until it is taught how to reach it. Each route is called by a caller its policy lets
in (tests/access_world.py: the owner with an entry, a therapy, a medicine and a dose, a
response, an invite and a view link; a physician with an active share; someone signed out
or holding a view link; a new account for the routes of one's own account), its address
filled with that caller's real ids, and at least one request must reach its view (past the
access and CSRF checks).

- Every page (GET) is given hostile query strings, on the parameters its view's code reads
  and those the app's links and GET forms put in its address (tests/hostile_forms.py), in
  English and in Spanish (gettext's warning about a float given to a plural rule fails it).
- Every POST route is sent hostile bodies, made from the forms on its page (their real
  fields, hidden ones included, and the values they offer): a sweep per kind of value, then
  hypothesis' own mixes; after a write, the page the redirect leads to opens too (it shows
  what was saved).

The CSRF token is valid (sent in the X-CSRFToken header, which the CSRF check reads first,
so that a body mangled on purpose still reaches the view). Every answer must be a redirect
to this site, a page (200), or a 4xx that says what went wrong; never a 500. A 4xx must have
written nothing: the SQLite file's tables are compared before and after (row counts and a
hash of every row), all of them but what any request may touch: a session's
``last_seen_at`` and ``expires_at`` (moved on as it is used). The access log is compared
too (a refused read is not logged). The rate-limit counts live in a file of their own, not
in the database; the limits are lifted here so that the fuzzer reaches the forms behind them.
"""

import os
import shutil
import uuid
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from diary import create_app
from diary.access import policy_of
from diary.db import get_db
from diary.sharing import invites
from tests.access_world import build_world, destructive, url_of
from tests.conftest import PASSWORD, TEST_CONFIG, Api
from tests.form_fuzzing import (
    Fuzzing,
    Route,
    Said,
    check,
    copy_variants,
    foreign_ids,
    query_names,
)
from tests.hostile_forms import (
    FILES,
    bodies,
    queries,
    query_sweeps,
    sweeps,
    urlencoded,
)
from tests.html_forms import forms_on, link_queries
from tests.mailbox import sending_to

#: Who calls the routes of each policy. ``new_account``: a patient registered for the
#: route, for the routes of one's own account (its password, its email, the account itself
#: may change).
CALLERS = {
    "patient": "owner",
    "physician": "physician_active",
    "physician_of_patient": "physician_active",
    "view_link": "link_live",
    "anyone": "anonymous",
    "signed_in": "new_account",
}
#: Routes called by another caller than their policy's: signing out is worth fuzzing signed in.
CALLER_OF = {"auth.signout": "new_account"}

#: Where a route's forms are, when not on the route's own page (GET of its address): a
#: page's address (``{entry}``: the caller's ids), or "POST " and the address of a page a
#: form posts to (a confirmation).
FORM_PAGES = {
    "auth.end_session": "/account",
    "auth.profile": "/account",
    "auth.signout": "/account",
    "auth.signout_everywhere": "/account",
    "email_change.ask": "/account",
    "email_change.cancel": "/account",
    "entries.delete": ("/entries/{entry}/edit", "POST /entries/{entry}/delete"),
    "exports.import_copy": "/account/data/",
    "language.choose": "/signin",
    "medications.delete_dose": "/medications/doses/{dose}/edit",
    "medications.took_one": "/today",
    "questionnaires.dismiss": "/today",
    "reminders.save": "/account",
    "sharing.cohorts_choice": "/sharing/",
    "sharing.create_invite": "/sharing/",
    "sharing.create_link": "/sharing/",
    "sharing.end_link": "/sharing/",
    "sharing.end_share": "/sharing/",
    "sharing.notes_choice": "/sharing/",
    "therapies.new": "/therapies/new?kind=surgery",
}
#: Routes whose form the caller's page does not show as it stands, and the fields it sends.
FIELDS_WITHOUT_PAGE = {
    # On the account page only while a change of email waits for its link.
    "email_change.cancel": [],
}
#: Bodies hypothesis makes per route, besides the sweeps: few in the suite, whose time is
#: counted; FORMS_FUZZ_MIXES=500 makes a longer hunt.
MIXES = int(os.environ.get("FORMS_FUZZ_MIXES", "4"))
#: Hostile queries hypothesis makes per page, besides the sweeps.
PAGE_MIXES = max(1, MIXES // 4)
#: The pages are asked for in each language in turn (their words, their plural rules).
LANGUAGES = ("en", "es")


def seeds(endpoint, world, app) -> dict:
    """Values that make a form as shown valid where its defaults alone are refused, so that
    a hostile change to one field reaches what comes after the others are validated."""
    if endpoint == "entries.today":
        return {"leg_pain": "4"}
    if endpoint == "medications.new":
        return {"name": "Pregabalin", "start_dose": "75 mg"}
    if endpoint == "auth.signin":
        return {"email": world["emails"]["owner"], "password": PASSWORD}
    if endpoint == "auth.register":
        return {"email": f"{uuid.uuid4()}@example.org", "password": PASSWORD, "name": "Sam"}
    if endpoint == "auth.account":
        return {"current_password": PASSWORD, "new_password": "a quiet lake at dusk"}
    if endpoint == "email_change.ask":
        return {"password": PASSWORD, "email": f"{uuid.uuid4()}@example.org"}
    if endpoint == "password_reset.forgot":
        return {"email": world["emails"]["owner"]}
    if endpoint == "password_reset.reset":
        return {"new_password": "a quiet lake at dusk"}
    if endpoint == "reminders.save":
        return {"reminder_time": "08:00"}
    if endpoint == "physician.accept":
        with app.app_context():
            return {"code": invites.create(get_db(), world["ids"]["owner"]).shown}
    return {}


def post_rules(app):
    """Every HTML route that takes a POST, the destructive ones last."""
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.rule.startswith("/api/")
    ]
    return sorted(rules, key=lambda rule: (destructive(rule, "POST"), rule.rule))


def caller_of(app, rule):
    policy = policy_of(app.view_functions[rule.endpoint])
    caller = CALLER_OF.get(rule.endpoint, CALLERS.get(policy))
    if caller == "new_account" and rule.arguments:
        return "owner"  # the address names one of the owner's objects (a session)
    return caller


# ---- the tests -----------------------------------------------------------------------------


@pytest.fixture
def fuzzed_app(tmp_path, migrated_database, inbox):
    """The app with every attempt limit lifted, sending email to a real SMTP server here."""
    database = tmp_path / "diary.sqlite3"
    shutil.copyfile(migrated_database, database)
    app = create_app(
        {
            **TEST_CONFIG,
            "DATABASE": str(database),
            "REGISTRATION_LIMIT": "100000 per hour",
            "SIGNIN_FAILURE_LIMIT": "100000 per minute",
            "INVITE_FAILURE_LIMIT": "100000 per hour",
            "PASSWORD_RESET_LIMIT": "100000 per hour",
            "EMAIL_CHANGE_LIMIT": "100000 per hour",
            **sending_to(inbox),
        }
    )
    yield app
    app.extensions["diary.db"].close_all()


@pytest.fixture
def fuzzing(fuzzed_app):
    app = fuzzed_app
    world = build_world(app)
    owner = Api(app.test_client())
    owner.signin(world["emails"]["owner"])
    # A complete copy of the owner's diary: what the import form is given to read.
    world["copy"] = owner.get("/api/v1/export.json").get_data()
    world["foreign"] = foreign_ids(app, world)
    world["copies"] = copy_variants(world["copy"], world["foreign"])
    fuzzing = Fuzzing(
        app, world, form_pages=FORM_PAGES, fields_without_page=FIELDS_WITHOUT_PAGE, seeds=seeds
    )
    yield fuzzing
    fuzzing.db.close()


#: Ids of every kind url_of fills an address with, to see that it can.
ANY_WORLD = {
    **dict.fromkeys(
        ("reset_token", "email_token", "share", "link", "response", "therapy", "entry"), "x"
    ),
    **dict.fromkeys(("session", "dose", "medication"), "x"),
    "ids": {"owner": 1},
    "tokens": {"link_live": "x"},
}


def test_every_form_route_and_page_has_a_caller_and_an_address(app):
    """Each POST route and page has a caller and arguments url_of can fill (the fuzzing
    itself fails naming a form it cannot find, or a route no request got through to)."""
    for rule in [*post_rules(app), *page_rules(app)]:
        assert caller_of(app, rule) is not None, (
            f"no caller for {rule.endpoint}: add its policy to CALLERS or the route to CALLER_OF"
        )
        url_of(rule, ANY_WORLD, "owner")
    assert set(FORM_PAGES) | set(FIELDS_WITHOUT_PAGE) <= {r.endpoint for r in post_rules(app)}


# gettext's warning that a plural rule was given a float is a failure to come (a later
# Python refuses it): here it is one now.
@pytest.mark.filterwarnings("error:Plural value must be an integer:DeprecationWarning")
def test_every_form_and_page_holds_up_to_hostile_input(fuzzing, subtests):
    """Every page with hostile queries, then every POST route's forms with hostile bodies."""
    app, world = fuzzing.app, fuzzing.world
    # Pages first, while the diary is small: the charts' analysis grows with what the
    # forms save.
    pages = read_pages(fuzzing)
    for route, names in pages:
        with subtests.test(msg=f"GET {route.rule.endpoint}"):
            reached = fuzzing.reached[route.rule.endpoint]
            fuzz_page(fuzzing, route, names, pages.every_name)
            assert fuzzing.reached[route.rule.endpoint] > reached, (
                f"no query reached {route.rule.endpoint}'s view: {route.caller} met the gate"
            )
    used_up = False
    for rule in post_rules(app):
        with subtests.test(msg=f"POST {rule.endpoint}"):
            route = Route(rule, caller_of(app, rule))
            if route.uses_objects and used_up:
                world["fresh_objects"]()  # a destructive route before may have ended them
            used_up = used_up or destructive(rule, "POST")
            problem = fuzzing.read_forms(route)
            assert problem is None, problem
            reached = fuzzing.reached[rule.endpoint]
            fuzz_route(fuzzing, route)
            assert fuzzing.reached[rule.endpoint] > reached, (
                f"no body reached {rule.endpoint}'s view: {route.caller} met the gate "
                "(CALLERS, CALLER_OF) or the CSRF check"
            )


class Pages(list):
    """``[(route, names it reads)]`` for every page, and ``every_name`` any page reads."""

    every_name: list


def read_pages(fuzzing) -> Pages:
    """Every HTML route that answers a GET, with the query names it reads: those its view's
    code reads, those the app's links and GET forms (the physicians' search, the cohort
    table) put in its address, and what the route's address holds already."""
    app = fuzzing.app
    pages, carried = Pages(), {}
    for rule in page_rules(app):
        route = Route(rule, caller_of(app, rule))
        route.client, route.email = fuzzing.sign_in(route)
        html = route.client.client.get(fuzzing.path(route)).get_data(as_text=True)
        for path, names in link_queries(html).items():
            carried.setdefault(path, set()).update(names)
        for form in forms_on(html, method="get"):
            path = urlsplit(form.action or fuzzing.path(route)).path
            carried.setdefault(path, set()).update(form.names)
            route.offered += [v for values in form.offered.values() for v in values]
        pages.append(route)
    every_name = set()
    for index, route in enumerate(pages):
        path = urlsplit(fuzzing.path(route))
        names = query_names(app.view_functions[route.rule.endpoint])
        names |= carried.get(path.path, set()) | {n for n, _v in parse_qsl(path.query)}
        pages[index] = (route, sorted(names))
        every_name |= names
    pages.every_name = sorted(every_name | {"next"})
    return pages


def page_rules(app):
    """Every HTML route that answers a GET."""
    return sorted(
        (
            rule
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods
            and not rule.rule.startswith("/api/")
            and rule.endpoint != "static"
        ),
        key=lambda rule: rule.rule,
    )


def fuzz_route(fuzzing, route):
    where = f"POST {route.rule.rule} as {route.caller}"
    copies, ids = fuzzing.world["copies"], fuzzing.world["foreign"]
    names = route.typed + route.hidden

    @settings(
        max_examples=MIXES,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(body=bodies(names, route.offered, len(route.forms), (*FILES, *copies)))
    def fuzz(body):
        response, before, after = fuzzing.send(route, body)
        said = Said(lambda: f"{where} {body}")
        check(response, before, after, said)
        if response.status_code in (302, 303) and before != after:
            # What was just saved is shown on the page the redirect leads to: it opens too.
            shown = route.client.client.get(response.headers["Location"])
            check(shown, after, after, Said(lambda: f"{said}, then GET {shown.request.path}"))

    for body in sweeps(route.typed, route.hidden, ids, dict.fromkeys(route.files, copies)):
        fuzz = example(body=body)(fuzz)
    fuzz()


def fuzz_page(fuzzing, route, names, every_name):
    where = f"GET {route.rule.rule} as {route.caller}"

    @settings(
        max_examples=PAGE_MIXES,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(query=queries(every_name, route.offered), language=st.sampled_from(LANGUAGES))
    def fuzz(query, language):
        path = fuzzing.path(route)
        path += ("&" if "?" in path else "?") + urlencoded(query).decode("latin-1")
        before = fuzzing.snapshot()
        headers = {"Accept": "text/html", "Accept-Language": language}
        response = route.client.client.get(path, headers=headers)
        check(response, before, fuzzing.snapshot(), Said(lambda: f"{where} in {language} {query}"))

    for index, query in enumerate(query_sweeps(names or ["next"])):
        fuzz = example(query=query, language=LANGUAGES[index % 2])(fuzz)
    fuzz()
