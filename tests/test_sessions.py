"""Sessions live on the server: signing out ends every copy of the cookies, at once."""

from datetime import UTC, datetime, timedelta

from diary.accounts import sessions
from diary.db import get_db, write
from tests.conftest import PASSWORD, Api, form_token

ENTRY = {"day": "2026-01-05", "leg_pain": 4}


def _browser_with(app, cookies):
    """Another browser holding copies of these cookies (what a thief could keep)."""
    browser = Api(app.test_client())
    for name, value in cookies.items():
        browser.client.set_cookie(name, value)
    return browser


def _cookies(api, *names):
    values = {name: api.client.get_cookie(name) for name in names}
    assert all(values.values()), f"missing cookies: {values}"
    return {name: cookie.value for name, cookie in values.items()}


def _user_of(api):
    return api.get("/api/v1/session").get_json()["user"]


def _sign_in_remembered(api, email="pat@example.org"):
    r = api.post("/api/v1/session", {"email": email, "password": PASSWORD, "remember": True})
    assert r.status_code == 200, r.get_json()
    return r


def test_an_old_copy_of_the_session_cookie_neither_reads_nor_writes_after_sign_out(app, patient):
    copy = _browser_with(app, _cookies(patient, "diary_session"))
    assert copy.get("/api/v1/entries").status_code == 200  # a copy works while signed in
    assert patient.signout().status_code == 200
    assert copy.get("/api/v1/entries").status_code == 401
    # The copy can still fetch a CSRF token for itself; the write is refused all the same.
    assert copy.post("/api/v1/entries", ENTRY).status_code == 401
    assert copy.get("/today").status_code == 302
    with app.app_context():
        assert get_db().execute("SELECT count(*) FROM entries").fetchone()[0] == 0


def test_sign_out_ends_the_remember_me_cookie_too(app, api):
    api.register()
    api.signout()
    _sign_in_remembered(api)
    remembered = _cookies(api, "diary_remember")
    assert _user_of(_browser_with(app, remembered))["email"] == "pat@example.org"
    assert api.signout().status_code == 200
    assert _user_of(_browser_with(app, remembered)) is None
    assert _browser_with(app, remembered).get("/api/v1/entries").status_code == 401


def test_the_sign_out_form_ends_the_session_and_asks_the_browser_to_forget(app, client):
    Api(client).register()
    copy = _browser_with(app, {"diary_session": client.get_cookie("diary_session").value})
    r = client.post("/signout", data={"csrf_token": form_token(client, "/today")})
    assert r.status_code == 302 and r.headers["Location"].endswith("/signin")
    assert r.headers["Clear-Site-Data"] == '"cache"'  # a patient's unsent changes stay
    assert copy.get("/today").status_code == 302
    assert copy.get("/api/v1/entries").status_code == 401


def test_a_physicians_sign_out_leaves_a_patients_kept_changes_alone(client):
    # A shared clinic computer may keep a patient's changes not sent yet (their session
    # ended before they were sent): "storage" would wipe them. The physician's own pages
    # are never kept for offline use, so the HTTP cache is all there is to clear.
    Api(client).register(email="doc@example.org", role="physician", name="Dr Who")
    r = client.post("/signout", data={"csrf_token": form_token(client, "/account")})
    assert r.headers["Clear-Site-Data"] == '"cache"'


def _forget_the_browser_session(api):
    """What closing the browser does: cookies without an expiry go, remember-me stays."""
    api.client.delete_cookie("diary_session")


def test_signing_in_over_someone_else_ends_their_session_on_a_shared_phone(app, make_api):
    alice, bob = make_api(), make_api()
    alice.register(email="alice@example.org", name="Alice")
    bob.register(email="bob@example.org", name="Bob")
    bob.signout()
    alice.signout()
    phone = make_api()
    _sign_in_remembered(phone, "alice@example.org")
    alices_cookies = _cookies(phone, "diary_session", "diary_remember")
    # Bob signs in on the same phone, through a sign-in form left open.
    form = {"email": "bob@example.org", "password": PASSWORD, "csrf_token": phone.token()}
    assert phone.client.post("/signin", data=form).status_code == 302
    assert _user_of(phone)["name"] == "Bob"
    _forget_the_browser_session(phone)
    # Neither Alice's remember-me cookie nor any copy of her cookies brings her diary back.
    assert _user_of(phone) is None
    assert _user_of(_browser_with(app, alices_cookies)) is None
    assert _browser_with(app, alices_cookies).get("/api/v1/entries").status_code == 401


