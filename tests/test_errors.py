"""Every API failure is JSON of one shape; people get friendly pages; never a stack trace."""

import pytest

from diary.access import allow


def _error(response):
    body = response.get_json()
    assert body is not None, response.get_data(as_text=True)[:200]
    assert set(body["error"]) >= {"code", "message", "fields"}
    return body["error"]


def test_malformed_json_is_400_naming_the_body(api):
    r = api.post("/api/v1/users", data="{not json", content_type="application/json")
    assert r.status_code == 400
    assert _error(r)["fields"] == {"body": "is not valid JSON"}


@pytest.mark.parametrize("body", [[1, 2], "text", 3, None])
def test_non_object_body_is_refused(api, body):
    r = api.post(
        "/api/v1/session", data=__import__("json").dumps(body), content_type="application/json"
    )
    assert r.status_code in (400, 422)
    assert "body" in _error(r)["fields"]


def test_wrong_types_are_422_naming_the_field(api):
    r = api.post("/api/v1/users", {"email": 5, "password": ["x"], "name": "A", "role": "patient"})
    assert r.status_code == 422
    fields = _error(r)["fields"]
    assert fields["email"] == "must be text" and fields["password"] == "must be text"


def test_unknown_fields_are_refused(api):
    r = api.post("/api/v1/session", {"email": "a@example.org", "password": "x", "admin": True})
    assert r.status_code == 422
    assert _error(r)["fields"] == {"admin": "is not a field we know"}


def test_api_404_and_405_are_json(api):
    r = api.get("/api/v1/nothing-here")
    assert r.status_code == 404 and _error(r)["code"] == "not_found"
    r = api.put("/api/v1/openapi.json", {})
    assert r.status_code == 405
    assert _error(r)["code"] == "method_not_allowed"


def test_html_404_is_a_friendly_page(client):
    r = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert r.status_code == 404
    assert "Page not found" in r.get_data(as_text=True)


def test_unexpected_errors_hide_the_traceback(app, tmp_path):
    def boom():
        raise RuntimeError("secret internals")

    app.add_url_rule("/api/v1/boom", "boom", allow("anyone")(boom))
    app.add_url_rule("/boom", "boom_page", allow("anyone")(boom))
    client = app.test_client()
    r = client.get("/api/v1/boom")
    assert r.status_code == 500
    assert "secret internals" not in r.get_data(as_text=True)
    assert _error(r)["code"] == "server_error"
    r = client.get("/boom")
    assert r.status_code == 500
    html = r.get_data(as_text=True)
    assert "Something went wrong" in html and "Traceback" not in html


HOST_WORDS = "The Host header of this request is not a name this server can read."


@pytest.mark.parametrize("host", ["a..b", "a" * 64 + ".example.org"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_host_header_that_is_not_a_name_is_400_naming_it(client, host, method):
    # No link can be made for such a request: the error page itself once failed, and the
    # server answered a bare 500 (before it, a POST's CSRF page did the same).
    r = client.open("/signin", method=method, headers={"Host": host, "Accept": "text/html"})
    assert r.status_code == 400
    assert r.mimetype == "text/plain"
    assert r.get_data(as_text=True).strip() == HOST_WORDS
    r = client.open("/api/v1/session", method=method, headers={"Host": host})
    assert r.status_code == 400
    assert _error(r)["message"] == HOST_WORDS
