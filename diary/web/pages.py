"""The home page and small static pages."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from diary.access import allow

bp = Blueprint("pages", __name__)


@bp.get("/")
@allow("anyone")
def home():
    if not current_user.is_authenticated:
        return render_template("pages/welcome.html")
    if current_user.is_patient:
        return redirect(url_for("entries.today"))
    return redirect(url_for("physician.patients"))
