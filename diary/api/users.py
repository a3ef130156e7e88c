"""Registration, the account's settings, its sign-in email and account deletion."""

from flask import current_app, jsonify
from flask_login import current_user

from diary import accounts, i18n
from diary.access import allow
from diary.accounts import email_changes, signin_email
from diary.api import bp, json_body
from diary.api.openapi import spec
from diary.api.session import session_payload
from diary.db import get_db
from diary.errors import ApiError
from diary.i18n.text import gettext as _
from diary.schemas import (
    AccountDeletion,
    EmailChange,
    EmailChangeWaiting,
    EmailState,
    SessionOut,
    UserCreate,
    UserOut,
    UserUpdate,
    validate,
)
from diary.security import (
    email_change_asked,
    forget_on_this_browser,
    sign_in,
    sign_out,
    signin_failed,
    with_email_change_limit,
    with_password_check_limit,
    with_registration_limit,
)


@bp.post("/users")
@allow("anyone")
@with_registration_limit
@spec("Register (signs the new user in)", body=UserCreate, responses={201: SessionOut})
def create_user():
    if not current_app.config["REGISTRATION_OPEN"]:
        raise ApiError(403, "registration_closed", _("Registration is closed on this server."))
    data = accounts.validated_registration(json_body())
    try:
        user = accounts.register(
            get_db(), current_app.extensions["diary.hasher"], **data.model_dump()
        )
    except accounts.RegistrationRefused as refused:
        raise ApiError(
            400, "registration_refused", accounts.REGISTRATION_REFUSED, refused.fields
        ) from None
    user = sign_in(user)
    return jsonify(session_payload(user)), 201


@bp.delete("/users/me")
@allow("signed_in")
@with_password_check_limit
@spec(
    "Delete the account and all its data; the password is asked again",
    body=AccountDeletion,
    responses={204: None},
)
def delete_me():
    data = validate(AccountDeletion, json_body())
    db = get_db()
    if not accounts.check_password(
        db, current_app.extensions["diary.hasher"], current_user, data.password
    ):
        signin_failed()
        raise ApiError(
            422,
            "invalid",
            _("The account was not deleted."),
            {"password": accounts.NOT_THEIR_PASSWORD},
        )
    user_id = current_user.id
    sign_out()
    accounts.delete_user(db, user_id)
    return forget_on_this_browser(current_app.make_response(("", 204)), user_id)


@bp.put("/users/me")
@allow("signed_in")
@spec(
    "Change the account's name, time zone, daily reminder time or whether free-text notes "
    "are shared (fields left out stay as they are)",
    body=UserUpdate,
    responses={200: UserOut},
)
def update_me():
    data = validate(UserUpdate, json_body())
    changes = {
        k: v
        for k, v in data.model_dump(exclude_unset=True).items()
        if v is not None or k in accounts.CLEARABLE
    }
    user = accounts.update(get_db(), current_user.id, changes)
    response = jsonify(user.to_json())
    if "locale" in changes:  # this browser keeps it after signing out (docs/translations.md)
        i18n.follow_account_choice(response, user.locale)
    return response


@bp.put("/users/me/email")
@allow("signed_in")
@with_password_check_limit
@with_email_change_limit
@spec(
    "Change the email the account signs in with; the password is asked again. When the "
    "server sends email, nothing changes yet: a link goes to the new address (202), and the "
    "change happens when it is confirmed there; otherwise the change is made at once (200). "
    "An address another account has is answered 202 all the same with email, and 400 "
    "email_refused without (docs/api.md)",
    body=EmailChange,
    responses={200: UserOut, 202: EmailChangeWaiting},
)
def change_email():
    data = validate(EmailChange, json_body())
    try:
        asked = signin_email.ask(
            get_db(),
            current_app.extensions["diary.hasher"],
            current_app.config,
            current_user,
            data.email,
            data.password,
        )
    except signin_email.Refused as refused:
        if "password" in refused.fields:
            signin_failed()
        if not refused.fields:
            email_change_asked()
            raise ApiError(400, "email_refused", signin_email.REFUSED) from None
        raise ApiError(422, "invalid", _("The email was not changed."), refused.fields) from None
    email_change_asked()
    if asked.changed:
        return jsonify(accounts.get_user(get_db(), current_user.id).to_json())
    return jsonify({"email": asked.email, "expires_at": asked.expires_at}), 202


@bp.get("/users/me/email")
@allow("signed_in")
@spec(
    "The email the account signs in with, and the change waiting for the link mailed to the "
    "new address (null without one)",
    responses={200: EmailState},
)
def read_email():
    return jsonify(
        {"email": current_user.email, "change": email_changes.pending(get_db(), current_user.id)}
    )


@bp.delete("/users/me/email/change")
@allow("signed_in")
@spec(
    "Cancel the change of email waiting for its link: the link mailed to the new address "
    "no longer works, and the account keeps its email (204 also when none was waiting)",
    responses={204: None},
)
def cancel_email_change():
    email_changes.cancel(get_db(), current_user.id)
    return "", 204
