"""Exports and import over HTTP: the patient's own files, the copy brought back, and a
sharing physician's CSV and FHIR files of a patient (without notes). docs/exports.md.

The files come from diary/exports (the same for the patient and the physician); this module
only names the routes, checks the query and sends the bytes as attachments.
"""

from flask import Response, g, jsonify, request
from flask_login import current_user

from diary import accounts
from diary.access import allow
from diary.api import bp, json_bytes
from diary.api.openapi import Content, spec
from diary.db import get_db
from diary.errors import ApiError
from diary.exports import archive, copy_schemas, downloads
from diary.i18n.text import gettext as _
from diary.security import accepts_body_up_to

ERROR = {"$ref": "#/components/schemas/Error"}
CSV_FILE = Content(
    "text/csv",
    {
        "type": "string",
        "description": "RFC 4180 CSV in UTF-8 with a byte-order mark; the columns are listed "
        "in docs/exports.md",
    },
)
FHIR_BUNDLE = Content(
    "application/fhir+json",
    {
        "type": "object",
        "description": "A FHIR R4 Bundle of type collection: the Patient, an Observation per "
        "pain score, a Procedure or MedicationStatement per therapy, a MedicationStatement "
        "per medicine and a MedicationAdministration per dose taken when needed, a "
        "QuestionnaireResponse and an Observation of its score per questionnaire answer "
        "(docs/exports.md)",
        "required": ["resourceType", "type", "timestamp", "entry"],
        "properties": {
            "resourceType": {"const": "Bundle"},
            "type": {"const": "collection"},
            "timestamp": {"type": "string", "format": "date-time"},
            "entry": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["fullUrl", "resource"],
                    "properties": {
                        "fullUrl": {"type": "string", "pattern": "^urn:uuid:"},
                        "resource": {
                            "type": "object",
                            "required": ["resourceType", "id"],
                            "properties": {
                                "resourceType": {
                                    "enum": [
                                        "Patient",
                                        "Observation",
                                        "Procedure",
                                        "MedicationStatement",
                                        "MedicationAdministration",
                                        "QuestionnaireResponse",
                                    ]
                                }
                            },
                        },
                    },
                },
            },
        },
    },
)
TABLE = {
    "table": {
        "type": "string",
        "enum": list(downloads.TABLES),
        "default": "entries",
        "description": "entries (one row per entry), therapies, medications (one row per "
        "medicine), dose_changes (one row per dose change of a medicine), doses (one row per "
        "dose taken when needed) or responses (one row per questionnaire answer)",
    }
}


def send(download: downloads.Download) -> Response:
    """The file as an attachment that no browser or proxy keeps."""
    response = Response(download.body, content_type=download.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _table() -> str:
    table = request.args.get("table", "entries")
    if table not in downloads.TABLES:
        raise ApiError(
            422,
            "invalid",
            _("Some query parameters are not valid."),
            {"table": _("must be one of: %(allowed)s", allowed=", ".join(downloads.TABLES))},
        )
    return table


@bp.get("/export.csv")
@allow("patient")
@spec(
    "The patient's entries (or, with table=, therapies, medications, dose changes, doses or "
    "questionnaire responses) as a CSV file",
    query=TABLE,
    responses={200: CSV_FILE},
)
def export_csv():
    db = get_db()
    return send(downloads.spreadsheet_file(db, current_user.id, _table(), include_notes=True))


@bp.get("/export.fhir.json")
@allow("patient")
@spec("The patient's diary as a FHIR R4 Bundle", responses={200: FHIR_BUNDLE})
def export_fhir():
    return send(downloads.fhir_file(get_db(), current_user.id, include_notes=True))


@bp.get("/export.json")
@allow("patient")
@spec(
    "A complete copy of the patient's diary, which POST /api/v1/import takes back",
    responses={200: copy_schemas.DiaryCopy},
)
def export_copy():
    return send(downloads.copy_file(get_db(), current_user.id))


@bp.post("/import")
@allow("patient")
@accepts_body_up_to("IMPORT_MAX_BYTES")
@spec(
    "Import a complete copy: new records are added with their ids, those already here are "
    "duplicates, those held differently are conflicts (listed, never overwritten)",
    body=copy_schemas.DiaryCopy,
    responses={200: copy_schemas.ImportSummary, 409: ERROR, 413: ERROR, 422: ERROR},
)
def import_copy():
    # A body over IMPORT_MAX_BYTES is 413 naming the limit (errors.py) before this runs.
    try:
        summary = archive.apply(get_db(), current_user.id, archive.parse(json_bytes()))
    except archive.Refused as refused:
        raise ApiError(refused.status, refused.code, refused.message, refused.fields) from None
    return jsonify(summary)


# A physician with an active share: the same files, with notes only if the patient shares
# them (users.share_notes). Logged in the patient's access log by the access gate.


def _shares_notes(db, patient_id) -> bool:
    return accounts.get_user(db, patient_id).share_notes


@bp.get("/patients/<int:patient_id>/export.csv")
@allow("physician_of_patient", shows="export_csv")
@spec(
    "A sharing patient's entries (or, with table=, therapies, medications, dose changes, "
    "doses or questionnaire responses) as a CSV file; notes only if the patient shares them",
    query=TABLE,
    responses={200: CSV_FILE},
)
def patient_export_csv(patient_id):
    db = get_db()
    table = _table()
    # The patient's access log names the file taken away ("export_csv" is the entries).
    g.access_shows = "export_csv" if table == "entries" else f"export_csv_{table}"
    download = downloads.spreadsheet_file(
        db,
        patient_id,
        table,
        include_notes=_shares_notes(db, patient_id),
        prefix=f"patient-{patient_id}-",
    )
    return send(download)


@bp.get("/patients/<int:patient_id>/export.fhir.json")
@allow("physician_of_patient", shows="export_fhir")
@spec(
    "A sharing patient's diary as a FHIR R4 Bundle; notes only if the patient shares them",
    responses={200: FHIR_BUNDLE},
)
def patient_export_fhir(patient_id):
    db = get_db()
    download = downloads.fhir_file(
        db, patient_id, include_notes=_shares_notes(db, patient_id), prefix=f"patient-{patient_id}-"
    )
    return send(download)
