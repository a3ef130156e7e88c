"""Medicine pages: the list, add and edit a medicine with its course and dose changes, and
the doses taken when needed ("Took one" on Today, and changing a dose's time); all work
without JavaScript.

Writes go through ``store.change`` (the rules of the API and of sync), validation through
the same declared schemas, so a form and a JSON client cannot disagree. There is no drug
database: the name is the patient's own words, with their earlier names suggested.
"""

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from diary import time_zones
from diary.access import allow
from diary.clinical import comparison, comparison_words
from diary.days import latest_allowed_day, parse_day
from diary.db import get_db
from diary.errors import ApiError
from diary.i18n.text import gettext as _
from diary.i18n.text import lazy_gettext as _l
from diary.medications import doses, records
from diary.medications.schemas import (
    SCHEDULES,
    DoseCreate,
    DoseUpdate,
    MedicationCreate,
    MedicationUpdate,
)
from diary.medications.words import course_words, medication_name
from diary.schemas import validate
from diary.sync import merge, queries, store
from diary.web.entries import today_page

bp = Blueprint("medications", __name__, url_prefix="/medications")
bp.add_app_template_filter(comparison_words.day_words, "day_words")
# A fresh id for each "Took one" form: the same form sent twice records one dose.
bp.add_app_template_global(lambda: str(uuid.uuid4()), "uuid4")

FIELDS = ("name", "strength", "unit", "schedule", "start_day", "end_day")
STALE_FORM = _l(
    "This form was saved already, then changed. To change that medicine, open it from the "
    "list; to add another one, tap Save again."
)
MEDICINE_GONE = _l("That medicine is not in your list any more. Nothing was recorded.")
FOREIGN_FORM = _l("Nothing was recorded: this form was not one we made. Tap “Took one” again.")
ID_IN_USE = _l(
    "Nothing was recorded: this form was already used for another record. Tap “Took one” again."
)
CHANGED_ELSEWHERE = _l(
    "This was changed on another device while you were editing. The form now shows the "
    "saved version: make your change again."
)


def _today():
    return comparison.patient_today(current_user.time_zone)


def _own(kind, object_id):
    """The signed-in patient's live medicine or dose, or 404 (another patient's too)."""
    row = queries.get(get_db(), kind, current_user.id, str(object_id))
    if row is None:
        abort(404)
    return row


def _validated(model, data):
    """``(model instance, {})`` or ``(None, field errors)`` by the schema's rules."""
    try:
        return validate(model, data, strict=False), {}
    except ApiError as err:
        return None, dict(err.fields)


# ---- medicines --------------------------------------------------------------------------


def _submitted(*, editing):
    """The form as the schema wants it: blank optional fields None, the dose rows as
    ``changes`` (a row without a dose is no change; a new medicine's one dose starts it)."""
    data = {name: request.form.get(name, "").strip() for name in FIELDS}
    data["end_day"] = data["end_day"] or None
    if editing:
        rows = zip(
            request.form.getlist("change_day"), request.form.getlist("change_dose"), strict=False
        )
        data["changes"] = [
            {"day": day.strip(), "dose": dose.strip()} for day, dose in rows if dose.strip()
        ]
    else:
        dose = request.form.get("start_dose", "").strip()
        data["changes"] = [{"day": data["start_day"], "dose": dose}] if dose else []
    return data


def _render_form(medication, errors, *, editing, status=200, message=None):
    return render_template(
        "medications/form.html",
        medication=medication,
        errors=errors,
        editing=editing,
        message=message,
        schedules=SCHEDULES,
        earlier_names=records.earlier_names(get_db(), current_user.id),
        today=_today().isoformat(),
    ), status


@bp.get("/")
@allow("patient")
def index():
    db = get_db()
    # Read before the list: the page's script compares it with the phone's sync cursor.
    seq = queries.last_seq(db, current_user.id)
    medications = records.list_medications(db, current_user.id)
    return render_template(
        "medications/index.html",
        seq=seq,
        medications=medications,
        schedules=SCHEDULES,
        course_words=course_words,
        medication_name=medication_name,
        orphans=records.orphan_dose_count(db, current_user.id),
    )


