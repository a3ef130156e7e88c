"""Sign in, sign out, and the CSRF token anonymous clients need."""

from flask import current_app, jsonify
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from diary import accounts
from diary.access import allow
from diary.api import bp, json_body
from diary.api.openapi import spec
from diary.db import get_db
from diary.errors import ApiError
from diary.schemas import PasswordChange, SessionCreate, SessionOut, validate
from diary.security import count_failures, email_key, limiter, signin_failed


def session_payload(user=None):
    user = user if user is not None else (current_user if current_user.is_authenticated else None)
    return {"user": user.to_json() if user else None, "csrf_token": generate_csrf()}


def signin_limits():
    """Failed sign-ins per address and per account; successes never count."""
    limit = lambda: current_app.config["SIGNIN_FAILURE_LIMIT"]  # noqa: E731
    return [
        limiter.limit(limit, methods=["POST"], deduct_when=count_failures),
        limiter.limit(limit, key_func=email_key, methods=["POST"], deduct_when=count_failures),
    ]


def with_signin_limits(view):
    for decorate in reversed(signin_limits()):
        view = decorate(view)
    return view


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
        raise ApiError(401, "bad_credentials", "The email or password is not right.")
    login_user(user, remember=data.remember)
    return jsonify(session_payload(user))


@bp.delete("/session")
@allow("signed_in")
@spec("Sign out", responses={200: SessionOut})
def delete_session():
    logout_user()
    return jsonify(session_payload())


@bp.put("/session/password")
@allow("signed_in")
@spec(
    "Change the password; every other session is signed out",
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
        raise ApiError(422, "invalid", "The password was not changed.", refused.fields) from None
    login_user(user)  # this session carries the new token; the others no longer match
    return jsonify(session_payload(user))
