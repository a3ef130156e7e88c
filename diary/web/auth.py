"""Sign in, register, sign out and the account page."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from diary import accounts
from diary.access import allow
from diary.api.session import with_signin_limits
from diary.api.users import REFUSED, registration_limit
from diary.db import get_db
from diary.errors import ApiError
from diary.schemas import PasswordChange, SessionCreate, UserCreate, validate
from diary.security import limiter, signin_failed
from diary.web import safe_next

bp = Blueprint("auth", __name__)

ROLES = [
    ("patient", "I keep a pain diary (patient)"),
    ("physician", "I read diaries patients share with me (physician)"),
]


def _form_data(*names):
    return {name: request.form.get(name, "") for name in names if name in request.form}


@bp.route("/signin", methods=["GET", "POST"])
@allow("anyone")
@with_signin_limits
def signin():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next())
    errors, status = {}, 200
    if request.method == "POST":
        data = _form_data("email", "password")
        data["remember"] = request.form.get("remember") == "on"
        try:
            creds = validate(SessionCreate, data, strict=False)
        except ApiError as err:
            errors, status = err.fields, 422
        else:
            user = accounts.authenticate(
                get_db(), current_app.extensions["diary.hasher"], creds.email, creds.password
            )
            if user is not None:
                login_user(user, remember=creds.remember)
                return redirect(safe_next())
            signin_failed()
            errors, status = {"form": "The email or password is not right."}, 401
    return render_template(
        "auth/signin.html", errors=errors, email=request.form.get("email", "")
    ), status


@bp.route("/register", methods=["GET", "POST"])
@allow("anyone")
@limiter.limit(registration_limit, methods=["POST"])
def register():
    if not current_app.config["REGISTRATION_OPEN"]:
        return render_template("auth/register_closed.html"), 403
    errors, status = {}, 200
    if request.method == "POST":
        data = _form_data("email", "password", "role", "name", "time_zone")
        try:
            fields = validate(UserCreate, data, strict=False)
            user = accounts.register(
                get_db(), current_app.extensions["diary.hasher"], **fields.model_dump()
            )
        except ApiError as err:
            errors, status = err.fields, 422
        except accounts.RegistrationRefused as refused:
            errors, status = {"form": REFUSED, **refused.fields}, 400
        else:
            login_user(user)
            flash(f"Welcome, {user.name}. Your account is ready.", "success")
            return redirect(url_for("pages.home"))
    return render_template(
        "auth/register.html", errors=errors, form=request.form, roles=ROLES
    ), status


@bp.post("/signout")
@allow("anyone")
def signout():
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.signin"))


@bp.route("/account", methods=["GET", "POST"])
@allow("signed_in")
def account():
    errors, status = {}, 200
    if request.method == "POST":
        try:
            data = validate(
                PasswordChange, _form_data("current_password", "new_password"), strict=False
            )
            user = accounts.change_password(
                get_db(),
                current_app.extensions["diary.hasher"],
                current_user,
                data.current_password,
                data.new_password,
            )
        except ApiError as err:
            errors, status = err.fields, 422
        except accounts.RegistrationRefused as refused:
            errors, status = refused.fields, 422
        else:
            login_user(user)
            flash("Password changed. Other devices are signed out.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", errors=errors), status


@bp.post("/account/delete")
@allow("signed_in")
def delete_account():
    if request.form.get("confirm") != "delete":
        flash("Type delete in the box to confirm. Nothing was deleted.", "error")
        return redirect(url_for("auth.account"))
    user_id = current_user.id
    logout_user()
    accounts.delete_user(get_db(), user_id)
    flash("Your account and all its data are deleted.", "info")
    return redirect(url_for("auth.signin"))
