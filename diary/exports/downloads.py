"""Each export as a file: read from the store, built, named and typed.

Every export is a documented format (docs/exports.md), so its words are English whatever
language the patient reads the app in: a clinic's system or a script reading it gets the
same headings and values from everyone.

The patient's routes and the physician's share these, so both get the same files; only
``include_notes`` and the name differ. A file is named for the patient's today
(``diary-2026-12-06.csv``); a physician's carries the patient's number too.
"""

import json
from dataclasses import dataclass

from diary import accounts
from diary.clinical import comparison
from diary.db import server_uuid
from diary.exports import archive, fhir, spreadsheet
from diary.i18n.text import english
from diary.medications import records
from diary.sync import queries

TABLES = ("entries", "therapies", "medications", "dose_changes", "doses", "responses")
CSV = "text/csv; charset=utf-8; header=present"
FHIR_JSON = "application/fhir+json; charset=utf-8"
JSON = "application/json; charset=utf-8"


@dataclass(frozen=True)
class Download:
    """A file to send: its bytes, content type and the name it is saved under."""

    body: bytes
    content_type: str
    filename: str


def _stem(patient, prefix: str) -> str:
    return f"diary-{prefix}{comparison.patient_today(patient.time_zone).isoformat()}"


def spreadsheet_file(
    db, patient_id: int, table: str, *, include_notes: bool, prefix: str = ""
) -> Download:
    """The CSV of the patient's ``table`` (one of TABLES)."""
    with english():
        patient = accounts.get_user(db, patient_id)
        if table == "responses":
            text = spreadsheet.responses_csv(
                queries.list_responses(db, patient_id), queries.list_therapies(db, patient_id)
            )
            return Download(text.encode(), CSV, f"{_stem(patient, prefix + 'questionnaires-')}.csv")
        if table == "therapies":
            text = spreadsheet.therapies_csv(
                queries.list_therapies(db, patient_id), include_notes=include_notes
            )
            return Download(text.encode(), CSV, f"{_stem(patient, prefix + 'therapies-')}.csv")
        if table == "medications":
            text = spreadsheet.medications_csv(records.list_medications(db, patient_id))
            return Download(text.encode(), CSV, f"{_stem(patient, prefix + 'medications-')}.csv")
        if table == "dose_changes":
            text = spreadsheet.dose_changes_csv(records.list_medications(db, patient_id))
            return Download(text.encode(), CSV, f"{_stem(patient, prefix + 'dose-changes-')}.csv")
        if table == "doses":
            text = spreadsheet.doses_csv(
                records.list_doses(db, patient_id)[::-1],
                records.list_medications(db, patient_id),
            )
            return Download(text.encode(), CSV, f"{_stem(patient, prefix + 'doses-')}.csv")
        text = spreadsheet.entries_csv(
            queries.all_entries(db, patient_id), include_notes=include_notes
        )
        return Download(text.encode(), CSV, f"{_stem(patient, prefix)}.csv")


def fhir_file(db, patient_id: int, *, include_notes: bool, prefix: str = "") -> Download:
    """The FHIR R4 Bundle of the patient's diary."""
    with english():
        patient = accounts.get_user(db, patient_id)
        bundle = fhir.bundle(
            {"id": patient.id, "name": patient.name},
            queries.all_entries(db, patient_id),
            queries.list_therapies(db, patient_id),
            server_uuid=server_uuid(db),
            exported_at=accounts.now_iso(),
            today=comparison.patient_today(patient.time_zone).isoformat(),
            include_notes=include_notes,
            medications=records.list_medications(db, patient_id),
            doses=records.list_doses(db, patient_id)[::-1],
            responses=queries.list_responses(db, patient_id),
        )
        body = json.dumps(bundle, ensure_ascii=False, separators=(",", ":")).encode()
        return Download(body, FHIR_JSON, f"{_stem(patient, prefix)}.fhir.json")


def copy_file(db, patient_id: int) -> Download:
    """The complete copy of the patient's own diary (never a physician's to take)."""
    with english():
        patient = accounts.get_user(db, patient_id)
        copy = archive.build(
            {"name": patient.name, "time_zone": patient.time_zone},
            {
                "entries": queries.all_entries(db, patient_id),
                "therapies": queries.list_therapies(db, patient_id),
                "medications": records.list_medications(db, patient_id),
                # Oldest first, as entries are.
                "doses": records.list_doses(db, patient_id)[::-1],
                "responses": queries.list_responses(db, patient_id),
            },
            accounts.now_iso(),
        )
        return Download(archive.dumps(copy).encode(), JSON, f"{_stem(patient, 'copy-')}.json")
