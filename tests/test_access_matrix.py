"""Every route, every kind of caller: who may see what (DESIGN.md section 6).

The routes are read from ``app.url_map``, so a new route is covered the day it is added.
Callers (tests/access_world.py): anonymous, the owner (a patient with data), another
patient, a physician with an active share from the owner, one without a share, one whose
share was revoked and one whose share expired, and someone holding one of the owner's view
links (live, turned off, expired) who is not signed in. Bodies are empty: this checks the
gate, not the feature (tests/test_forms_fuzz.py sends the forms hostile bodies).
"""

from datetime import UTC, datetime

import pytest

from diary import create_app
from diary.access import policy_of
from diary.db import get_db, write
from tests.access_world import ACTORS, build_world, client_of, destructive, signed_in, url_of
from tests.conftest import TEST_CONFIG, Api

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
    return build_world(app)


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
    return sorted(cases, key=lambda c: (destructive(*c), c[0].rule, c[1]))


def test_every_route_refuses_whoever_may_not_call_it(app, world):
    checked = 0
    for rule, method in _cases(app):
        policy = policy_of(app.view_functions[rule.endpoint])
        is_api = rule.rule.startswith("/api/")
        if destructive(rule, method):
            world["fresh_objects"]()
        object_route = bool(rule.arguments - {"patient_id", "questionnaire"})
        for actor in ACTORS:
            path = url_of(rule, world, actor)
            api = client_of(app, world, actor)
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
    path = url_of(rules[0], world, "physician_active")
    physician = client_of(app, world, "physician_active")
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
        path = url_of(rule, world, "physician_active")
        client_of(app, world, "physician_none").get(path)  # refused: nothing was shown
        assert client_of(app, world, "physician_active").get(path).status_code == 200, path
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
