"""Before/after comparison of a therapy (CLINICAL.md section 4) and the chart timeline.

The patient's route and the physician's route share one body, ``comparison_response``,
which takes the patient's id; the policy on each route decides who may reach it.
"""

from typing import Annotated, Literal

from flask import jsonify, request
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field

from diary import accounts, days
from diary.access import allow
from diary.api import bp
from diary.api.openapi import spec
from diary.api.resources import DAY_PARAMETER
from diary.charts import reads
from diary.clinical import analysis, comparison
from diary.clinical.comparison_words import caveat_words
from diary.db import get_db
from diary.errors import ApiError
from diary.i18n.text import gettext as _
from diary.medications import comparison as medicine_comparison
from diary.medications import records
from diary.questionnaires.schemas import QuestionnaireResult
from diary.schemas import TherapyOut, TherapyRef, validate
from diary.sharing import notes
from diary.sync import queries


class ComparisonQuery(BaseModel):
    """Query parameters of the comparison (CLINICAL.md section 4's configurable lengths)."""

    model_config = ConfigDict(extra="ignore")
    baseline_days: Annotated[int, Field(ge=7, le=90)] = 28
    exclusion_days: Annotated[int, Field(ge=0, le=30)] = 7


class PainSummary(BaseModel):
    """Daily values of one window; every number null without enough data."""

    mean: float | None
    median: float | None
    q1: float | None
    q3: float | None
    worst: float | None
    pct_days_high: float | None = Field(description="% of days with pain >= 7")


class Change(BaseModel):
    """Mean leg pain of a follow-up window against baseline; null without enough data."""

    leg_abs: float | None = Field(description="post mean - pre mean, in points")
    leg_pct_reduction: float | None = Field(description="100 x (pre - post) / pre; null at 0")
    category: Literal[analysis.CATEGORIES] | None  # type: ignore[valid-type]
    responder: bool | None
    nap: float | None = Field(description="non-overlap of all pairs, 0.5 = no change")
    nap_band: Literal["weak", "medium", "strong"] | None
    ci95: list[float] | None = Field(
        description="95% moving-block bootstrap interval of post - pre", min_length=2, max_length=2
    )


class AsNeededUse(BaseModel):
    """One as-needed medicine in one window: a fall is shown as fewer doses, never as less
    pain."""

    medication_id: str
    name: str = Field(description="the medicine's name with its strength")
    doses: int
    days_recorded: int = Field(
        description="days of the window, up to today, within the medicine's course"
    )
    per_week: float | None = Field(
        description=f"doses x 7 / days_recorded; null under {analysis.MIN_DAYS} days recorded"
    )


class MedicationEvent(BaseModel):
    medication_id: str
    name: str = Field(description="the medicine's name with its strength")
    event: Literal["started", "stopped", "dose_changed"]
    day: str
    dose: str | None = Field(description="the new dose of a dose change, else null")