def test_registering_over_someone_else_signs_them_out_everywhere_on_this_phone(app, make_api):
    phone = make_api()
    phone.register(email="alice@example.org", name="Alice")
    phone.signout()
    _sign_in_remembered(phone, "alice@example.org")
    alices_cookies = _cookies(phone, "diary_session", "diary_remember")
    assert phone.register(email="carol@example.org", name="Carol")["name"] == "Carol"
    _forget_the_browser_session(phone)
    assert _user_of(phone) is None
    assert _user_of(_browser_with(app, alices_cookies)) is None


def test_the_register_page_sends_a_signed_in_person_on(patient):
    response = patient.client.get("/register")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"  # home: Today for a patient


def test_sign_out_everywhere_ends_every_device(app, api, make_api):
    api.register()
    phone, laptop = make_api(), make_api()
    phone.signin()
    _sign_in_remembered(laptop)
    remembered = _cookies(laptop, "diary_remember")
    r = phone.delete("/api/v1/sessions")
    assert r.status_code == 200 and r.get_json()["user"] is None
    for device in (api, phone, laptop, _browser_with(app, remembered)):
        assert _user_of(device) is None


def test_sign_out_everywhere_from_the_account_page(app, client, make_api):
    Api(client).register()
    other = make_api()
    other.signin()
    page = client.get("/account").get_data(as_text=True)
    assert "Signed-in devices" in page and "(this device)" in page
    r = client.post(
        "/account/signout-everywhere", data={"csrf_token": form_token(client, "/account")}
    )
    assert r.status_code == 302 and "Clear-Site-Data" in r.headers
    assert _user_of(other) is None
    assert client.get("/today").status_code == 302


def test_one_device_can_be_signed_out_from_another(api, make_api):
    api.register()
    lost_phone = make_api()
    lost_phone.signin()
    listed = api.get("/api/v1/sessions").get_json()["sessions"]
    assert len(listed) == 2 and sum(s["current"] for s in listed) == 1
    other = next(s for s in listed if not s["current"])
    assert api.delete(f"/api/v1/sessions/{other['id']}").status_code == 204
    assert _user_of(lost_phone) is None
    assert _user_of(api) is not None
    assert api.delete(f"/api/v1/sessions/{other['id']}").status_code == 404


def test_nobody_can_end_or_see_another_users_sessions(api, make_api):
    api.register()
    mine = api.get("/api/v1/sessions").get_json()["sessions"][0]["id"]
    stranger = make_api()
    stranger.register(email="stranger@example.org")
    assert stranger.delete(f"/api/v1/sessions/{mine}").status_code == 404
    r = stranger.post(
        f"/account/sessions/{mine}/end",
        data={"csrf_token": form_token(stranger.client, "/account")},
        csrf=False,
    )
    assert r.status_code == 302
    assert [s["id"] for s in stranger.get("/api/v1/sessions").get_json()["sessions"]] != [mine]
    assert _user_of(api) is not None


def test_password_change_keeps_this_session_and_its_remember_cookie(app, api, make_api):
    api.register()
    api.signout()
    _sign_in_remembered(api)
    remembered = _cookies(api, "diary_remember")
    other = make_api()
    other.signin()
    r = api.put(
        "/api/v1/session/password",
        {"current_password": PASSWORD, "new_password": "another calm river"},
    )
    assert r.status_code == 200
    assert _user_of(other) is None
    assert _user_of(api) is not None
    assert _user_of(_browser_with(app, remembered)) is not None


def test_a_session_unused_past_its_idle_timeout_has_ended(app, patient):
    with app.app_context():
        db = get_db()
        past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
        with write(db):
            db.execute("UPDATE sessions SET expires_at = ?", [past])
    assert patient.get("/api/v1/entries").status_code == 401
    with app.app_context():
        assert get_db().execute("SELECT count(*) FROM sessions").fetchone()[0] == 0


