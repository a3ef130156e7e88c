"""Forgotten passwords on a self-hosted server: the operator's one-time link, the page it
opens, and the link by email when SMTP is configured (sent to a real local SMTP server)."""

import logging
import re
import socket
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

from diary import create_app, mail
from diary.accounts import password_resets
from diary.db import get_db, write
from tests.conftest import PASSWORD, TEST_CONFIG, Api, form_token
from tests.mailbox import Inbox

NEW_PASSWORD = "a quiet harbour at dusk"


def link_from(text):
    match = re.search(r"(\S*/reset/([A-Za-z0-9_-]+))", text)
    assert match, text
    return match.group(1), match.group(2)


def reset_link(runner, email="pat@example.org", *args):
    result = runner.invoke(args=["reset-password", email, *args])
    assert result.exit_code == 0, result.output
    return result.output


def set_password(client, path, password):
    token = form_token(client, path)
    return client.post(path, data={"new_password": password, "csrf_token": token})


def test_the_operator_prints_a_link_that_sets_a_new_password_and_ends_every_session(
    app, runner, make_api
):
    phone, laptop = make_api(), make_api()
    phone.register()
    assert laptop.signin().status_code == 200

    output = reset_link(runner, "PAT@example.org", "--base-url", "https://diary.example.org/")
    assert "pat@example.org" in output and "one hour" in output
    link, token = link_from(output)
    assert link == f"https://diary.example.org/reset/{token}"
    # At least 128 random bits (256 here), and only a hash of them is kept.
    assert len(token) >= 43
    with app.app_context():
        dump = "\n".join(get_db().conn.iterdump())
    assert token not in dump

    visitor = make_api().client
    page = visitor.get(f"/reset/{token}")
    assert page.status_code == 200 and "Set a new password" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    response = set_password(visitor, f"/reset/{token}", NEW_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/signin"

    # Every device is signed out; the old password is gone, the new one works.
    for device in (phone, laptop):
        assert device.get("/api/v1/session").get_json()["user"] is None
    assert make_api().signin().status_code == 401
    assert make_api().signin(password=NEW_PASSWORD).status_code == 200

    # The link worked once.
    again = visitor.get(f"/reset/{token}")
    assert again.status_code == 410
    assert "This link was used already" in again.get_data(as_text=True)


def test_the_link_keeps_the_password_rules_and_says_what_to_fix(client, api, runner):
    api.register()
    _, token = link_from(reset_link(runner))
    for weak, message in (("short", "at least 10"), ("1234567890", "too common")):
        response = set_password(client, f"/reset/{token}", weak)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    # Refused passwords do not use the link up.
    assert set_password(client, f"/reset/{token}", NEW_PASSWORD).status_code == 302


def test_an_expired_or_unknown_link_says_so(app, client, api, runner):
    api.register()
    _, token = link_from(reset_link(runner))
    with app.app_context():
        db = get_db()
        with write(db):
            past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
            db.execute("UPDATE password_resets SET expires_at = ?", [past])
    expired = client.get(f"/reset/{token}")
    assert expired.status_code == 410
    assert "This link has expired" in expired.get_data(as_text=True)
    assert client.get(f"/reset/{token}x").status_code == 404
    assert "not one we made" in client.get("/reset/nonsense").get_data(as_text=True)
    # Nothing was changed by trying.
    assert api.signin().status_code == 200


def test_only_the_newest_link_works(client, api, runner):
    api.register()
    _, first = link_from(reset_link(runner))
    _, second = link_from(reset_link(runner))
    assert client.get(f"/reset/{first}").status_code == 410
    assert client.get(f"/reset/{second}").status_code == 200


def test_a_link_works_for_one_hour(app, api):
    user_id = api.register()["id"]
    now = datetime.now(UTC)
    with app.app_context():
        db = get_db()
        made_61_minutes_ago = password_resets.create(db, user_id, now=now - timedelta(minutes=61))
        assert password_resets.state(db, made_61_minutes_ago)[0] == password_resets.EXPIRED
        made_59_minutes_ago = password_resets.create(db, user_id, now=now - timedelta(minutes=59))
        assert password_resets.state(db, made_59_minutes_ago)[0] == password_resets.VALID


def test_the_command_refuses_an_unknown_email_and_works_without_a_base_url(api, runner):
    result = runner.invoke(args=["reset-password", "nobody@example.org"])
    assert result.exit_code != 0 and "No account uses nobody@example.org" in result.output
    api.register()
    output = reset_link(runner)
    assert re.search(r"^  /reset/\S+$", output, re.M)
    assert "DIARY_BASE_URL" in output


def test_the_link_form_needs_a_csrf_token(client, api, runner):
    api.register()
    _, token = link_from(reset_link(runner))
    response = client.post(f"/reset/{token}", data={"new_password": NEW_PASSWORD})
    assert response.status_code == 400
    assert api.signin().status_code == 200


def test_sign_in_page_says_how_to_get_a_link_without_email(client):
    signin = client.get("/signin").get_data(as_text=True)
    assert 'href="/password-reset"' in signin and "Forgot your password?" in signin
    page = client.get("/password-reset").get_data(as_text=True)
    assert "Ask the people who run this diary" in page
    assert "reset-password" in page
    assert "Email me a link" not in page  # no SMTP: no email form


# ---- by email, through a real SMTP server on this machine -----------------------------------


def ask_for_a_link(client, email):
    token = form_token(client, "/password-reset")
    return client.post("/password-reset", data={"email": email, "csrf_token": token})


def test_email_me_a_link_answers_alike_and_sends_only_to_an_account(mail_app, inbox):
    Api(mail_app.test_client()).register(email="pat@example.org")
    client = mail_app.test_client()
    page = client.get("/password-reset").get_data(as_text=True)
    assert "Email me a link" in page

    known = ask_for_a_link(client, "Pat@Example.org")
    unknown = ask_for_a_link(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200

    def words(response):
        html = response.get_data(as_text=True)
        return re.sub(r'name="csrf_token" value="[^"]*"', "", html)

    assert words(known) == words(unknown)
    assert "If an account uses that address" in words(known)

    (message,) = inbox.wait_for(1)
    assert message.rcpt_tos == ["pat@example.org"]
    content = message.content.decode()
    assert "Subject: Set a new password for your diary" in content
    link, token = link_from(content)
    assert link.startswith("https://diary.example.org/reset/")  # never the request's host

    visitor = mail_app.test_client()
    assert set_password(visitor, f"/reset/{token}", NEW_PASSWORD).status_code == 302
    assert Api(mail_app.test_client()).signin(password=NEW_PASSWORD).status_code == 200
    assert len(inbox.wait_for(2, timeout=0.5)) == 1  # nothing went to the unknown address


def test_email_me_a_link_is_rate_limited_per_address(mail_app, inbox):
    client = mail_app.test_client()
    for n in range(5):
        assert ask_for_a_link(client, f"someone{n}@example.org").status_code == 200
    assert ask_for_a_link(client, "someone5@example.org").status_code == 429


def test_email_me_a_link_is_rate_limited_per_email_across_addresses(mail_app, inbox):
    for n in range(5):
        client = mail_app.test_client()
        response = client.post(
            "/password-reset",
            data={"email": "pat@example.org", "csrf_token": form_token(client, "/password-reset")},
            environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
        )
        assert response.status_code == 200
    client = mail_app.test_client()
    response = client.post(
        "/password-reset",
        data={"email": "pat@example.org", "csrf_token": form_token(client, "/password-reset")},
        environ_base={"REMOTE_ADDR": "10.0.0.99"},
    )
    assert response.status_code == 429


def test_a_bad_address_is_named(mail_app, inbox):
    response = ask_for_a_link(mail_app.test_client(), "not an email")
    assert response.status_code == 422
    assert "Email must be an email address" in response.get_data(as_text=True)
    assert inbox.wait_for(1, timeout=0.3) == []


def test_without_a_base_url_no_email_is_offered(tmp_path, inbox):
    app = create_app(
        {**TEST_CONFIG, "DATABASE": str(tmp_path / "d.sqlite3"), "SMTP_HOST": "127.0.0.1"}
    )
    try:
        page = app.test_client().get("/password-reset").get_data(as_text=True)
        assert "Email me a link" not in page
    finally:
        app.extensions["diary.db"].close_all()


def test_the_new_password_also_signs_in_through_the_api(client, api, runner):
    api.register()
    _, token = link_from(reset_link(runner))
    set_password(client, f"/reset/{token}", NEW_PASSWORD)
    assert api.signin(password=PASSWORD).status_code == 401
    assert api.signin(password=NEW_PASSWORD).status_code == 200


def test_the_link_is_emailed_in_the_accounts_language(mail_app, inbox):
    account = Api(mail_app.test_client())
    account.register(email="pat@example.org")
    account.put("/api/v1/users/me", {"locale": "es"})
    ask_for_a_link(mail_app.test_client(), "pat@example.org")  # an English page asks
    (message,) = inbox.wait_for(1)
    email = message_from_bytes(message.content, policy=policy.default)
    assert email["Content-Language"] == "es"
    assert email["Subject"] == "Cree una contraseña nueva para su diario"
    body = email.get_content()
    assert "Abra este enlace para elegirla" in body
    assert link_from(body)[0].startswith("https://diary.example.org/reset/")


class Refusing(Inbox):
    """An SMTP server that refuses every recipient, echoing the address as servers do."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        return f"550 5.1.1 <{address}>: Recipient address rejected"


def test_a_failed_email_is_logged_without_the_recipients_address(tmp_path, caplog):
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    config = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_SECURITY": "none",
        "SMTP_FROM": "Diary <diary@example.org>",
    }
    try:
        message = mail.message(config, "patricia.lopez@example.org", "Subject", "Body")
        with caplog.at_level(logging.INFO, logger="diary.mail"):
            mail.send_in_background(config, message).join()
    finally:
        controller.stop()
    (record,) = [r for r in caplog.records if r.name == "diary.mail"]
    logged = caplog.text
    assert "could not send email to p***@example.org" in logged
    assert "SMTPRecipientsRefused" in logged and "550" in logged  # why, for the operator
    assert "patricia" not in logged and "lopez" not in logged
    assert record.exc_info is None  # no traceback: the exception's text holds the address
