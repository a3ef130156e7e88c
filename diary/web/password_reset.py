"""Forgotten passwords: how to get a reset link, and the page a link opens."""

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale

from diary import accounts, i18n, mail
from diary.access import allow
from diary.accounts import password_resets
from diary.db import fetch_all, get_db
from diary.errors import ApiError
from diary.fields import trim
from diary.i18n.text import gettext as _
from diary.i18n.text import lazy_gettext as _l
from diary.schemas import PasswordReset, ResetRequest, validate
from diary.security import email_key, limiter

bp = Blueprint("password_reset", __name__)

SENT = _l(
    "If an account uses that address, we have emailed it a link to set a new password. "
    "The link works once, for one hour. Nothing there? Look in your spam folder, or ask "
    "the people who run this diary."
)


def _limit():
    return current_app.config["PASSWORD_RESET_LIMIT"]


@bp.route("/password-reset", methods=["GET", "POST"])
@allow("anyone")
@limiter.limit(_limit, methods=["POST"])
@limiter.limit(_limit, key_func=email_key, methods=["POST"])
def forgot():
    """How to get a link: from whoever runs the server, or (with SMTP) by email."""
    can_email = mail.configured(current_app.config)
    errors, status, sent = {}, 200, False
    if request.method == "POST" and can_email:
        try:
            data = validate(ResetRequest, {"email": trim(request.form.get("email", ""))})
        except ApiError as err:
            errors, status = err.fields, 422
        else:
            _email_a_link(data.email)
            sent = True
    return render_template(
        "auth/forgot.html", can_email=can_email, errors=errors, sent=sent, sent_words=SENT
    ), status


def _email_a_link(email):
    """Send a link when an account uses ``email``; the answer is the same either way."""
    db = get_db()
    rows = fetch_all(
        db,
        "SELECT id, email, locale FROM users WHERE email = ?",
        [accounts.normalise_email(email)],
    )
    if not rows:
        return
    config = current_app.config
    token = password_resets.create(db, rows[0]["id"])
    # In the account's language when it chose one, else in the language of this page.
    language = i18n.supported(rows[0]["locale"]) or i18n.current_language()
    with force_locale(language):
        body = _(
            "Someone (we hope you) asked to set a new password for your pain diary.\n\n"
            "Open this link to choose one. It works once, for one hour:\n\n"
            "%(link)s\n\n"
            "If you did not ask for it, ignore this email: your password stays as it is.\n",
            link=password_resets.link(config["BASE_URL"], token),
        )
        subject = _("Set a new password for your diary")
    message = mail.message(config, rows[0]["email"], subject, body, language)
    mail.send_in_background(config, message)


@bp.route(password_resets.LINK_PATH + "<token>", methods=["GET", "POST"])
@allow("anyone")
def reset(token):
    """The form a link opens: a new password, under the registration rules."""
    g.private = True  # the address holds the token: kept out of every cache
    db = get_db()
    found, _row = password_resets.state(db, token)
    if found != password_resets.VALID:
        return _not_usable(found)
    errors, status = {}, 200
    if request.method == "POST":
        try:
            data = validate(
                PasswordReset, {"new_password": request.form.get("new_password", "")}, strict=False
            )
            password_resets.use(
                db, current_app.extensions["diary.hasher"], token, data.new_password
            )
        except ApiError as err:
            errors, status = err.fields, 422
        except accounts.RegistrationRefused as refused:
            errors, status = refused.fields, 422
        except password_resets.LinkNotUsable as gone:
            return _not_usable(gone.state)
        else:
            flash(
                _("Your new password is set, and every device was signed out. Sign in with it."),
                "success",
            )
            return redirect(url_for("auth.signin"))
    return render_template("auth/reset.html", errors=errors), status


def _not_usable(state):
    # 404 for a link never made (a mistyped address), 410 for one that was used or expired.
    status = 404 if state == password_resets.UNKNOWN else 410
    return render_template("auth/reset_gone.html", state=state), status
