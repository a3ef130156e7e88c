"""The charts page: the pain timeline and an honest before/after panel per therapy.

Everything the page says is rendered here as HTML (tables and sentences), so it reads
without JavaScript and offline from the cached page; static/js/charts.js draws the charts
from the same numbers, passed in a JSON block.
"""

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user

from diary import clinical
from diary.access import allow
from diary.charts import page as charts
from diary.charts import reads
from diary.clinical import analysis, comparison, comparison_words, regions
from diary.db import get_db
from diary.i18n.text import gettext as _
from diary.i18n.text import lazy_gettext as _l
from diary.sync import queries

bp = Blueprint("charts", __name__)
bp.add_app_template_filter(comparison_words.day_words, "day_words")

#: The weekly table under the timeline shows this many weeks unless every week is asked for:
#: a page that grows with the whole diary would make five years cost five times one.
RECENT_WEEKS = 52
bp.record_once(lambda state: state.app.jinja_env.globals.update(recent_weeks=RECENT_WEEKS))
BAD_WEEKS = _l("The only choice for weeks is 'all' (every week of the diary in the table).")


@bp.app_template_global()
def every_week() -> bool:
    """Whether this page's weekly table lists every week (``?weeks=all``); any other value
    of ``weeks`` is a link we did not make: 400 saying so."""
    value = request.args.get("weeks")
    if value not in (None, "all"):
        abort(400, BAD_WEEKS)
    return value == "all"


@bp.get("/charts")
@allow("patient")
def index():
    db = get_db()
    today = comparison.patient_today(current_user.time_zone)
    shown_from = reads.shown_from(today)
    page = reads.read(
        db,
        current_user.id,
        queries.list_therapies(db, current_user.id),
        today=today,
        shown_from=shown_from,
    )
    older_url = _older_days(shown_from)
    return render_template(
        "charts/index.html",
        page=page,
        chart_data=charts.chart_data(page, today=today, older_url=older_url),
        today=today,
        today_url=_today_page(),
        questionnaires_url=url_for("questionnaires.index")
        if "questionnaires.index" in current_app.view_functions
        else None,
        caveat=comparison_words.caveat_words(),
        **chart_context(),
    )


def chart_context() -> dict:
    """What the charts macros (templates/charts/macros.html) need besides the numbers: the
    same for the patient's page and for the read-only pages of physicians and view links."""
    return {
        "min_days": analysis.MIN_DAYS,
        "nap_explained": comparison_words.NAP_EXPLAINED,
        "ci_explained": comparison_words.CI_EXPLAINED,
        "activities": clinical.said(clinical.ACTIVITIES),
        "regions": regions,
        "share_step": comparison.share_step,
        "words": comparison_words,
        "therapy_name": comparison_words.therapy_name,
        "red_flag_advice": _(clinical.RED_FLAG_ADVICE),
    }


def _older_days(shown_from):
    # The days before the page's own, from the timeline API (when this app has it).
    if "api.timeline" not in current_app.view_functions:
        return None
    return url_for("api.timeline", to=reads.older_until(shown_from))


def _today_page():
    # The entry pages are another blueprint; link to them only when this app has them.
    return url_for("entries.today") if "entries.today" in current_app.view_functions else None
