"""Changing the email an account signs in with: at once on a server that sends no email,
through a link mailed to the new address on one that does (a real local SMTP server)."""

import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

from diary.db import get_db, write
from tests.conftest import PASSWORD, Api, form_token, text_of

NEW = "new.address@example.org"


def ask(client, email, password=PASSWORD):
    """The account page's "Change your email" form, sent."""
    token = form_token(client, "/account")
    return client.post(
        "/account/new-email", data={"email": email, "password": password, "csrf_token": token}
    )


def signs_in(app, email):
    return Api(app.test_client()).signin(email).status_code == 200


def emails(app):
    """Every account's sign-in email."""
    with app.app_context():
        rows = get_db().execute("SELECT email FROM users ORDER BY email").fetchall()
    return [row[0] for row in rows]


def mails(inbox, count):
    return [
        message_from_bytes(m.content, policy=policy.default) for m in inbox.wait_for(count)[:count]
    ]


def link_from(text):
    match = re.search(r"(\S*/email/([A-Za-z0-9_-]+))", text)
    assert match, text
    return match.group(1), match.group(2)


def confirm(client, path):
    return client.post(path, data={"csrf_token": form_token(client, path)})


# ---- a server that sends no email: the change is made at once ------------------------------


def test_without_email_the_new_address_signs_in_at_once_and_the_old_one_no_more(
    app, client, api, make_api
):
    api.register()
    laptop = make_api()
    assert laptop.signin().status_code == 200
    page = client.get("/account").get_data(as_text=True)
    assert "Change your email" in page and "your devices stay signed in" in page

    response = ask(client, " New.Address@Example.org ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account#email-heading"
    shown = text_of(client.get("/account"))
    assert f"Saved: you now sign in with {NEW}" in shown
    assert f"( {NEW} ), patient" in shown  # stored case-folded, as registration does

    assert signs_in(app, NEW) and not signs_in(app, "pat@example.org")
    # The other device stays signed in (the address is not a secret).
    assert laptop.get("/api/v1/session").get_json()["user"]["email"] == NEW


def test_the_api_changes_it_at_once_too(app, patient):
    response = patient.put("/api/v1/users/me/email", {"email": NEW, "password": PASSWORD})
    assert response.status_code == 200
    assert response.get_json()["email"] == NEW
    assert signs_in(app, NEW) and not signs_in(app, "pat@example.org")


def test_a_wrong_password_changes_nothing_and_says_so(app, client, api):
    api.register()
    response = ask(client, NEW, password="not the password")
    assert response.status_code == 422
    shown = text_of(response)
    assert "Your password is not right. The email was not changed." in shown
    assert f'value="{NEW}"' in response.get_data(as_text=True)  # what was typed stays

    answer = api.put("/api/v1/users/me/email", {"email": NEW, "password": "wrong again!"})
    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["fields"]) == {"password"}
    assert signs_in(app, "pat@example.org") and not signs_in(app, NEW)


def test_wrong_passwords_count_with_the_other_passwords_asked_again(client, api):
    api.register()
    for _ in range(5):
        assert ask(client, NEW, password="not the password").status_code == 422
    assert ask(client, NEW).status_code == 429
    wrong = {"current_password": "x", "new_password": "another long password"}
    assert api.put("/api/v1/session/password", wrong).status_code == 429


def test_a_malformed_address_is_named(app, client, api):
    api.register()
    response = ask(client, "pat at example.org")
    assert response.status_code == 422
    assert "New email must be an email address like name@example.org" in text_of(response)
    answer = api.put("/api/v1/users/me/email", {"email": "nope", "password": PASSWORD})
    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["fields"]) == {"email"}
    assert signs_in(app, "pat@example.org")


def test_the_same_address_again_is_named(client, api):
    api.register()
    response = ask(client, "PAT@example.org")
    assert response.status_code == 422
    assert "New email is already the email you sign in with." in text_of(response)


