"""Your data: download the diary (CSV, FHIR, a full copy) and import a copy back.

Downloads are plain links to the API's export routes (GET, the same files). The import is
a plain file form that works without JavaScript; static/js/import-copy.js adds a progress
bar and shows the same answer page in place.
"""

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from diary import clinical
from diary.access import allow
from diary.db import get_db
from diary.errors import size_words
from diary.exports import archive
from diary.security import accepts_body_up_to

bp = Blueprint("exports", __name__, url_prefix="/account/data")

#: How the import summary names a field that differs, in the patient's words.
FIELD_WORDS = {
    "day": "day",
    "leg_pain": "leg pain",
    "back_pain": "back pain",
    "worst_leg_pain": "worst leg pain",
    "regions": "body map",
    "activities": "activity limits",
    "sitting_tolerance_min": "sitting time",
    "walking_tolerance_min": "walking time",
    "red_flags": "warning signs",
    "note": "note",
    "kind": "kind of therapy",
    "label": "name",
    "start_day": "start day",
    "end_day": "end day",
    "notes": "notes",
    "name": "name",
    "strength": "strength",
    "unit": "unit",
    "schedule": "how it is taken",
    "changes": "dose changes",
    "medication_id": "medicine",
    "taken_at": "time taken",
    "questionnaire": "questionnaire",
    "answers": "answers",
    "therapy_id": "the therapy it is about",
    "deleted": "deleted in your diary",
}
#: Conflicts listed on the page; the API answer lists them all.
CONFLICTS_SHOWN = 100


def _page(*, result=None, error=None, status=200):
    return render_template(
        "exports/data.html",
        result=result,
        error=error,
        max_bytes=current_app.config["IMPORT_MAX_BYTES"],
        max_size=size_words(current_app.config["IMPORT_MAX_BYTES"]),
        field_words=FIELD_WORDS,
        kinds=clinical.THERAPY_KINDS,
        conflicts_shown=CONFLICTS_SHOWN,
    ), status


@bp.get("/")
@allow("patient")
def index():
    return _page()


@bp.post("/import")
@allow("patient")
@accepts_body_up_to("IMPORT_MAX_BYTES")
def import_copy():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(error="Choose the copy of your diary to import first.", status=422)
    try:
        summary = archive.apply(get_db(), current_user.id, archive.parse(upload.read()))
    except archive.Refused as refused:
        return _page(error=refused.message, status=refused.status)
    return _page(result=summary)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error):
    # Raised while the form is read (before the view runs): say it on the page itself.
    limit = size_words(current_app.config["IMPORT_MAX_BYTES"])
    message = f"This file is larger than {limit}, so it cannot be a copy of a diary."
    return _page(error=message + " Nothing was imported.", status=413)