def test_using_a_session_moves_its_expiry_on(app, patient):
    with app.app_context():
        db = get_db()
        old = datetime.now(UTC) - sessions.TOUCH_EVERY - timedelta(minutes=1)
        with write(db):
            db.execute(
                "UPDATE sessions SET last_seen_at = ?, expires_at = ?",
                [old.isoformat(), (old + timedelta(days=30)).isoformat()],
            )
    assert patient.get("/api/v1/entries").status_code == 200
    with app.app_context():
        expires = get_db().execute("SELECT expires_at FROM sessions").fetchone()[0]
    remaining = datetime.fromisoformat(expires) - datetime.now(UTC)
    assert timedelta(days=29, hours=23) < remaining <= timedelta(days=30)


def test_a_physicians_session_ends_the_same_working_day(app, api):
    api.register(email="doc@example.org", role="physician", name="Dr Who")
    with app.app_context():
        created, expires = (
            get_db().execute("SELECT created_at, expires_at FROM sessions").fetchone()
        )
    lifetime = datetime.fromisoformat(expires) - datetime.fromisoformat(created)
    assert lifetime == app.config["SESSION_IDLE_TIMEOUT"]["physician"] == timedelta(hours=12)


def test_the_database_keeps_only_a_hash_of_the_session_token(app, patient):
    token = patient.client.get_cookie("diary_session").value
    with app.app_context():
        db = get_db()
        rows = db.execute("SELECT * FROM sessions").fetchall()
        dump = "\n".join(db.conn.iterdump())
    assert len(rows) == 1
    # The cookie is signed by Flask; whatever token it carries never appears in the file.
    from flask.sessions import SecureCookieSessionInterface

    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    raw = serializer.loads(token)["_user_id"]
    assert len(raw) >= 43 and raw not in dump


def test_a_token_from_before_server_sessions_signs_nobody_in(app):
    with app.app_context():
        assert sessions.find(get_db(), "1:abcdef", lambda role: timedelta(days=1)) is None
        assert sessions.find(get_db(), ["not", "text"], lambda role: timedelta(days=1)) is None


def test_signing_in_gives_a_new_csrf_token_and_the_old_one_stops_working(api):
    api.register()
    api.signout()
    before = api.token()
    r = api.signin()
    after = r.get_json()["csrf_token"]
    assert after != before
    r = api.post("/api/v1/entries", ENTRY, headers={"X-CSRFToken": before})
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "csrf_failed"
    assert api.post("/api/v1/entries", ENTRY, headers={"X-CSRFToken": after}).status_code == 201


def test_the_service_workers_marker_cookie_follows_the_session(app, api):
    api.register()
    marker = api.client.get_cookie("diary_user")
    user_id, _, expires = marker.value.partition(".")
    assert user_id == str(_user_of(api)["id"]) and int(expires) > datetime.now(UTC).timestamp()
    assert marker.http_only is False
    assert marker.expires is None  # without "remember me" it goes with the browser session
    api.signout()
    assert api.client.get_cookie("diary_user") is None
    _sign_in_remembered(api)
    assert api.client.get_cookie("diary_user").expires is not None


def test_devices_are_named_in_words():
    android = (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
        " Chrome/131.0 Mobile Safari/537.36"
    )
    iphone = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
        " (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
    )
    assert sessions.describe_device(android) == "Chrome on Android"
    assert sessions.describe_device(iphone) == "Safari on iPhone"
    assert sessions.describe_device("") == "An app or browser we do not recognise"


def test_session_cookies_signed_before_this_release_still_sign_in(app, patient):
    """The session cookie is signed through OpenSSL's HMAC now; it is the same SHA-1 HMAC as
    Flask's own, so a browser signed in before an upgrade stays signed in, and the other
    way round."""
    from flask.sessions import SecureCookieSessionInterface

    stock = SecureCookieSessionInterface().get_signing_serializer(app)
    ours = app.session_interface.get_signing_serializer(app)
    cookie = patient.client.get_cookie("diary_session").value
    assert stock.loads(cookie) == ours.loads(cookie)
    browser = _browser_with(app, {"diary_session": stock.dumps(ours.loads(cookie))})
    assert _user_of(browser)["email"] == _user_of(patient)["email"]
    forged = _browser_with(
        app, {"diary_session": cookie[:-2] + ("AA" if cookie[-2:] != "AA" else "BB")}
    )
    assert _user_of(forged) is None