def test_without_email_a_taken_address_is_refused_in_words_that_tell_nothing(
    app, client, api, make_api
):
    make_api().register(email="taken@example.org", name="Other")
    api.register()
    response = ask(client, "Taken@example.org")
    assert response.status_code == 422
    shown = text_of(response)
    assert "The email was not changed. Check the address, or choose another." in shown
    for telling in ("taken", "already", "exists", "another account", "in use"):
        assert telling not in shown.replace("Taken@example.org", "").lower()
    answer = api.put("/api/v1/users/me/email", {"email": "taken@example.org", "password": PASSWORD})
    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == "email_refused"
    assert answer.get_json()["error"]["fields"] == {}
    # Nothing changed for either account.
    assert emails(app) == ["pat@example.org", "taken@example.org"]


def test_changes_are_limited_per_account(patient):
    for n in range(5):
        body = {"email": f"n{n}@example.org", "password": PASSWORD}
        assert patient.put("/api/v1/users/me/email", body).status_code == 200
    body = {"email": "n5@example.org", "password": PASSWORD}
    assert patient.put("/api/v1/users/me/email", body).status_code == 429


def test_without_email_each_refused_address_counts_against_the_limit(app, client, patient):
    """Without email, a taken address is refused: each refusal tells that someone has it,
    so refusals count like changes, and the API and the form share one count."""
    for n in range(5):
        Api(app.test_client()).register(email=f"taken{n}@example.org", name="Other")
    for n in range(3):
        body = {"email": f"taken{n}@example.org", "password": PASSWORD}
        assert patient.put("/api/v1/users/me/email", body).status_code == 400
    patient_client = patient.client
    for n in (3, 4):
        assert ask(patient_client, f"taken{n}@example.org").status_code == 422
    assert ask(patient_client, "free@example.org").status_code == 429
    answer = patient.put(
        "/api/v1/users/me/email", {"email": "free@example.org", "password": PASSWORD}
    )
    assert answer.status_code == 429
    assert "pat@example.org" in emails(app) and "free@example.org" not in emails(app)


def test_reset_links_sent_to_the_old_address_stop_working(client, patient, runner):
    output = runner.invoke(args=["reset-password", "pat@example.org"]).output
    reset_path = re.search(r"/reset/\S+", output).group(0)
    assert client.get(reset_path).status_code == 200
    patient.put("/api/v1/users/me/email", {"email": NEW, "password": PASSWORD})
    assert client.get(reset_path).status_code == 410


def test_the_change_needs_a_csrf_token(app, client, api):
    api.register()
    response = client.post("/account/new-email", data={"email": NEW, "password": PASSWORD})
    assert response.status_code == 400
    assert api.put(
        "/api/v1/users/me/email", {"email": NEW, "password": PASSWORD}, csrf=False
    ).status_code in (400, 403)
    assert emails(app) == ["pat@example.org"]


# ---- a server that sends email: the change waits for the link sent to the new address -------


