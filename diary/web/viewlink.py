"""What a view link opens: the patient's printable summary and their charts, read-only.

Reached only through a live link (the ``view_link`` policy in diary/access.py: any other
token is a 404), every use logged. No navigation, no forms, no service worker: the holder
may be a physician without an account on a clinic computer.
"""

from flask import Blueprint, g, jsonify, render_template, request, url_for

from diary import accounts, days
from diary.access import allow
from diary.charts import reads
from diary.db import get_db
from diary.errors import ApiError
from diary.i18n.text import gettext as _
from diary.sharing import summary as summaries
from diary.web.charts import chart_context

bp = Blueprint("viewlink", __name__, url_prefix="/v")


def _view(**options):
    link = g.view_link
    patient = accounts.get_user(get_db(), link.patient_id)
    return link, summaries.patient_view(get_db(), patient, **options)


@bp.get("/<token>")
@allow("view_link", shows="summary")
def summary(token):
    link, view = _view()
    return render_template(
        "summary/summary.html",
        view=view,
        link=link,
        back_url=None,
        charts_url=url_for("viewlink.charts", token=token),
        **chart_context(),
    )


@bp.get("/<token>/charts")
@allow("view_link", shows="charts")
def charts(token):
    link, view = _view(older_url=lambda to: url_for("viewlink.timeline", token=token, to=to))
    return render_template(
        "viewlink/charts.html",
        view=view,
        link=link,
        summary_url=url_for("viewlink.summary", token=token),
        **chart_context(),
    )


@bp.get("/<token>/timeline")
@allow("view_link", shows="timeline")
def timeline(token):
    """The single days before the charts page's year, when the holder picks "All": JSON as
    the API's timeline (view links never reach the API), ``from``/``to`` choosing the days."""
    first, last, fields = days.query_span(request.args)
    if fields:  # named, in JSON, as the API's timeline does
        raise ApiError(422, "invalid", _("Some query parameters are not valid."), fields)
    link = g.view_link
    # No-store, no-referrer and noindex like every page of a link (diary/access.py).
    return jsonify({"days": reads.timeline(get_db(), link.patient_id, first, last)})
