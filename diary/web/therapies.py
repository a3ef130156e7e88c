"""Therapy pages: list, record, edit and delete therapies with plain HTML forms (no JS).

Writes go through ``store.change`` (the same rules as the API and sync), validation
through the same declared schemas as the API, so a form and a JSON client cannot disagree.
"""

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from diary import clinical
from diary.access import allow
from diary.clinical import comparison, comparison_words
from diary.db import get_db
from diary.errors import ApiError
from diary.i18n.text import gettext as _
from diary.i18n.text import lazy_gettext as _l
from diary.schemas import TherapyCreate, TherapyUpdate, validate
from diary.sync import merge, queries, store

bp = Blueprint("therapies", __name__, url_prefix="/therapies")
bp.add_app_template_filter(comparison_words.day_words, "day_words")

FIELDS = ("kind", "label", "start_day", "end_day", "notes")
STALE_FORM = _l(
    "This form was saved already, then changed. To change that therapy, open it from the "
    "list; to record another one, tap Save again."
)


def _today():
    return comparison.patient_today(current_user.time_zone)


def _own_therapy(object_id):
    """The signed-in patient's live therapy, or 404 (another patient's too)."""
    try:
        object_id = str(uuid.UUID(object_id))
    except ValueError:
        abort(404)
    therapy = queries.get(get_db(), "therapy", current_user.id, object_id)
    if therapy is None:
        abort(404)
    return therapy


def _submitted():
    """The form's therapy fields as the schema wants them (blank optional fields -> None)."""
    data = {name: request.form.get(name, "").strip() for name in FIELDS}
    data["end_day"] = data["end_day"] or None
    return data


def _validated(model, data):
    """``(model instance, {})`` or ``(None, field errors)`` by the schema's rules."""
    try:
        return validate(model, data, strict=False), {}
    except ApiError as err:
        return None, dict(err.fields)


def _render_form(therapy, errors, *, editing, status=200, message=None):
    return render_template(
        "therapies/form.html",
        therapy=therapy,
        errors=errors,
        editing=editing,
        message=message,
        kinds=clinical.said(clinical.THERAPY_KINDS),
        course_kinds=clinical.COURSE_KINDS,
        today=_today().isoformat(),
    ), status


@bp.get("/")
@allow("patient")
def index():
    # Read before the list: the page's script compares it with the phone's sync cursor.
    seq = queries.last_seq(get_db(), current_user.id)
    therapies = queries.list_therapies(get_db(), current_user.id)
    return render_template(
        "therapies/index.html",
        seq=seq,
        therapies=therapies,
        kinds=clinical.said(clinical.THERAPY_KINDS),
        course_kinds=clinical.COURSE_KINDS,
    )


@bp.route("/new", methods=["GET", "POST"])
@allow("patient")
def new():
    kind = request.values.get("kind", "")
    if kind not in clinical.THERAPY_KINDS:
        # First choose the kind: it decides whether the form offers an end day.
        return render_template("therapies/kind.html", kinds=clinical.said(clinical.THERAPY_KINDS))
    if request.method == "GET":
        blank = {"kind": kind, "label": "", "start_day": _today().isoformat(), "end_day": None}
        return _render_form({**blank, "notes": "", "id": str(uuid.uuid4())}, {}, editing=False)
    # The form carries its own id: a Save tapped twice, or resent, stores one therapy.
    data = {**_submitted(), "id": request.form.get("id") or None}
    valid, errors = _validated(TherapyCreate, data)
    if errors:
        return _render_form(data, errors, editing=False, status=422)
    outcome = store.change(get_db(), current_user.id, "therapy", valid.id, None, False, valid)
    if outcome.status in (merge.CONFLICT, merge.REJECTED):
        # This form's id already holds another therapy: offer a fresh form with what was typed.
        return _render_form(
            {**data, "id": str(uuid.uuid4())},
            {"form": STALE_FORM},
            editing=False,
            status=409,
        )
    flash(_("Saved: %(name)s.", name=comparison_words.therapy_name(data)), "success")
    return redirect(url_for("therapies.index"))


@bp.route("/<object_id>/edit", methods=["GET", "POST"])
@allow("patient")
def edit(object_id):
    therapy = _own_therapy(object_id)
    if request.method == "GET":
        return _render_form(therapy, {}, editing=True)
    data = {**_submitted(), "base_version": request.form.get("base_version", "")}
    valid, errors = _validated(TherapyUpdate, data)
    if errors:
        return _render_form({**therapy, **data}, errors, editing=True, status=422)
    outcome = store.change(
        get_db(), current_user.id, "therapy", therapy["id"], valid.base_version, False, valid
    )
    if outcome.status == merge.CONFLICT:
        return _render_form(
            outcome.row,
            {},
            editing=True,
            status=409,
            message=_(
                "This therapy was changed on another device while you were editing. "
                "The form now shows the saved version: make your change again."
            ),
        )
    if outcome.status == merge.REJECTED:
        abort(404)
    flash(_("Saved: %(name)s.", name=comparison_words.therapy_name(data)), "success")
    return redirect(url_for("therapies.index"))


@bp.route("/<object_id>/delete", methods=["GET", "POST"])
@allow("patient")
def delete(object_id):
    therapy = _own_therapy(object_id)
    if request.method == "GET":
        return render_template(
            "therapies/delete.html",
            therapy=therapy,
            name=comparison_words.therapy_name(therapy),
            kinds=clinical.said(clinical.THERAPY_KINDS),
        )
    store.change(
        get_db(), current_user.id, "therapy", therapy["id"], therapy["version"], True, None
    )
    flash(_("Deleted: %(name)s.", name=comparison_words.therapy_name(therapy)), "success")
    return redirect(url_for("therapies.index"))
