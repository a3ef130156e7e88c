"""What a view link opens: the patient's printable summary and their charts, read-only.

Reached only through a live link (the ``view_link`` policy in diary/access.py: any other
token is a 404), every use logged. No navigation, no forms, no service worker: the holder
may be a physician without an account on a clinic computer.
"""

from flask import Blueprint, g, render_template, url_for

from diary import accounts
from diary.access import allow
from diary.db import get_db
from diary.sharing import summary as summaries
from diary.web.charts import chart_context

bp = Blueprint("viewlink", __name__, url_prefix="/v")


def _view():
    link = g.view_link
    return link, summaries.patient_view(get_db(), accounts.get_user(get_db(), link.patient_id))


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
    link, view = _view()
    return render_template(
        "viewlink/charts.html",
        view=view,
        link=link,
        summary_url=url_for("viewlink.summary", token=token),
        **chart_context(),
    )
