"""The physician's cohort page: their patients after one kind of therapy, in a table laid
out like a trial's, a chart beside it, the cautions, and the two CSV files (docs/cohorts.md).

Thin: the query is read by ``cohorts.schemas`` (a bad value re-shows the form naming it),
the patients chosen by ``cohorts.selection`` and everything shown is worked out in
``diary/cohorts``. The table is HTML, readable without JavaScript; the chart is drawn by
static/js/cohort-chart.js from a JSON attribute, like the charts page.
"""

from flask import Blueprint, render_template, request
from flask_login import current_user

from diary import clinical
from diary.access import allow
from diary.clinical import analysis
from diary.cohorts import chart, export, rows, selection, words
from diary.cohorts.outcomes import FOLLOW_UPS
from diary.cohorts.schemas import read_query
from diary.cohorts.table import POPULATIONS
from diary.db import get_db
from diary.i18n.text import said

bp = Blueprint("cohorts", __name__, url_prefix="/clinic")


@bp.get("/cohorts")
@allow("physician")
def index():
    query, errors = read_query(request.args.to_dict(flat=False), need_kind=False)
    db = get_db()
    page = {
        "query": query,
        "errors": errors,
        "counts": selection.kinds_counted(db, current_user.id),
        "kinds": clinical.said(clinical.THERAPY_KINDS),
        "populations": {key: words.say(words.POPULATIONS[key]) for key in POPULATIONS},
        "throughs": {key: words.say(words.THROUGH[key]) for key in FOLLOW_UPS},
        "table": None,
    }
    if errors:
        return render_template("cohorts/index.html", **page), 422
    if query["kind"] is None:
        return render_template("cohorts/index.html", **page)
    found, table = selection.cohort(db, current_user.id, **query)
    selection.log_counted(db, current_user, selection.in_table(found, table), "cohort")
    page["table"] = table
    return render_template(
        "cohorts/index.html",
        **page,
        rows=rows.table_rows(table),
        notes=rows.window_notes(table),
        chart_data={
            **chart.chart_data(table, [(m.name, m.outcome) for m in found]),
            "words": said(words.CHART_WORDS),
        },
        words=words,
        min_days=analysis.MIN_DAYS,
        min_research=export.MIN_RESEARCH_PATIENTS,
    )
