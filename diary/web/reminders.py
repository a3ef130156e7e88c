"""The daily reminder on the account page: its time, and this device on or off.

Subscribing needs the browser (static/js/reminders.js asks for permission, subscribes and
posts the subscription to /api/v1/push/subscriptions); this form then saves the time, or
turns this device off. docs/reminders.md says how the server sends them.
"""

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from diary import accounts
from diary.access import allow
from diary.db import get_db
from diary.errors import ApiError
from diary.i18n.text import gettext as _
from diary.reminders import subscriptions
from diary.schemas import UserUpdate, validate
from diary.web.auth import account_page

bp = Blueprint("reminders", __name__)


def reminder_state() -> dict:
    """What the account page says of the reminder: ``{"time", "here", "elsewhere"}``: the
    time (or None), whether this device is subscribed, how many other devices are."""
    db = get_db()
    here = bool(subscriptions.of_session(db, current_user.session.id))
    total = subscriptions.count_of_user(db, current_user.id)
    return {"time": current_user.reminder_time, "here": here, "elsewhere": total - here}


@bp.app_context_processor
def _state():
    # Called by the account page only (it is a function), so no other page pays for it.
    return {"reminder_state": reminder_state}


@bp.post("/account/reminders")
@allow("patient")
def save():
    db = get_db()
    anchor = url_for("auth.account", _anchor="reminder-heading")
    if request.form.get("action") == "off":
        subscriptions.remove_for_session(db, current_user.session.id)
        if subscriptions.count_of_user(db, current_user.id) == 0:
            accounts.update(db, current_user.id, {"reminder_time": None})
        flash(_("Reminders are off on this phone."), "success")
        return redirect(anchor)
    typed = request.form.get("reminder_time", "")
    try:
        data = validate(UserUpdate, {"reminder_time": typed})
    except ApiError as err:
        return account_page(reminder_errors=err.fields, reminder_time=typed), 422
    accounts.update(db, current_user.id, {"reminder_time": data.reminder_time})
    if subscriptions.of_session(db, current_user.session.id):
        flash(
            _(
                "Reminders are on: every day at %(time)s, when nothing is logged by then.",
                time=data.reminder_time,
            ),
            "success",
        )
    else:
        flash(
            _(
                "Saved the time, %(time)s. This phone is not set up for reminders "
                "yet: it needs notifications allowed, and JavaScript.",
                time=data.reminder_time,
            ),
            "error",
        )
    return redirect(anchor)
