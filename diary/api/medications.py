"""Medicines and as-needed doses as REST resources (DESIGN.md section 5).

Both are synced kinds (``medication``, ``dose``): their create, read, update and delete
routes are the same set as entries' and therapies' (api/resources.py), through the same
write path and rules; this module adds their lists.
"""

from flask import jsonify, request
from flask_login import current_user

from diary import days
from diary.access import allow
from diary.api import bp, resources
from diary.api.openapi import spec
from diary.db import get_db
from diary.errors import ApiError
from diary.i18n.text import gettext as _
from diary.medications import records
from diary.medications.schemas import (
    DoseCreate,
    DoseList,
    DoseOut,
    DoseUpdate,
    MedicationCreate,
    MedicationList,
    MedicationOut,
    MedicationUpdate,
)

resources.register(
    "medication",
    {
        "plural": "medications",
        "create": MedicationCreate,
        "update": MedicationUpdate,
        "out": MedicationOut,
        "list": MedicationList,
    },
)
resources.register(
    "dose",
    {
        "plural": "doses",
        "create": DoseCreate,
        "update": DoseUpdate,
        "out": DoseOut,
        "list": DoseList,
    },
)


@bp.get("/medications")
@allow("patient")
@spec("The patient's medicines, by start day", responses={200: MedicationList})
def list_medications():
    return jsonify({"medications": records.list_medications(get_db(), current_user.id)})


DOSE_QUERY = {
    "from": {
        **resources.DAY_PARAMETER,
        "description": "the first day (inclusive), each dose's day read in the time zone "
        "it was taken in",
    },
    "to": {
        **resources.DAY_PARAMETER,
        "description": "the last day (inclusive), each dose's day read in the time zone it "
        "was taken in; not before from (422 naming to)",
    },
}


@bp.get("/doses")
@allow("patient")
@spec(
    "The patient's as-needed doses, newest first; from and to are calendar days, both "
    "inclusive, each dose's day read in the time zone it was taken in (so a dose stays on "
    "its day when the account's time zone changes)",
    query=DOSE_QUERY,
    responses={200: DoseList},
)
def list_doses():
    first, last, fields = days.query_span(request.args)
    if fields:
        raise ApiError(422, "invalid", _("Some query parameters are not valid."), fields)
    found = records.list_doses(get_db(), current_user.id, first=first, last=last)
    return jsonify({"doses": found})