def test_with_email_the_change_waits_for_the_link_and_the_old_address_hears(mail_app, inbox):
    client = mail_app.test_client()
    api = Api(client)
    api.register(email="pat@example.org")
    laptop = Api(mail_app.test_client())
    assert laptop.signin().status_code == 200
    page = client.get("/account").get_data(as_text=True)
    assert "We send a link to the new address" in page

    response = ask(client, NEW)
    assert response.status_code == 302
    shown = text_of(client.get("/account"))
    assert f"We sent a link to {NEW}. Open it within 24 hours" in shown
    assert f"A change to {NEW} is waiting for you to confirm it" in shown
    assert "Cancel the change of email" in shown

    (message,) = mails(inbox, 1)
    assert message["To"] == NEW
    assert message["Subject"] == "Confirm the new email for your diary"
    body = message.get_content()
    link, token = link_from(body)
    assert link == f"https://diary.example.org/email/{token}"  # never the request's host
    assert "pain" in body and "leg" not in body  # no health data, only what the diary is
    with mail_app.app_context():
        dump = "\n".join(get_db().conn.iterdump())
    assert token not in dump  # only its hash is kept
    # Nothing has changed yet.
    assert signs_in(mail_app, "pat@example.org") and not signs_in(mail_app, NEW)

    # Opening the link (as a mail scanner does) changes nothing: its page has a button.
    visitor = mail_app.test_client()
    opened = visitor.get(f"/email/{token}")
    assert opened.status_code == 200 and opened.headers["Cache-Control"] == "no-store"
    assert "Confirm the new email" in text_of(opened) and NEW in text_of(opened)
    assert signs_in(mail_app, "pat@example.org") and not signs_in(mail_app, NEW)

    done = confirm(visitor, f"/email/{token}")
    assert done.status_code == 302 and done.headers["Location"] == "/signin"
    assert f"Done: you now sign in with {NEW}" in text_of(visitor.get("/signin"))
    assert signs_in(mail_app, NEW) and not signs_in(mail_app, "pat@example.org")
    assert laptop.get("/api/v1/session").get_json()["user"]["email"] == NEW

    notice = mails(inbox, 2)[1]
    assert notice["To"] == "pat@example.org"
    assert notice["Subject"] == "Your diary's sign-in email was changed"
    words = notice.get_content()
    assert "was changed to n***@example.org" in words and NEW not in words
    assert "If this was not you" in words and "/email/" not in words

    # The link works once.
    assert visitor.get(f"/email/{token}").status_code == 410
    again = confirm_without_page(visitor, f"/email/{token}")
    assert again.status_code == 410 and "used already" in text_of(again)
    assert "is waiting" not in text_of(client.get("/account"))


def confirm_without_page(visitor, path):
    """POST to a link whose page no longer shows a form (a token from another page)."""
    return visitor.post(path, data={"csrf_token": Api(visitor).token()})


def test_the_owner_signed_in_lands_on_the_account_page(mail_app, inbox):
    client = mail_app.test_client()
    Api(client).register()
    ask(client, NEW)
    _, token = link_from(mails(inbox, 1)[0].get_content())
    done = confirm(client, f"/email/{token}")
    assert done.headers["Location"] == "/account"
    assert f"( {NEW} ), patient" in text_of(client.get("/account"))


def test_the_api_answers_202_and_the_same_for_a_taken_address(mail_app, inbox):
    Api(mail_app.test_client()).register(email="taken@example.org", name="Other")
    pat = Api(mail_app.test_client())
    pat.register()
    free = pat.put("/api/v1/users/me/email", {"email": NEW, "password": PASSWORD})
    taken = pat.put("/api/v1/users/me/email", {"email": "taken@example.org", "password": PASSWORD})
    assert free.status_code == taken.status_code == 202
    assert free.get_json()["email"] == NEW
    assert taken.get_json()["email"] == "taken@example.org"
    assert set(free.get_json()) == set(taken.get_json()) == {"email", "expires_at"}
    assert inbox.wait_for(2)


def test_with_email_a_taken_address_hears_so_and_the_asker_learns_nothing(mail_app, inbox):
    Api(mail_app.test_client()).register(email="taken@example.org", name="Other")
    client = mail_app.test_client()
    Api(client).register()

    def answer(email):
        response = ask(client, email)
        assert response.status_code == 302
        page = text_of(client.get("/account"))
        return page.replace(email, "X")

    free, taken = answer("free@example.org"), answer("taken@example.org")
    assert free == taken
    assert "We sent a link to X" in taken and "A change to X is waiting" in taken

    to_free, to_taken = sorted(mails(inbox, 2), key=lambda m: m["To"])
    assert to_taken["To"] == "taken@example.org"
    assert to_taken["Subject"] == "This address already has a diary account"
    words = to_taken.get_content()
    assert "nothing was changed" in words and "https://diary.example.org/signin" in words
    assert "/email/" not in words  # no link that could change anything
    assert "Pat" not in words  # nothing about who asked
    assert signs_in(mail_app, "pat@example.org") and signs_in(mail_app, "taken@example.org")


