"""Sign in, register, sign out and the account page."""

from dataclasses import replace

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_login import current_user

from diary import accounts, i18n, time_zones
from diary.access import allow
from diary.accounts import sessions
from diary.db import get_db
from diary.errors import ApiError
from diary.fields import trim
from diary.i18n.text import gettext as _
from diary.i18n.text import lazy_gettext as _l
from diary.schemas import PasswordChange, SessionCreate, UserUpdate, validate
from diary.security import (
    forget_on_this_browser,
    sign_in,
    sign_out,
    sign_out_everywhere,
    signin_failed,
    with_password_check_limit,
    with_registration_limit,
    with_signin_limits,
)
from diary.web import safe_next

bp = Blueprint("auth", __name__)

ROLES = [
    ("patient", _l("I keep a pain diary (patient)")),
    ("physician", _l("I read diaries patients share with me (physician)")),
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
                sign_in(user, remember=creds.remember)
                return redirect(safe_next())
            signin_failed()
            errors, status = {"form": _("The email or password is not right.")}, 401
    return render_template(
        "auth/signin.html", errors=errors, email=request.form.get("email", "")
    ), status


@bp.route("/register", methods=["GET", "POST"])
@allow("anyone")
@with_registration_limit
def register():
    if not current_app.config["REGISTRATION_OPEN"]:
        return render_template("auth/register_closed.html"), 403
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next())
    errors, status = {}, 200
    if request.method == "POST":
        data = _form_data("email", "password", "role", "name", "time_zone")
        # A phone's keyboard adds a space after a suggested word; the API takes text as it is.
        data.update({k: trim(data[k]) for k in ("email", "name") if k in data})
        try:
            fields = accounts.validated_registration(data, strict=False)
            user = accounts.register(
                get_db(), current_app.extensions["diary.hasher"], **fields.model_dump()
            )
        except ApiError as err:
            errors, status = err.fields, 422
        except accounts.RegistrationRefused as refused:
            errors, status = {"form": accounts.REGISTRATION_REFUSED, **refused.fields}, 400
        else:
            sign_in(user)
            flash(_("Welcome, %(name)s. Your account is ready.", name=user.name), "success")
            return redirect(safe_next())
    # Arriving from an invite's QR code (the accept page), the reader is a physician.
    default_role = "physician" if safe_next().startswith("/patients/") else "patient"
    return render_template(
        "auth/register.html",
        errors=errors,
        form=request.form,
        roles=ROLES,
        default_role=default_role,
        time_zones=time_zones.groups(),
        # A fresh form takes the browser's time zone (static/js/time-zone.js); one shown
        # again keeps what was sent.
        guess_time_zone=request.method == "GET",
    ), status


@bp.post("/signout")
@allow("anyone")
def signout():
    sign_out()
    return _signed_out(_("You are signed out."))


@bp.post("/account/signout-everywhere")
@allow("signed_in")
def signout_everywhere():
    sign_out_everywhere()
    return _signed_out(_("You are signed out on every device."))


def _signed_out(message):
    """The sign-in page, telling the browser to drop what it kept of the diary."""
    flash(message, "info")
    response = redirect(url_for("auth.signin"))
    # The HTTP cache only, for everyone. A patient's phone may hold changes not sent yet
    # (IndexedDB), which offline.js has already dealt with; "storage" would also wipe those
    # of another patient whose session ended on this browser, kept for their next sign-in,
    # even when a physician signs out of a shared clinic computer. A physician's pages are
    # never kept for offline use (static/sw.js keeps the patient's pages only).
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@bp.post("/account/sessions/<int:session_id>/end")
@allow("signed_in")
def end_session(session_id):
    if sessions.end_of_user(get_db(), current_user.id, session_id):
        flash(_("That device is signed out."), "success")
    return redirect(url_for("auth.account", _anchor="devices-heading"))


@bp.route("/account", methods=["GET", "POST"])
@allow("signed_in")
@with_password_check_limit
def account():
    errors, status = {}, 200
    if request.method == "POST":
        try:
            data = validate(
                PasswordChange, _form_data("current_password", "new_password"), strict=False
            )
            accounts.change_password(
                get_db(),
                current_app.extensions["diary.hasher"],
                current_user,
                data.current_password,
                data.new_password,
            )
        except ApiError as err:
            errors, status = err.fields, 422
        except accounts.RegistrationRefused as refused:
            if accounts.WRONG_PASSWORD_FIELD in refused.fields:
                signin_failed()
            errors, status = refused.fields, 422
        else:
            flash(_("Password changed. Other devices are signed out."), "success")
            return redirect(url_for("auth.account"))
    return account_page(errors=errors), status


@bp.post("/account/profile")
@allow("signed_in")
def profile():
    """Name, time zone and language (schemas.UserUpdate, as PUT /api/v1/users/me)."""
    form = _form_data("name", "time_zone", "locale")
    form.update({k: trim(form[k]) for k in ("name",) if k in form})
    data = dict(form)
    if data.get("locale") == "":
        data["locale"] = None  # "your browser's language"
    try:
        changes = validate(UserUpdate, data, strict=False).model_dump(exclude_unset=True)
    except ApiError as err:
        if set(form) == {"locale"}:
            return account_page(language_errors=err.fields), 422
        return account_page(profile_errors=err.fields, profile=form), 422
    user = accounts.update(get_db(), current_user.id, changes)
    response = redirect(url_for("auth.account"))
    if set(form) == {"locale"}:
        # This browser keeps the choice after signing out (or, for "your browser's
        # language", forgets an earlier one), and the message is said in the language just
        # chosen, as the next page will be.
        i18n.follow_account_choice(response, user.locale)
        with force_locale(user.locale or i18n.browser_language()):
            flash(_("Saved: your language."), "success")
    else:
        flash(_("Saved: your name and time zone."), "success")
    return response


def account_page(
    errors=None,
    profile_errors=None,
    profile=None,
    language_errors=None,
    reminder_errors=None,
    reminder_time=None,
    email_errors=None,
    new_email="",
):
    """The account page, each of its forms with its own errors and, refused, what was typed."""
    user = current_user
    return render_template(
        "auth/account.html",
        errors=errors or {},
        profile_errors=profile_errors or {},
        language_errors=language_errors or {},
        profile=profile or {"name": user.name, "time_zone": user.time_zone},
        reminder_errors=reminder_errors or {},
        reminder_time=reminder_time,
        email_errors=email_errors or {},
        new_email=new_email,
        time_zones=time_zones.groups(),
        devices=[
            replace(device, device=sessions.device_words(device.device))
            for device in sessions.of_user(get_db(), user.id)
        ],
    )


@bp.route("/account/delete", methods=["GET", "POST"])
@allow("signed_in")
@with_password_check_limit
def delete_account():
    """Delete the account after asking for the password again (a borrowed, unlocked phone
    must not be enough to erase a diary)."""
    errors, status = {}, 200
    if request.method == "POST":
        password = request.form.get("password", "")
        db = get_db()
        if accounts.check_password(
            db, current_app.extensions["diary.hasher"], current_user, password
        ):
            user_id = current_user.id
            sign_out()
            accounts.delete_user(db, user_id)
            done = _signed_out(_("Your account and all its data are deleted."))
            return forget_on_this_browser(done, user_id)
        signin_failed()
        errors, status = {"password": accounts.NOT_THEIR_PASSWORD}, 422
    return render_template("auth/delete.html", errors=errors), status