@bp.route("/new", methods=["GET", "POST"])
@allow("patient")
def new():
    if request.method == "GET":
        blank = {name: "" for name in FIELDS}
        blank.update(
            id=str(uuid.uuid4()),
            schedule=request.args.get("schedule")
            if request.args.get("schedule") in SCHEDULES
            else "regular",
            start_day=_today().isoformat(),
            end_day=None,
            changes=[],
        )
        return _render_form(blank, {}, editing=False)
    # The form carries its own id: a Save tapped twice, or resent, stores one medicine.
    data = {**_submitted(editing=False), "id": request.form.get("id") or None}
    valid, errors = _validated(MedicationCreate, data)
    if errors:
        return _render_form(data, errors, editing=False, status=422)
    outcome = store.change(get_db(), current_user.id, "medication", valid.id, None, False, valid)
    if outcome.status in (merge.CONFLICT, merge.REJECTED):
        fresh = {**data, "id": str(uuid.uuid4())}
        return _render_form(fresh, {"form": STALE_FORM}, editing=False, status=409)
    flash(_("Saved: %(name)s.", name=medication_name(outcome.row)), "success")
    return redirect(url_for("medications.index"))


@bp.route("/<uuid:object_id>/edit", methods=["GET", "POST"])
@allow("patient")
def edit(object_id):
    medication = _own("medication", object_id)
    if request.method == "GET":
        return _render_form(medication, {}, editing=True)
    data = {**_submitted(editing=True), "base_version": request.form.get("base_version", "")}
    valid, errors = _validated(MedicationUpdate, data)
    if errors:
        return _render_form({**medication, **data}, errors, editing=True, status=422)
    outcome = store.change(
        get_db(), current_user.id, "medication", medication["id"], valid.base_version, False, valid
    )
    if outcome.status == merge.CONFLICT:
        return _render_form(outcome.row, {}, editing=True, status=409, message=CHANGED_ELSEWHERE)
    if outcome.status == merge.REJECTED:
        abort(404)
    flash(_("Saved: %(name)s.", name=medication_name(outcome.row)), "success")
    return redirect(url_for("medications.index"))


@bp.route("/<uuid:object_id>/delete", methods=["GET", "POST"])
@allow("patient")
def delete(object_id):
    medication = _own("medication", object_id)
    name = medication_name(medication)
    if request.method == "GET":
        return render_template("medications/delete.html", medication=medication, name=name)
    store.change(
        get_db(), current_user.id, "medication", medication["id"], medication["version"], True, None
    )
    flash(_("Deleted: %(name)s.", name=name), "success")
    return redirect(url_for("medications.index"))


# ---- doses taken when needed ----------------------------------------------------------


@bp.post("/doses")
@allow("patient")
def took_one():
    """ "Took one" on Today: a dose of the medicine, now. The form carries the dose's id,
    so the same form sent twice records one dose."""
    db = get_db()
    medication_id = request.form.get("medication_id", "")
    data = {"id": request.form.get("id") or None, "medication_id": medication_id}
    valid, errors = _validated(DoseCreate, {**data, "taken_at": doses.now_iso()})
    medication = (
        queries.get(db, "medication", current_user.id, medication_id) if not errors else None
    )
    if medication is None:
        # Today again, saying why next to the medicines' "Took one" (422, as any refused form).
        message = FOREIGN_FORM if "id" in errors else MEDICINE_GONE
        problem = {"medication_id": medication_id, "message": message}
        return today_page(as_needed_problem=problem), 422
    outcome = store.change(db, current_user.id, "dose", valid.id, None, False, valid)
    if _id_in_use(outcome, medication_id):
        problem = {"medication_id": medication_id, "message": ID_IN_USE}
        return today_page(as_needed_problem=problem), 422
    if outcome.status == merge.APPLIED:
        time = doses.clock_of(outcome.row)
        flash(
            _("Recorded: %(name)s at %(time)s.", name=medication_name(medication), time=time),
            "success",
        )
    return redirect(url_for("entries.today", _anchor="as-needed-heading"))


