"""CSRF on every state-changing request, security headers, cookie flags."""

from diary import assets
from tests.conftest import PASSWORD, form_token


def test_json_write_without_csrf_token_is_refused(api):
    r = api.post(
        "/api/v1/users",
        {"email": "a@example.org", "password": PASSWORD, "name": "A", "role": "patient"},
        csrf=False,
    )
    assert r.status_code == 400
    assert r.get_json()["error"]["code"] == "csrf_failed"
    assert "X-CSRFToken" in r.get_json()["error"]["message"]
    assert api.get("/api/v1/session").get_json()["user"] is None


def test_json_write_with_a_forged_token_is_refused(patient):
    r = patient.delete("/api/v1/users/me", headers={"X-CSRFToken": "forged"})
    assert r.status_code == 400
    assert patient.get("/api/v1/session").get_json()["user"] is not None


def test_form_post_without_csrf_is_refused_and_changes_nothing(client, api):
    api.register()
    r = client.post("/account/delete", data={"password": PASSWORD})
    assert r.status_code == 400
    assert "form expired" in r.get_data(as_text=True).lower()
    assert api.get("/api/v1/session").get_json()["user"] is not None


def test_form_post_with_csrf_works(client, api):
    api.register()
    token = form_token(client, "/account/delete")
    r = client.post("/account/delete", data={"password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302
    assert api.get("/api/v1/session").get_json()["user"] is None


def test_security_headers_on_pages_api_and_errors(client):
    for path in ["/", "/signin", "/api/v1/session", "/no-such-page", "/api/v1/nothing"]:
        r = client.get(path)
        csp = r.headers["Content-Security-Policy"]
        if path.startswith("/api/"):  # data, never a document: nothing may load or run
            assert csp == "default-src 'none'; frame-ancestors 'none'", path
            assert "Permissions-Policy" not in r.headers
        else:
            assert "script-src 'self'" in csp and "unsafe-inline" not in csp
            assert "frame-ancestors 'none'" in csp
            assert r.headers["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert r.headers["X-Frame-Options"] == "DENY"


def test_api_responses_are_not_cached(client):
    assert client.get("/api/v1/session").headers["Cache-Control"] == "no-store"


def test_signed_in_pages_are_not_cached_by_browsers_or_proxies(app, api, make_api):
    api.register()
    doctor = make_api()
    doctor.register(email="doc@example.org", role="physician", name="Dr Who")
    pages = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith("/api/")
    ]
    checked = 0
    for user in (api, doctor):
        for path in pages:
            response = user.client.get(path)
            if response.mimetype == "text/html" and response.status_code == 200:
                checked += 1
                assert response.headers.get("Cache-Control") == "no-store", path
    assert checked >= 6  # today, history, charts, therapies, account, the physician's home...
    # Pages with nobody's data may be cached as usual; static files certainly.
    anonymous = app.test_client()
    assert "no-store" not in anonymous.get("/signin").headers.get("Cache-Control", "")
    assert "no-store" not in api.client.get("/static/css/app.css").headers.get("Cache-Control", "")


def test_session_cookie_flags(api):
    r = api.post(
        "/api/v1/users",
        {"email": "c@example.org", "password": PASSWORD, "name": "C", "role": "patient"},
    )
    cookie = next(c for c in r.headers.getlist("Set-Cookie") if c.startswith("diary_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_no_inline_script_or_style_in_pages(client, api):
    import re

    pages = ["/", "/signin", "/register"]
    api.register()
    pages += ["/account"]
    for path in pages:
        html = api.client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+=", html), path
        assert " style=" not in html, path


def test_the_app_compresses_pages_scripts_and_styles_itself(api, app):
    api.register()
    import zlib

    static = assets.prefix(app)  # the addresses the pages ask for
    gzip = {"Accept-Encoding": "gzip, deflate"}  # what every browser sends, at least
    for path, encoding in (
        ("/today", "gzip"),
        (f"{static}/js/outbox.js", "deflate"),
        (f"{static}/css/app.css", "deflate"),
    ):
        response = api.client.get(path, headers=gzip)
        assert response.status_code == 200, path
        assert response.headers.get("Content-Encoding") == encoding, path
        assert "Accept-Encoding" in response.headers.get("Vary", ""), path
        body = zlib.decompress(
            response.get_data(), 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
        )
        assert len(body) > len(response.get_data()), path
    plain = api.client.get("/today")
    assert "Content-Encoding" not in plain.headers and b"<html" in plain.get_data()
    # A small answer (a session's JSON) is not worth compressing.
    small = api.client.get("/api/v1/session", headers=gzip)
    assert "Content-Encoding" not in small.headers


def test_static_files_carry_only_the_headers_that_apply_to_them(client, app):
    script = client.get(f"{assets.prefix(app)}/js/outbox.js")
    assert script.headers["X-Content-Type-Options"] == "nosniff"
    # A worker takes its policy from its script's answer: this origin only, for everything.
    assert script.headers["Content-Security-Policy"] == "default-src 'self'"
    style = client.get(f"{assets.prefix(app)}/css/app.css")
    assert style.headers["X-Content-Type-Options"] == "nosniff"
    for response in (script, style):
        for name in ("Referrer-Policy", "X-Frame-Options", "Permissions-Policy"):
            assert name not in response.headers, name
        assert "Content-Disposition" not in response.headers


def test_https_answers_ask_browsers_to_stay_on_https(client):
    secure = client.get("/signin", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/signin").headers


def test_a_header_a_view_sets_itself_is_kept_and_each_header_is_sent_once(app, client):
    @app.get("/test-own-headers")
    def own_headers():  # a view link's page does this (access.log_view)
        return "", 200, {"Referrer-Policy": "no-referrer", "Vary": "Origin"}

    own_headers.access_policy = "anyone"
    response = client.get("/test-own-headers", headers={"Accept-Encoding": "gzip"})
    assert response.headers.getlist("Referrer-Policy") == ["no-referrer"]
    assert response.headers.getlist("X-Frame-Options") == ["DENY"]
    own_varies = [name.strip() for name in response.headers["Vary"].split(",")]
    assert sorted(own_varies) == ["Accept-Encoding", "Accept-Language", "Cookie", "Origin"]
    page = client.get("/signin", headers={"Accept-Encoding": "gzip"})
    varies = [name.strip() for name in page.headers["Vary"].split(",")]
    assert sorted(varies) == ["Accept-Encoding", "Accept-Language", "Cookie"]
