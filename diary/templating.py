"""What every template may use: navigation for the role, the pages to keep offline."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import url_for
from flask_login import current_user
from markupsafe import Markup

from diary import clinical
from diary.i18n.text import and_list as text_and_list
from diary.i18n.text import format_date, format_decimal, format_fixed, format_percent, language
from diary.i18n.text import gettext as _
from diary.i18n.text import lazy_gettext as _l
from diary.questionnaires import engine

NAV = {
    "patient": [
        ("entries.today", _l("Today")),
        ("entries.history", _l("History")),
        ("charts.index", _l("Charts")),
        ("therapies.index", _l("Therapies")),
        ("sharing.index", _l("Sharing")),
    ],
    "physician": [("physician.patients", _l("Patients")), ("cohorts.index", _l("Cohorts"))],
}


#: The space between a medicine's strength and its unit, at the end of its name ("400 mg").
_LAST_UNIT = re.compile(r"(?<=\d) (?=\S+$)")


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
    # Translators: a day in Babel's date pattern language ("3 Dec 2026").
    day = format_date(local.date(), _("d MMM y"))
    time = local.strftime("%H:%M")
    return _("%(day)s at %(time)s", day=day, time=time)


def init_app(app):
    @app.template_filter("moment")
    def moment(iso):
        zone = current_user.time_zone if current_user.is_authenticated else "UTC"
        return moment_words(iso, zone)

    @app.template_filter("one_decimal")
    def one_decimal(number):
        """A number with one decimal, as the reader's language writes it: "4.5", "4,5"."""
        return "" if number is None else format_fixed(number, 1)

    @app.template_filter("decimal")
    def decimal(number, digits=None):
        """A number as the reader's language writes it, with ``digits`` decimals if given."""
        if number is None:
            return ""
        return format_decimal(number) if digits is None else format_fixed(number, digits)

    @app.template_filter("percent")
    def percent(number):
        """A percentage (63 for 63%) as the reader's language writes it: "63%", "63 %"."""
        return format_percent(number / 100)

    @app.template_filter("and_list")
    def and_list(items):
        """ "a, b and c", as the reader's language joins a list."""
        return text_and_list(items)

    @app.template_filter("unit_kept")
    def unit_kept(name):
        """A medicine's name as a page shows it: its strength and unit never split over two
        lines ("Ibuprofen 400 mg", the space before "mg" a no-break one). The files a
        patient takes away keep the plain name (``medication_name``)."""
        return _LAST_UNIT.sub("\u00a0", name)

    @app.template_filter("spoken_in")
    def spoken_in(words, code):
        """``words`` marked as written in ``code`` when the page speaks another language (a
        questionnaire's title shipped in English only): a screen reader says it in its own
        voice. In the page's own language, the words as they are."""
        if not code or code == language():
            return words
        return Markup('<span lang="{}">{}</span>').format(code, words)

    @app.context_processor
    def inject():
        return {
            "nav_items": navigation(app),
            "nav_current": current_in_nav,
            "offline_pages": lambda: offline_pages(app),
        }
