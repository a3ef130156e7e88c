"""Changing the sign-in email: the account page's form, its cancel button, and the page the
link mailed to the new address opens (diary/accounts/signin_email.py says how it works)."""

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from diary import mail
from diary.access import allow
from diary.accounts import email_changes, signin_email
from diary.db import get_db
from diary.errors import ApiError
from diary.fields import trim
from diary.i18n.text import gettext as _
from diary.schemas import EmailChange, validate
from diary.security import (
    email_change_asked,
    signin_failed,
    with_email_change_limit,
    with_password_check_limit,
)
from diary.web.auth import account_page

bp = Blueprint("email_change", __name__)


@bp.app_context_processor
def _state():
    # Called by the account page only (it is a function), so no other page pays for it.
    return {
        "email_change_waiting": lambda: email_changes.pending(get_db(), current_user.id),
        "email_change_by_link": mail.configured(current_app.config),
    }


@bp.post("/account/new-email")
@allow("signed_in")
@with_password_check_limit
@with_email_change_limit
def ask():
    typed = trim(request.form.get("email", ""))
    try:
        data = validate(
            EmailChange,
            {"email": typed, "password": request.form.get("password", "")},
            strict=False,
        )
        asked = signin_email.ask(
            get_db(),
            current_app.extensions["diary.hasher"],
            current_app.config,
            current_user,
            data.email,
            data.password,
        )
    except ApiError as err:
        return account_page(email_errors=err.fields, new_email=typed), 422
    except signin_email.Refused as refused:
        if "password" in refused.fields:
            signin_failed()
        if not refused.fields:
            email_change_asked()
        errors = refused.fields or {"form": signin_email.REFUSED}
        return account_page(email_errors=errors, new_email=typed), 422
    email_change_asked()
    if asked.changed:
        flash(_("Saved: you now sign in with %(email)s.", email=asked.email), "success")
    else:
        flash(
            _(
                "We sent a link to %(email)s. Open it within 24 hours to confirm the change; "
                "until then, you sign in with your current email.",
                email=asked.email,
            ),
            "success",
        )
    return redirect(url_for("auth.account", _anchor="email-heading"))


@bp.post("/account/new-email/cancel")
@allow("signed_in")
def cancel():
    email_changes.cancel(get_db(), current_user.id)
    flash(_("Cancelled: your sign-in email stays as it is."), "success")
    return redirect(url_for("auth.account", _anchor="email-heading"))


@bp.route(email_changes.LINK_PATH + "<token>", methods=["GET", "POST"])
@allow("anyone")
def confirm(token):
    """The link's page: a button that confirms, so that a mail scanner opening the link
    (many do, to look for harm) changes nothing."""
    g.private = True  # the address holds the token: kept out of every cache
    db = get_db()
    found, row = email_changes.state(db, token)
    if found != email_changes.VALID:
        return _not_usable(found)
    if request.method == "POST":
        try:
            new_email = signin_email.confirm(db, current_app.config, token)
        except email_changes.LinkNotUsable as gone:
            return _not_usable(gone.state)
        except email_changes.EmailTaken:
            return render_template("auth/email_confirm.html", state="taken", email=None), 409
        flash(_("Done: you now sign in with %(email)s.", email=new_email), "success")
        mine = current_user.is_authenticated and current_user.id == row["user_id"]
        return redirect(url_for("auth.account") if mine else url_for("auth.signin"))
    return render_template("auth/email_confirm.html", state="valid", email=row["new_email"])


def _not_usable(state):
    # 404 for a link never made (a mistyped address), 410 for one used or expired.
    status = 404 if state == email_changes.UNKNOWN else 410
    return render_template("auth/email_confirm.html", state=state, email=None), status
