"""What every template may use: navigation for the role, the pages to keep offline."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import url_for
from flask_login import current_user

from diary import clinical
from diary.questionnaires import engine

NAV = {
    "patient": [
        ("entries.today", "Today"),
        ("entries.history", "History"),
        ("charts.index", "Charts"),
        ("therapies.index", "Therapies"),
        ("sharing.index", "Sharing"),
    ],
    "physician": [("physician.patients", "Patients"), ("cohorts.index", "Cohorts")],
}


def current_in_nav(endpoint: str, current: str | None, items) -> str | None:
    """``aria-current`` for a nav item: "page" on its own page, "true" elsewhere in its part
    of the app (a therapy's edit page is in Therapies) when no other item shares that part
    (Today and History are both entries pages), None otherwise."""
    if current == endpoint:
        return "page"
    part = endpoint.split(".")[0]
    sharing = sum(1 for other, _ in items if other.split(".")[0] == part)
    if current and current.split(".")[0] == part and sharing == 1:
        return "true"
    return None


def navigation(app):
    """The nav items of the signed-in user's role whose pages exist in this app."""
    if not current_user.is_authenticated:
        return []
    return [(ep, label) for ep, label in NAV.get(current_user.role, []) if ep in app.view_functions]


def offline_pages(app):
    """The URLs a patient's phone keeps for offline use (static/sw.js caches them per user).

    The navigation, the therapy list with every form of "Add a therapy" (one per kind), the
    medicine list with its form, and the questionnaires with each one's form, which the
    navigation does not link to. Empty for anyone but a signed-in patient.
    """
    if not current_user.is_authenticated or current_user.role != "patient":
        return []
    urls = [url_for(endpoint) for endpoint, _ in navigation(app)]
    if "therapies.index" in app.view_functions:
        urls += [url_for("therapies.new")]
        urls += [url_for("therapies.new", kind=kind) for kind in clinical.THERAPY_KINDS]
    if "questionnaires.index" in app.view_functions:
        urls += [url_for("questionnaires.index")]
        urls += [url_for("questionnaires.new", questionnaire=q) for q in engine.catalogue()]
    if "medications.index" in app.view_functions:
        urls += [url_for("medications.index"), url_for("medications.new")]
    return urls


def moment_words(iso: str, time_zone: str = "UTC") -> str:
    """A server timestamp in the reader's time zone, in words: "3 Dec 2026 at 10:42"."""
    local = datetime.fromisoformat(iso).astimezone(ZoneInfo(time_zone))
    return f"{local.day} {local:%b %Y} at {local:%H:%M}"


def init_app(app):
    @app.template_filter("moment")
    def moment(iso):
        zone = current_user.time_zone if current_user.is_authenticated else "UTC"
        return moment_words(iso, zone)

    @app.context_processor
    def inject():
        return {
            "nav_items": navigation(app),
            "nav_current": current_in_nav,
            "offline_pages": lambda: offline_pages(app),
        }