def test_an_address_taken_before_the_link_is_confirmed_is_not_changed(mail_app, inbox):
    client = mail_app.test_client()
    Api(client).register()
    ask(client, NEW)
    _, token = link_from(mails(inbox, 1)[0].get_content())
    Api(mail_app.test_client()).register(email=NEW, name="Quicker")
    response = confirm(mail_app.test_client(), f"/email/{token}")
    assert response.status_code == 409
    assert "Another account signs in with this address now" in text_of(response)
    assert emails(mail_app) == [NEW, "pat@example.org"]


def test_an_expired_or_unknown_link_changes_nothing(mail_app, inbox):
    client = mail_app.test_client()
    Api(client).register()
    ask(client, NEW)
    _, token = link_from(mails(inbox, 1)[0].get_content())
    with mail_app.app_context():
        db = get_db()
        with write(db):
            past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
            db.execute("UPDATE email_changes SET expires_at = ?", [past])
    expired = client.get(f"/email/{token}")
    assert expired.status_code == 410 and "has expired" in text_of(expired)
    assert confirm_without_page(client, f"/email/{token}").status_code == 410
    assert client.get(f"/email/{token}x").status_code == 404
    assert "not one we made" in text_of(client.get("/email/nonsense"))
    assert emails(mail_app) == ["pat@example.org"]
    assert "is waiting" not in text_of(client.get("/account"))


def test_a_link_works_for_24_hours(mail_app, inbox):
    from diary.accounts import email_changes

    user_id = Api(mail_app.test_client()).register()["id"]
    now = datetime.now(UTC)
    with mail_app.app_context():
        db = get_db()
        late = email_changes.create(db, user_id, NEW, now=now - timedelta(hours=24, minutes=1))
        assert email_changes.state(db, late)[0] == email_changes.EXPIRED
        fresh = email_changes.create(db, user_id, NEW, now=now - timedelta(hours=23, minutes=59))
        assert email_changes.state(db, fresh)[0] == email_changes.VALID


def test_only_the_newest_link_works(mail_app, inbox):
    client = mail_app.test_client()
    Api(client).register()
    ask(client, "first@example.org")
    ask(client, "second@example.org")
    sent = sorted(mails(inbox, 2), key=lambda m: m["To"])  # sent by threads, in any order
    first, second = (link_from(m.get_content())[1] for m in sent)
    assert client.get(f"/email/{first}").status_code == 410
    assert "second@example.org" in text_of(client.get("/account"))
    assert confirm(client, f"/email/{second}").status_code == 302
    assert signs_in(mail_app, "second@example.org")


def test_cancel_ends_the_link(mail_app, inbox):
    client = mail_app.test_client()
    Api(client).register()
    ask(client, NEW)
    _, token = link_from(mails(inbox, 1)[0].get_content())
    response = client.post(
        "/account/new-email/cancel", data={"csrf_token": form_token(client, "/account")}
    )
    assert response.status_code == 302
    shown = text_of(client.get("/account"))
    assert "Cancelled: your sign-in email stays as it is." in shown
    assert "is waiting" not in shown
    assert client.get(f"/email/{token}").status_code == 410
    assert emails(mail_app) == ["pat@example.org"]


