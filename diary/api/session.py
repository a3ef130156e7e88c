"""Sign in, sign out, and the CSRF token anonymous clients need."""

from flask import current_app, jsonify
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from diary import accounts
from diary.access import allow
from diary.accounts import sessions
from diary.api import bp, json_body
from diary.api.openapi import spec
from diary.db import get_db
from diary.errors import ApiError
from diary.i18n.text import gettext as _
from diary.schemas import PasswordChange, SessionCreate, SessionList, SessionOut, validate
from diary.security import (
    sign_in,
    sign_out,
    sign_out_everywhere,
    signin_failed,
    with_password_check_limit,
    with_signin_limits,
)


def session_payload(user=None):
    user = user if user is not None else (current_user if current_user.is_authenticated else None)
    return {"user": user.to_json() if user else None, "csrf_token": generate_csrf()}


@bp.get("/session")
@allow("anyone")
@spec("Who is signed in, and the CSRF token", responses={200: SessionOut})
def get_session():
    return jsonify(session_payload())


@bp.post("/session")
@allow("anyone")
@with_signin_limits
@spec("Sign in", body=SessionCreate, responses={200: SessionOut})
def create_session():
    data = validate(SessionCreate, json_body())
    hasher = current_app.extensions["diary.hasher"]
    user = accounts.authenticate(get_db(), hasher, data.email, data.password)
    if user is None:
        signin_failed()
        raise ApiError(401, "bad_credentials", _("The email or password is not right."))
    user = sign_in(user, remember=data.remember)
    return jsonify(session_payload(user))


@bp.delete("/session")
@allow("signed_in")
@spec(
    "Sign out: this session ends on the server, and every copy of its cookies with it",
    responses={200: SessionOut},
)
def delete_session():
    sign_out()
    return jsonify(session_payload())


@bp.get("/sessions")
@allow("signed_in")
@spec(
    "The devices signed in to this account",
    responses={200: SessionList},
    links={
        200: {
            "SignOutTheFirst": {
                "operationId": "api.delete_one_session:DELETE",
                "parameters": {"session_id": "$response.body#/sessions/0/id"},
            }
        }
    },
)
def list_sessions():
    mine = sessions.of_user(get_db(), current_user.id)
    return jsonify({"sessions": [session_json(s) for s in mine]})


def session_json(session):
    return {
        "id": session.id,
        "device": session.device,
        "created_at": session.created_at,
        "last_seen_at": session.last_seen_at,
        "expires_at": session.expires_at,
        "current": session.id == current_user.session.id,
    }


@bp.delete("/sessions")
@allow("signed_in")
@spec(
    "Sign out everywhere: end every session of this account, this one too",
    responses={200: SessionOut},
)
def delete_sessions():
    sign_out_everywhere()
    return jsonify(session_payload())


@bp.delete("/sessions/<int:session_id>")
@allow("signed_in")
@spec("Sign out one device of this account", responses={204: None})
def delete_one_session(session_id):
    if not sessions.end_of_user(get_db(), current_user.id, session_id):
        raise ApiError(404)
    return "", 204


@bp.put("/session/password")
@allow("signed_in")
@with_password_check_limit
@spec(
    "Change the password; every other session of the account ends",
    body=PasswordChange,
    responses={200: SessionOut},
)
def change_password():
    data = validate(PasswordChange, json_body())
    try:
        user = accounts.change_password(
            get_db(),
            current_app.extensions["diary.hasher"],
            current_user,
            data.current_password,
            data.new_password,
        )
    except accounts.RegistrationRefused as refused:
        if accounts.WRONG_PASSWORD_FIELD in refused.fields:
            signin_failed()
        raise ApiError(422, "invalid", _("The password was not changed."), refused.fields) from None
    return jsonify(session_payload(user))
