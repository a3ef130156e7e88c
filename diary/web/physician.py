"""The physician's pages: the list of patients who share, entering an invite code, a
patient's charts (read-only) and their one-minute printable summary.

Reads of a patient go through the ``physician_of_patient`` policy (diary/access.py): an
active share or 404, and one access-log event per page. Physicians never see the entry
form: those pages are the patient's alone.
"""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from diary import accounts, inputs
from diary.access import allow
from diary.clinical import comparison_words
from diary.db import get_db
from diary.i18n.text import gettext as _
from diary.i18n.text import lazy_gettext as _l
from diary.security import invite_failed, with_invite_limit
from diary.sharing import dashboard, invites, summary
from diary.web.charts import chart_context

bp = Blueprint("physician", __name__, url_prefix="/patients")
bp.add_app_template_filter(comparison_words.day_words, "day_words")

CODE_FORM = _l(
    "must be the %(count)s letters and digits the patient gave you", count=invites.CODE_LENGTH
)
WRONG_CODE = _l(
    "This code does not work: it may be mistyped, used already or expired. "
    "Check it with the patient, or ask them for a new one."
)


@bp.get("/")
@allow("physician")
def patients():
    sort = request.args.get("sort", "attention")
    if sort not in dashboard.SORTS:
        sort = "attention"
    query = request.args.get("q", "").strip()[: dashboard.QUERY_MAX_LENGTH]
    try:
        page = inputs.page_number(request.args.get("page", "1"))
    except inputs.BadInput:
        page = 1  # a link we did not make: the first page
    db = get_db()
    listing = dashboard.patients(
        db,
        current_user.id,
        sort=sort,
        query=query,
        page=page,
        per_page=dashboard.PAGE_SIZE,
    )
    # Only the patients on the page were shown: only they are in an access log.
    dashboard.log_listed(db, current_user, listing.rows)
    return render_template(
        "physician/patients.html",
        listing=listing,
        rows=listing.rows,
        sort=sort,
        q=query,
        query_max=dashboard.QUERY_MAX_LENGTH,
        sorts=dashboard.SORTS,
        # Once for the list: every verdict on it is a before/after comparison.
        caveat=comparison_words.caveat_words(),
        errors={},
        code="",
    )


@bp.route("/accept", methods=["GET", "POST"])
@allow("physician")
@with_invite_limit
def accept():
    if request.method == "GET":
        # The invite's QR code leads here with the code filled in: one tap to accept.
        return render_template(
            "physician/accept.html", errors={}, code=request.args.get("code", "")
        )
    code = request.form.get("code", "")
    if invites.normalise(code) is None:
        errors = {"code": CODE_FORM}
        return render_template("physician/accept.html", errors=errors, code=code), 422
    accepted = invites.accept(
        get_db(), current_user.id, code, share_days=current_app.config["SHARE_DAYS"]
    )
    if accepted is None:
        invite_failed()
        return render_template("physician/accept.html", errors={"form": WRONG_CODE}, code=code), 404
    flash(_("%(name)s now shares their diary with you.", name=accepted["patient_name"]), "success")
    return redirect(url_for("physician.patient", patient_id=accepted["patient_id"]))


def _patient(patient_id):
    patient = accounts.get_user(get_db(), patient_id)
    if patient is None:  # deleted between the access check and here
        abort(404)
    return patient


@bp.get("/<int:patient_id>")
@allow("physician_of_patient", shows="charts")
def patient(patient_id):
    view = summary.patient_view(get_db(), _patient(patient_id), older_url=_older_days(patient_id))
    return render_template("physician/patient.html", view=view, **chart_context())


def _older_days(patient_id):
    # "All" on the chart fetches the days before the page's year from the patient's
    # timeline in the API, under the same share (when this app has the API).
    if "api.patient_timeline" not in current_app.view_functions:
        return None
    return lambda to: url_for("api.patient_timeline", patient_id=patient_id, to=to)


@bp.get("/<int:patient_id>/summary")
@allow("physician_of_patient", shows="summary")
def printable(patient_id):
    view = summary.patient_view(get_db(), _patient(patient_id))
    return render_template(
        "summary/summary.html",
        view=view,
        back_url=url_for("physician.patient", patient_id=patient_id),
        back_words=_("Back to the charts"),
        charts_url=None,
        **chart_context(),
    )