def test_the_api_shows_the_waiting_change_and_cancels_it(mail_app, inbox):
    pat = Api(mail_app.test_client())
    pat.register()
    other = Api(mail_app.test_client())
    other.register(email="other@example.org", name="Other")
    assert pat.get("/api/v1/users/me/email").get_json() == {
        "email": "pat@example.org",
        "change": None,
    }
    asked = pat.put("/api/v1/users/me/email", {"email": NEW, "password": PASSWORD})
    assert asked.status_code == 202
    _, token = link_from(mails(inbox, 1)[0].get_content())

    state = pat.get("/api/v1/users/me/email").get_json()
    change = state["change"]
    assert state["email"] == "pat@example.org"
    assert change["email"] == NEW and change["expires_at"] == asked.get_json()["expires_at"]
    asked_at, expires_at = (
        datetime.fromisoformat(change[key]) for key in ("asked_at", "expires_at")
    )
    assert expires_at - asked_at == timedelta(hours=24)
    assert abs(datetime.now(UTC) - asked_at) < timedelta(minutes=1)

    # Each account sees and cancels only its own.
    assert other.get("/api/v1/users/me/email").get_json()["change"] is None
    assert other.delete("/api/v1/users/me/email/change").status_code == 204
    # Cancelling changes something: it needs the CSRF token.
    assert pat.delete("/api/v1/users/me/email/change", csrf=False).status_code == 400
    assert pat.get("/api/v1/users/me/email").get_json()["change"] == change

    assert pat.delete("/api/v1/users/me/email/change").status_code == 204
    assert pat.get("/api/v1/users/me/email").get_json() == {
        "email": "pat@example.org",
        "change": None,
    }
    visitor = mail_app.test_client()
    assert visitor.get(f"/email/{token}").status_code == 410
    assert confirm_without_page(visitor, f"/email/{token}").status_code == 410
    assert "is waiting" not in text_of(pat.client.get("/account"))
    assert emails(mail_app) == ["other@example.org", "pat@example.org"]
    # Again: nothing left to cancel, the same answer.
    assert pat.delete("/api/v1/users/me/email/change").status_code == 204


def test_without_a_waiting_change_the_api_says_null_and_cancelling_is_harmless(
    app, patient, doctor, make_api
):
    for user in (patient, doctor):
        state = user.get("/api/v1/users/me/email").get_json()
        assert state == {"email": user.user["email"], "change": None}
        assert user.delete("/api/v1/users/me/email/change").status_code == 204
    # Made at once (no email here): nothing waits.
    patient.put("/api/v1/users/me/email", {"email": NEW, "password": PASSWORD})
    assert patient.get("/api/v1/users/me/email").get_json() == {"email": NEW, "change": None}
    anonymous = make_api()
    assert anonymous.get("/api/v1/users/me/email").status_code == 401
    assert anonymous.delete("/api/v1/users/me/email/change").status_code == 401


def test_a_new_password_ends_the_link(mail_app, inbox):
    client = mail_app.test_client()
    api = Api(client)
    api.register()
    ask(client, NEW)
    _, token = link_from(mails(inbox, 1)[0].get_content())
    change = {"current_password": PASSWORD, "new_password": "a quiet harbour at dusk"}
    assert api.put("/api/v1/session/password", change).status_code == 200
    assert client.get(f"/email/{token}").status_code == 410


def test_the_page_and_the_emails_are_in_the_accounts_language(mail_app, inbox):
    client = mail_app.test_client()
    api = Api(client)
    api.register()
    api.put("/api/v1/users/me", {"locale": "es"})
    page = text_of(client.get("/account"))
    assert "Cambiar su correo electrónico" in page
    assert "Le enviamos un enlace a la dirección nueva" in page
    refused = text_of(ask(client, NEW, password="not the password"))
    assert "Su contraseña: no es correcta. El correo no se ha cambiado." in refused

    ask(client, NEW)
    assert f"Enviamos un enlace a {NEW}." in text_of(client.get("/account"))
    (link_mail,) = mails(inbox, 1)
    assert link_mail["Content-Language"] == "es"
    assert link_mail["Subject"] == "Confirme el correo nuevo de su diario"
    _, token = link_from(link_mail.get_content())
    visitor = mail_app.test_client()
    visitor.set_cookie("diary_lang", "es")
    assert "Confirmar el correo nuevo" in text_of(visitor.get(f"/email/{token}"))
    confirm(visitor, f"/email/{token}")
    notice = mails(inbox, 2)[1]
    assert notice["Content-Language"] == "es"
    assert notice["Subject"] == "Se ha cambiado el correo con el que inicia sesión en su diario"
