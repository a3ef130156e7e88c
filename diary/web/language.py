"""The language chooser on the sign-in and registration pages (the account page has its own)."""

from flask import Blueprint, redirect, request
from flask_login import current_user

from diary import accounts, i18n
from diary.access import allow
from diary.db import get_db
from diary.web import safe_next

bp = Blueprint("language", __name__)


@bp.post("/language")
@allow("anyone")
def choose():
    """Keep the chosen language in a cookie (and on the account, for someone signed in),
    then go back to the page the chooser was on. An unknown language changes nothing."""
    code = i18n.supported(request.form.get("locale"))
    response = redirect(safe_next("auth.signin"))
    if code:
        i18n.remember_choice(response, code)
        if current_user.is_authenticated:
            accounts.update(get_db(), current_user.id, {"locale": code})
    return response