def _id_in_use(outcome, medication_id) -> bool:
    """True when the form's id is another record's: another kind's or another patient's
    (rejected), or a dose of another medicine. The same form sent again (a dose of this
    medicine under this id) is not: it recorded its dose the first time."""
    if outcome.status == merge.REJECTED:
        return True
    return outcome.status == merge.CONFLICT and outcome.row["medication_id"] != medication_id


def _dose_page(dose, errors=None, values=None, status=200, message=None):
    medication = queries.get(get_db(), "medication", current_user.id, dose["medication_id"])
    return render_template(
        "medications/dose.html",
        dose=dose,
        name=medication_name(medication) if medication else _("a medicine no longer in your list"),
        values=values or {"day": doses.day_of(dose), "time": doses.clock_of(dose)},
        # The form's day and time are on the clock of the zone the dose was taken in.
        clock=doses.clock_of(dose),
        place=time_zones.place(dose["time_zone"]),
        elsewhere=dose["time_zone"] != current_user.time_zone,
        errors=errors or {},
        message=message,
        today=_today().isoformat(),
    ), status


@bp.route("/doses/<uuid:object_id>/edit", methods=["GET", "POST"])
@allow("patient")
def edit_dose(object_id):
    dose = _own("dose", object_id)
    if request.method == "GET":
        return _dose_page(dose)
    values = {name: request.form.get(name, "").strip() for name in ("day", "time")}
    try:
        # The day first, by the entries' rule: a moment on a day like 0001-01-01 is past
        # what a date can hold once moved to UTC (an OverflowError, not a ValueError).
        parse_day(values["day"], last=latest_allowed_day())
    except ValueError as err:
        return _dose_page(dose, {"day": str(err)}, values, status=422)
    zone = dose["time_zone"]
    try:
        taken_at = doses.at_local(values["day"], values["time"], zone)
    except ValueError:
        errors = {"time": _("must be a day and a time, like 2026-03-02 and 08:15")}
        return _dose_page(dose, errors, values, status=422)
    if (values["day"], values["time"]) == (doses.day_of(dose), doses.clock_of(dose)):
        # The form shows the minute only, and one reading of a clock time the night clocks
        # go back: a dose saved as it was shown keeps its moment, to the second.
        taken_at = dose["taken_at"]
    data = {
        "medication_id": dose["medication_id"],
        "taken_at": taken_at,
        "time_zone": zone,  # a new time on the same clock: the dose stays in its zone
        "base_version": request.form.get("base_version", ""),
    }
    valid, errors = _validated(DoseUpdate, data)
    if errors:
        errors = {"time": errors.get("taken_at", next(iter(errors.values())))}
        return _dose_page(dose, errors, values, status=422)
    outcome = store.change(
        get_db(), current_user.id, "dose", dose["id"], valid.base_version, False, valid
    )
    if outcome.status == merge.CONFLICT:
        return _dose_page(outcome.row, status=409, message=CHANGED_ELSEWHERE)
    if outcome.status == merge.REJECTED:
        abort(404)
    flash(_("Saved: taken at %(time)s.", time=values["time"]), "success")
    return redirect(url_for("entries.today", _anchor="as-needed-heading"))


@bp.post("/doses/<uuid:object_id>/delete")
@allow("patient")
def delete_dose(object_id):
    dose = _own("dose", object_id)
    store.change(get_db(), current_user.id, "dose", dose["id"], dose["version"], True, None)
    time = doses.clock_of(dose)
    flash(_("Removed the dose taken at %(time)s.", time=time), "success")
    return redirect(url_for("entries.today", _anchor="as-needed-heading"))
