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
from diary.i18n.text import gettext as _
from diary.i18n.text import lazy_gettext as _l
from diary.security import accepts_body_up_to

bp = Blueprint("exports", __name__, url_prefix="/account/data")

#: How the import summary names a field that differs, in the patient's words.
FIELD_WORDS = {
    "day": _l("day"),
    "leg_pain": _l("leg pain"),
    "back_pain": _l("back pain"),
    "worst_leg_pain": _l("worst leg pain"),
    "regions": _l("body map"),
    "activities": _l("activity limits"),
    "sitting_tolerance_min": _l("sitting time"),
    "walking_tolerance_min": _l("walking time"),
    "red_flags": _l("warning signs"),
    "note": _l("note"),
    "kind": _l("kind of therapy"),
    "label": _l("name"),
    "start_day": _l("start day"),
    "end_day": _l("end day"),
    "notes": _l("notes"),
    "name": _l("name"),
    "strength": _l("strength"),
    "unit": _l("unit"),
    "schedule": _l("how it is taken"),
    "changes": _l("dose changes"),
    "medication_id": _l("medicine"),
    "taken_at": _l("time taken"),
    "time_zone": _l("Time zone"),
    "questionnaire": _l("questionnaire"),
    "answers": _l("answers"),
    "therapy_id": _l("the therapy it is about"),
    "deleted": _l("deleted in your diary"),
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
        kinds=clinical.said(clinical.THERAPY_KINDS),
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
        return _page(error=_("Choose the copy of your diary to import first."), status=422)
    try:
        summary = archive.apply(get_db(), current_user.id, archive.parse(upload.read()))
    except archive.Refused as refused:
        return _page(error=refused.message, status=refused.status)
    return _page(result=summary)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error):
    # Raised while the form is read (before the view runs): say it on the page itself.
    limit = size_words(current_app.config["IMPORT_MAX_BYTES"])
    message = _(
        "This file is larger than %(limit)s, so it cannot be a copy of a diary. "
        "Nothing was imported.",
        limit=limit,
    )
    return _page(error=message, status=413)
