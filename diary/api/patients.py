"""A physician's read-only view of the patients who share with them (DESIGN.md section 5).

The same shapes and paging as the patient's own lists; free-text notes are left out unless
the patient shares them. diary/access.py lets only a physician with an active share in,
and logs every read.
"""

from flask import jsonify, request
from flask_login import current_user

from diary import accounts, inputs
from diary.access import allow
from diary.api import bp
from diary.api.openapi import spec
from diary.api.resources import ENTRY_QUERY, entry_query
from diary.db import get_db
from diary.errors import ApiError
from diary.i18n.text import gettext as _
from diary.schemas import EntryList, TherapyList
from diary.sharing import dashboard, notes
from diary.sharing.schemas import PatientList
from diary.sync import queries

ERROR = {"$ref": "#/components/schemas/Error"}


PATIENT_QUERY = {
    "sort": {"type": "string", "enum": list(dashboard.SORTS), "default": "attention"},
    "q": {
        "type": "string",
        "maxLength": dashboard.QUERY_MAX_LENGTH,
        "description": "only the patients whose name holds every word of q, case and accents aside",
    },
    "limit": {
        "type": "integer",
        "minimum": 1,
        "maximum": dashboard.PAGE_SIZE,
        "default": dashboard.PAGE_SIZE,
    },
    "after": {
        "type": "string",
        "pattern": dashboard.CURSOR_PATTERN,
        "description": "the next value of the previous page, asked for with the same sort "
        "and q (422 naming after otherwise)",
    },
}


@bp.get("/patients")
@allow("physician")
@spec(
    "The patients sharing with the physician now, each with a summary (warning signs first "
    "unless another order is asked for), or those whose name matches q; paged, 50 a page",
    query=PATIENT_QUERY,
    responses={200: PatientList, 422: ERROR},
)
def list_patients():
    sort, query, limit, after = _patient_query(request.args)
    db = get_db()
    listing = dashboard.patients(
        db, current_user.id, sort=sort, query=query, per_page=limit, after=after
    )
    # Only the patients on the page were shown: only they are in an access log.
    dashboard.log_listed(db, current_user, listing.rows)
    return jsonify(
        {
            "patients": listing.rows,
            "next": listing.next,
            "sharing": listing.sharing,
            "matching": listing.matching,
        }
    )


def _patient_query(args):
    """``(sort, q, limit, after)`` of the list's query; 422 naming each bad parameter."""
    sort = args.get("sort", "attention")
    query = args.get("q", "")
    fields = {}
    if sort not in dashboard.SORTS:
        fields["sort"] = _("must be one of %(allowed)s", allowed=", ".join(dashboard.SORTS))
    if len(query) > dashboard.QUERY_MAX_LENGTH:
        fields["q"] = _(
            "must be at most %(count)s characters long", count=dashboard.QUERY_MAX_LENGTH
        )
    limit = dashboard.PAGE_SIZE
    try:
        limit = inputs.whole_number(
            args.get("limit", str(limit)), "limit", low=1, high=dashboard.PAGE_SIZE
        )
    except inputs.BadInput as bad:
        fields[bad.field] = bad.message
    after = None
    # A cursor is read against the order and filter asked for: only once those are valid.
    if "after" in args and not fields.keys() & {"sort", "q"}:
        after = dashboard.cursor_position(args["after"], sort, query)
        if after is None:
            fields["after"] = _(
                "must be the next value of a previous page, asked for with the same sort and q"
            )
    if fields:
        raise ApiError(422, "invalid", _("Some query parameters are not valid."), fields)
    return sort, query, limit, after


def _share_notes(patient_id) -> bool:
    return accounts.get_user(get_db(), patient_id).share_notes


@bp.get("/patients/<int:patient_id>/entries")
@allow("physician_of_patient", shows="entries")
@spec(
    "A sharing patient's entries, newest first, paged (notes only if the patient shares them)",
    query=ENTRY_QUERY,
    responses={200: EntryList, 422: ERROR},
)
def patient_entries(patient_id):
    query = entry_query(request.args)
    entries, next_cursor = queries.list_entries(get_db(), patient_id, **query)
    entries = notes.shared_all(entries, "entry", share_notes=_share_notes(patient_id))
    return jsonify({"entries": entries, "next": next_cursor})


@bp.get("/patients/<int:patient_id>/therapies")
@allow("physician_of_patient", shows="therapies")
@spec(
    "A sharing patient's therapies, by start day (notes only if the patient shares them)",
    responses={200: TherapyList},
)
def patient_therapies(patient_id):
    therapies = queries.list_therapies(get_db(), patient_id)
    return jsonify(
        {"therapies": notes.shared_all(therapies, "therapy", share_notes=_share_notes(patient_id))}
    )
