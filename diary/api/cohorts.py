"""A physician's cohort table as JSON, and its two CSV files (docs/cohorts.md).

Thin: the query is read by ``cohorts.schemas``, the patients chosen by
``cohorts.selection`` (active shares only, opted-out patients left out) and the numbers
worked out by ``cohorts.table``. Each patient counted gets an event in their access log:
the table rests on their diary, and the files carry their numbers.
"""

from datetime import UTC, datetime

from flask import jsonify, request
from flask_login import current_user

from diary.access import allow
from diary.api import bp
from diary.api.exports import CSV_FILE, send
from diary.api.openapi import spec
from diary.cohorts import export, selection, words
from diary.cohorts.schemas import QUERY_DOC, CohortOut, read_query
from diary.db import get_db
from diary.errors import ApiError
from diary.exports.downloads import CSV, Download
from diary.i18n.text import english
from diary.i18n.text import gettext as _

ERROR = {"$ref": "#/components/schemas/Error"}
MIN_RESEARCH_PATIENTS = export.MIN_RESEARCH_PATIENTS


def _query() -> dict:
    """The request's cohort query, or 422 naming the parameters, in the reader's language
    (the files' words are English; what the reader got wrong is said in theirs)."""
    query, errors = read_query(request.args.to_dict(flat=False))
    if errors:
        raise ApiError(422, "invalid", _("Some query parameters are not valid."), errors)
    return query


def _cohort(query: dict):
    db = get_db()
    found, table = selection.cohort(db, current_user.id, **query)
    return db, found, table


def _log(db, found, table, what):
    selection.log_counted(db, current_user, selection.in_table(found, table), what)


def _filename(table: dict, what: str) -> str:
    day = datetime.now(UTC).date().isoformat()
    return f"diary-cohort-{table['kind']}-{table['population']}-{what}-{day}.csv"


@bp.get("/cohorts")
@allow("physician")
@spec(
    "The physician's cohort table: the patients sharing with them now after their first "
    "therapy of a kind, per window (docs/cohorts.md)",
    query=QUERY_DOC,
    responses={200: CohortOut, 422: ERROR},
)
def cohort():
    db, found, table = _cohort(_query())
    _log(db, found, table, "cohort")
    return jsonify(table)


@bp.get("/cohorts/table.csv")
@allow("physician")
@spec(
    "The cohort table as a CSV file in the trials' layout, cells resting on fewer than 5 "
    "patients suppressed (docs/exports.md)",
    query=QUERY_DOC,
    responses={200: CSV_FILE, 422: ERROR},
)
def cohort_table_csv():
    # A file for spreadsheets and scripts: its words are English whatever the reader's
    # language (docs/exports.md), so the table is built in English for it.
    query = _query()
    with english():
        db, found, table = _cohort(query)
        body = export.table_csv(table).encode()
    _log(db, found, table, "cohort_export")
    return send(Download(body, CSV, _filename(table, "table")))


@bp.get("/cohorts/patients.csv")
@allow("physician")
@spec(
    "A de-identified per-patient CSV of the cohort for research: random P1, P2 ... per file, "
    "days counted from the therapy day, no names, notes or dates (docs/exports.md); 422 "
    f"under {MIN_RESEARCH_PATIENTS} patients",
    query=QUERY_DOC,
    responses={200: CSV_FILE, 422: ERROR},
)
def cohort_research_csv():
    query = _query()
    with english():
        db, found, table = _cohort(query)
    if table["patients"] < MIN_RESEARCH_PATIENTS:
        raise ApiError(
            422,
            "too_few_patients",
            words.say(words.RESEARCH_TOO_FEW, n=MIN_RESEARCH_PATIENTS),
            {"kind": words.say(words.RESEARCH_COUNTS, n=table["patients"])},
        )
    _log(db, found, table, "cohort_export")
    with english():
        body = export.research_csv([m.outcome for m in found], table).encode()
    return send(Download(body, CSV, _filename(table, "patients")))