class Window(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    name: Literal[analysis.WINDOW_NAMES]  # type: ignore[valid-type]
    from_: str | None = Field(alias="from", description="first day, inclusive")
    to: str | None = Field(description="last day, inclusive")
    days_logged: int
    days_in_window: int = Field(description="calendar days of the window, its whole length")
    days_elapsed: int = Field(description="days of the window up to today (0: not reached yet)")
    in_progress: bool = Field(
        description="begun but not over: numbers (from 5 logged days) are so far, not final"
    )
    enough_data: bool = Field(description=f"at least {analysis.MIN_DAYS} days logged")
    leg: PainSummary
    back: PainSummary
    activity_index: float | None
    distal_level_median: float | None
    change: Change | None = Field(None, description="absent on baseline")
    questionnaires: list[QuestionnaireResult] = Field(
        description="each questionnaire the patient answers (a PGIC: about this therapy; not "
        "at baseline), with the response inside this window or null (docs/clinical-method.md)"
    )
    as_needed: list[AsNeededUse] = Field(
        default_factory=list,
        description="doses of each medicine taken when needed, in this window "
        "(docs/medications.md)",
    )


class ComparisonOut(BaseModel):
    therapy: TherapyOut
    today: str = Field(description="the patient's today in their time zone")
    latest_current: bool = Field(
        description="true when the latest window's last day (the last entry's) is at most "
        f"{comparison.CURRENT_DAYS} days before today; false when it is older (the latest "
        "window is then not how things are now) or has no days"
    )
    windows: list[Window]
    caveat: str
    overlapping_therapies: list[TherapyRef] = Field(
        description="therapies that started between this one's baseline and the last window "
        "with numbers: the change after the two cannot be told apart"
    )
    baseline_after_therapies: list[TherapyRef] = Field(
        description="earlier therapies whose year of follow-up covers this one's baseline: "
        "it is not a before-any-therapy baseline"
    )
    medication_changes: list[MedicationEvent] = Field(
        description="regular medicines started, stopped or changed between this therapy's "
        "baseline and the last window with numbers: the change may come from them too"
    )


class TimelineDay(BaseModel):
    day: str
    leg: float | None
    back: float | None
    activity_index: float | None
    distal_level: int
    leg_avg7: float | None
    back_avg7: float | None


class TimelineOut(BaseModel):
    today: str = Field(description="the patient's today in their time zone")
    days: list[TimelineDay]
    therapies: list[TherapyOut]


ERROR = {"$ref": "#/components/schemas/Error"}
QUERY_DOC = {
    name: {k: v for k, v in schema.items() if k != "title"}
    for name, schema in ComparisonQuery.model_json_schema()["properties"].items()
}


def _query() -> ComparisonQuery:
    try:
        return validate(ComparisonQuery, request.args.to_dict(), strict=False)
    except ApiError as err:
        fields = {}
        for name in err.fields:
            if name in QUERY_DOC:
                low, high = QUERY_DOC[name]["minimum"], QUERY_DOC[name]["maximum"]
                fields[name] = _(
                    "must be a whole number from %(low)s to %(high)s", low=low, high=high
                )
        raise ApiError(422, "invalid", _("Some query parameters are not valid."), fields) from None


def comparison_response(patient_id, therapy_id, *, share_notes=True):
    """The comparison of one of ``patient_id``'s therapies as a JSON response.

    404 when the therapy is not theirs (or deleted); 422 naming ``baseline_days`` or
    ``exclusion_days`` when a query value is out of range. ``share_notes=False`` blanks the
    therapy's notes (for a reader the patient does not share them with).
    """
    query = _query()
    db = get_db()
    therapy = queries.get(db, "therapy", patient_id, str(therapy_id))
    if therapy is None:
        raise ApiError(404)
    therapy = notes.shared(therapy, "therapy", share_notes=share_notes)
    patient = accounts.get_user(db, patient_id)
    today = comparison.patient_today(patient.time_zone)
    body = comparison.therapy_comparison(
        therapy,
        queries.entries_for_comparison(
            db,
            patient_id,
            therapy["start_day"],
            baseline_days=query.baseline_days,
            exclusion_days=query.exclusion_days,
        ),
        therapies=queries.list_therapies(db, patient_id),
        responses=queries.list_responses(db, patient_id),
        today=today,
        baseline_days=query.baseline_days,
        exclusion_days=query.exclusion_days,
    )
    medications = records.list_medications(db, patient_id)
    taken = records.taken_days_in_windows(db, patient_id, medications, body["windows"])
    # The statistics keep their English words; the reader gets the caveat in their language.
    body["caveat"] = caveat_words()
    return jsonify(medicine_comparison.with_medicines(body, medications, taken, today=today))


@bp.get("/therapies/<uuid:object_id>/comparison")
@allow("patient")
@spec(
    "Before/after comparison of one of the patient's therapies (CLINICAL.md section 4)",
    query=QUERY_DOC,
    responses={200: ComparisonOut, 422: ERROR},
)
def therapy_comparison(object_id):
    return comparison_response(current_user.id, object_id)


@bp.get("/patients/<int:patient_id>/therapies/<uuid:object_id>/comparison")
@allow("physician_of_patient", shows="comparison")
@spec(
    "The same comparison of a patient who shares with the physician",
    query=QUERY_DOC,
    responses={200: ComparisonOut, 422: ERROR},
)
def patient_therapy_comparison(patient_id, object_id):
    patient = accounts.get_user(get_db(), patient_id)
    return comparison_response(patient_id, object_id, share_notes=patient.share_notes)


#: ``from`` and ``to`` of the timeline: the days returned, as for the entries.
TIMELINE_QUERY = {
    "from": {**DAY_PARAMETER, "description": "the first day returned (inclusive)"},
    "to": {
        **DAY_PARAMETER,
        "description": "the last day returned (inclusive); not before from (422 naming to)",
    },
}


@bp.get("/timeline")
@allow("patient")
@spec(
    "Daily leg and back pain with 7-day means, and the therapies, for the charts; from and "
    "to choose the days (each day's 7-day means are the same whatever the span)",
    query=TIMELINE_QUERY,
    responses={200: TimelineOut, 422: ERROR},
)
def timeline():
    db = get_db()
    response = jsonify(
        _timeline_body(db, current_user, queries.list_therapies(db, current_user.id))
    )
    # Whose days these are: the service worker keeps them for this user only (static/sw.js).
    response.headers["X-Diary-User"] = str(current_user.id)
    return response


@bp.get("/patients/<int:patient_id>/timeline")
@allow("physician_of_patient", shows="timeline")
@spec(
    "The same timeline of a patient who shares with the physician (the older days of the "
    "physician's read-only charts page); therapy notes only when the patient shares notes",
    query=TIMELINE_QUERY,
    responses={200: TimelineOut, 422: ERROR},
)
def patient_timeline(patient_id):
    db = get_db()
    patient = accounts.get_user(db, patient_id)
    if patient is None:  # deleted between the access check and here
        raise ApiError(404)
    therapies = notes.shared_all(
        queries.list_therapies(db, patient_id), "therapy", share_notes=patient.share_notes
    )
    # No X-Diary-User: the physician's reads are not kept by the service worker.
    return jsonify(_timeline_body(db, patient, therapies))


def _timeline_body(db, patient, therapies) -> dict:
    # Only the span's days are read (charts.reads.timeline); 422 naming a bad from or to.
    first, last, fields = days.query_span(request.args)
    if fields:
        raise ApiError(422, "invalid", _("Some query parameters are not valid."), fields)
    return {
        "today": comparison.patient_today(patient.time_zone).isoformat(),
        "days": reads.timeline(db, patient.id, first, last),
        "therapies": therapies,
    }
