"""The one access mechanism: every route declares a policy, and it is enforced."""

import pytest

from diary.access import POLICIES, check_every_route, policy_of


def test_every_route_declares_a_policy(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        assert policy_of(app.view_functions[rule.endpoint]) in POLICIES, rule.rule


def test_app_refuses_to_start_with_an_undeclared_route(app):
    app.add_url_rule("/forgotten", "forgotten", lambda: "oops")
    with pytest.raises(RuntimeError, match="/forgotten"):
        check_every_route(app)


def test_anonymous_api_gets_401_json_and_pages_redirect_to_signin(client):
    r = client.get("/api/v1/users/me")
    assert r.status_code in (401, 405)
    r = client.get("/account")
    assert r.status_code == 302
    assert r.headers["Location"].startswith("/signin?next=/account")
