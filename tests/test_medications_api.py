"""Medicines and as-needed doses over the JSON API and through sync (DESIGN.md sections 4-5):
the same write path and conflict rules as entries, each change applied exactly once, and a
dose that is never refused or lost for its medicine (docs/sync-protocol.md)."""

import csv
import io
import json
import uuid
from datetime import timedelta

import pytest

from diary.exports import archive
from tests.clock import TODAY
from tests.conftest import change, statuses, sync

PREGABALIN = {
    "name": "Pregabalin",
    "strength": "75",
    "unit": "mg",
    "schedule": "regular",
    "start_day": "2026-01-05",
    "changes": [{"day": "2026-02-01", "dose": "150 mg twice a day"}],
}
IBUPROFEN = {
    "name": "Ibuprofen",
    "strength": "400",
    "unit": "mg",
    "schedule": "as_needed",
    "start_day": "2026-01-01",
}


def test_a_medicine_is_created_read_listed_edited_and_deleted(patient):
    created = patient.post("/api/v1/medications", PREGABALIN)
    assert created.status_code == 201
    med = created.get_json()
    assert med["version"] == 1 and med["end_day"] is None
    assert med["changes"] == [{"day": "2026-02-01", "dose": "150 mg twice a day"}]
    assert patient.get(f"/api/v1/medications/{med['id']}").get_json() == med
    listed = patient.get("/api/v1/medications").get_json()["medications"]
    assert [m["id"] for m in listed] == [med["id"]]

    changes = [
        {"day": "2026-03-01", "dose": "300 mg twice a day"},
        {"day": "2026-02-01", "dose": "150 mg twice a day"},
    ]
    edited = patient.put(
        f"/api/v1/medications/{med['id']}",
        {**PREGABALIN, "changes": changes, "end_day": "2026-04-30", "base_version": 1},
    ).get_json()
    assert edited["version"] == 2 and edited["end_day"] == "2026-04-30"
    # Kept in day order, whatever order the client sent.
    assert [c["day"] for c in edited["changes"]] == ["2026-02-01", "2026-03-01"]

    assert patient.delete(f"/api/v1/medications/{med['id']}?base_version=2").status_code == 204
    assert patient.get(f"/api/v1/medications/{med['id']}").status_code == 404
    assert patient.get("/api/v1/medications").get_json()["medications"] == []


def test_a_stale_edit_is_a_conflict_with_the_server_copy(patient):
    med = patient.post("/api/v1/medications", PREGABALIN).get_json()
    patient.put(
        f"/api/v1/medications/{med['id']}", {**PREGABALIN, "name": "Lyrica", "base_version": 1}
    )
    stale = patient.put(
        f"/api/v1/medications/{med['id']}", {**PREGABALIN, "unit": "mcg", "base_version": 1}
    )
    assert stale.status_code == 409
    assert stale.get_json()["server"]["name"] == "Lyrica"


def test_rules_between_fields_are_422_naming_the_field(patient):
    cases = [
        ({"end_day": "2026-01-01"}, "end_day"),
        ({"changes": [{"day": "2026-01-01", "dose": "1"}]}, "changes"),
        ({"end_day": "2026-01-31", "changes": [{"day": "2026-02-01", "dose": "x"}]}, "changes"),
        (
            {"changes": [{"day": "2026-02-01", "dose": "a"}, {"day": "2026-02-01", "dose": "b"}]},
            "changes",
        ),
        ({"schedule": "sometimes"}, "schedule"),
        ({"name": "   "}, "name"),
        ({"changes": [{"day": "2026-02-01", "dose": ""}]}, "changes.0.dose"),
    ]
    for change_, field in cases:
        response = patient.post("/api/v1/medications", {**PREGABALIN, **change_})
        assert response.status_code == 422, change_
        assert field in response.get_json()["error"]["fields"], (change_, response.get_json())
    assert patient.get("/api/v1/medications").get_json()["medications"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "Ibu\x07profen"}, "name"),
        ({"name": "\x1b[31mIbuprofen"}, "name"),
        ({"unit": "m\u009bg"}, "unit"),
        ({"strength": "4\n00"}, "strength"),
    ],
)
def test_control_characters_in_a_medicines_words_are_named(patient, change, field):
    response = patient.post("/api/v1/medications", {**IBUPROFEN, **change})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {field}
    assert patient.get("/api/v1/medications").get_json()["medications"] == []


def test_doses_are_listed_by_the_patients_days(patient):
    patient.put("/api/v1/users/me", {"time_zone": "America/New_York"})
    med = patient.post("/api/v1/medications", IBUPROFEN).get_json()
    times = ["2026-03-02T04:30:00Z", "2026-03-02T05:30:00Z", "2026-03-03T04:59:59.999Z"]
    made = [
        patient.post("/api/v1/doses", {"medication_id": med["id"], "taken_at": t}).get_json()
        for t in times
    ]
    # 04:30 UTC on 2 March is 23:30 on 1 March in New York.
    on_the_2nd = patient.get("/api/v1/doses?from=2026-03-02&to=2026-03-02").get_json()["doses"]
    assert [d["id"] for d in on_the_2nd] == [made[2]["id"], made[1]["id"]]
    assert len(patient.get("/api/v1/doses").get_json()["doses"]) == 3
    assert patient.get("/api/v1/doses?from=2026-02-30").status_code == 422


def test_a_reversed_range_of_doses_is_422_naming_to(patient):
    response = patient.get("/api/v1/doses?from=2026-03-03&to=2026-03-02")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and set(error["fields"]) == {"to"}


def test_a_dose_time_is_stored_in_utc_and_never_in_the_future(patient):
    med = patient.post("/api/v1/medications", IBUPROFEN).get_json()
    dose = patient.post(
        "/api/v1/doses", {"medication_id": med["id"], "taken_at": "2026-03-02T09:15:00+02:00"}
    ).get_json()
    assert dose["taken_at"] == "2026-03-02T07:15:00.000Z"
    future = patient.post(
        "/api/v1/doses", {"medication_id": med["id"], "taken_at": "2098-01-01T00:00:00Z"}
    )
    assert future.status_code == 422
    assert "future" in future.get_json()["error"]["fields"]["taken_at"]
    moved = patient.put(
        f"/api/v1/doses/{dose['id']}",
        {"medication_id": med["id"], "taken_at": "2026-03-02T06:00:00Z", "base_version": 1},
    ).get_json()
    assert moved["version"] == 2 and moved["taken_at"] == "2026-03-02T06:00:00.000Z"


def test_no_dose_is_kept_that_has_not_happened_whatever_its_offset(patient):
    # The tests' clock is at noon UTC of TODAY (tests/clock.py).
    med = patient.post("/api/v1/medications", IBUPROFEN).get_json()
    today, tomorrow = TODAY.isoformat(), (TODAY + timedelta(days=1)).isoformat()

    def dose(taken_at):
        return patient.post("/api/v1/doses", {"medication_id": med["id"], "taken_at": taken_at})

    # Two in the morning ten hours behind UTC is noon in UTC: kept so.
    kept = dose(f"{today}T02:00:00-10:00")
    assert kept.status_code == 201
    assert kept.get_json()["taken_at"] == f"{today}T12:00:00.000Z"
    # A phone whose clock is a little fast is not refused (up to an hour ahead).
    assert dose(f"{today}T12:50:00Z").get_json()["taken_at"] == f"{today}T12:50:00.000Z"
    # Tonight, on the same clock, has not happened yet; nor has tomorrow behind UTC (the day
    # after tomorrow in UTC, which the document's pattern refuses by its text): both refused,
    # naming the field.
    for later in (f"{today}T13:30:00Z", f"{today}T23:30:00-10:00", f"{tomorrow}T20:00:00-10:00"):
        refused = dose(later)
        assert refused.status_code == 422, later
        assert "future" in refused.get_json()["error"]["fields"]["taken_at"]
    # So the complete copy keeps to its own document, and the import takes it back (the
    # two doses are the diary's already: duplicates, nothing changed).
    copy = patient.get("/api/v1/export.json").get_data()
    restored = patient.post(
        "/api/v1/import", data=copy, headers={"Content-Type": "application/json"}
    )
    assert restored.status_code == 200, restored.get_json()
    assert restored.get_json()["doses"] == {"applied": 0, "duplicate": 2, "conflict": 0}


def test_a_dose_for_a_medicine_not_synced_yet_or_deleted_is_kept(patient):
    """The documented rule: a dose is never refused for its medicine, and nothing breaks."""
    unknown = str(uuid.uuid4())
    dose = {"medication_id": unknown, "taken_at": "2026-03-02T08:00:00Z"}
    answer = sync(patient, [change(uuid.uuid4(), dose, kind="dose")])
    assert statuses(answer) == [("applied", 1)]
    # The medicine arrives later, from another device: the dose is its dose.
    med = {**IBUPROFEN}
    assert statuses(sync(patient, [change(unknown, med, kind="medication")])) == [("applied", 1)]
    # Deleted on another device, while this phone records one more dose of it.
    assert patient.delete(f"/api/v1/medications/{unknown}").status_code == 204
    late = sync(
        patient, [change(uuid.uuid4(), {**dose, "taken_at": "2026-03-03T08:00:00Z"}, kind="dose")]
    )
    assert statuses(late) == [("applied", 1)]
    assert len(patient.get("/api/v1/doses").get_json()["doses"]) == 2


def test_medicines_and_doses_sync_exactly_once_and_reach_another_device(patient, make_api):
    med_id, dose_id = str(uuid.uuid4()), str(uuid.uuid4())
    batch = [
        change(med_id, IBUPROFEN, kind="medication"),
        change(dose_id, {"medication_id": med_id, "taken_at": "2026-03-02T08:00:00Z"}, kind="dose"),
    ]
    first = sync(patient, batch)
    assert statuses(first) == [("applied", 1), ("applied", 1)]
    # The answer was lost: the phone sends the same batch again.
    again = sync(patient, batch)
    assert statuses(again) == [("duplicate", 1), ("duplicate", 1)]
    kinds = {c["kind"]: c for c in again["changes"]}
    assert kinds["medication"]["data"]["name"] == "Ibuprofen"
    assert kinds["dose"]["data"] == {
        "medication_id": med_id,
        "taken_at": "2026-03-02T08:00:00.000Z",
        "time_zone": "UTC",
    }
    # An edit and a conflicting edit from a device that did not see it.
    moved = change(
        dose_id, {"medication_id": med_id, "taken_at": "2026-03-02T07:00:00Z"}, base=1, kind="dose"
    )
    assert statuses(sync(patient, [moved])) == [("applied", 2)]
    other = {"medication_id": med_id, "taken_at": "2026-03-02T06:00:00Z"}
    conflict = sync(patient, [change(dose_id, other, base=1, kind="dose")])
    assert conflict["results"][0]["status"] == "conflict"
    assert conflict["results"][0]["server"]["taken_at"] == "2026-03-02T07:00:00.000Z"


def test_a_medicines_id_cannot_be_reused_by_another_kind_or_patient(patient, make_api):
    med = patient.post("/api/v1/medications", IBUPROFEN).get_json()
    as_entry = sync(patient, [change(med["id"], {"day": "2026-03-01", "leg_pain": 3})])
    assert as_entry["results"][0]["error"]["code"] == "id_taken"
    other = make_api()
    other.register(email="other@example.org")
    assert other.get(f"/api/v1/medications/{med['id']}").status_code == 404
    taken = other.post("/api/v1/medications", {**IBUPROFEN, "id": med["id"]})
    assert taken.status_code == 409
    assert other.get("/api/v1/medications").get_json()["medications"] == []


def test_invalid_medicine_changes_are_rejected_alone(patient):
    bad = change(uuid.uuid4(), {**IBUPROFEN, "schedule": "daily"}, kind="medication")
    good = change(uuid.uuid4(), IBUPROFEN, kind="medication")
    answer = sync(patient, [bad, good])
    assert [r["status"] for r in answer["results"]] == ["rejected", "applied"]
    assert "data.schedule" in answer["results"][0]["error"]["fields"]


def test_deleting_the_account_deletes_medicines_doses_and_their_revisions(patient, app):
    med = patient.post("/api/v1/medications", IBUPROFEN).get_json()
    patient.post("/api/v1/doses", {"medication_id": med["id"], "taken_at": "2026-03-02T08:00:00Z"})
    assert patient.delete_account().status_code == 204
    db = app.extensions["diary.db"].get()
    for table in ("medications", "doses", "revisions"):
        assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0  # noqa: S608


def test_medicines_and_doses_are_in_every_export(patient):
    med = patient.post("/api/v1/medications", IBUPROFEN).get_json()
    dose = {"medication_id": med["id"], "taken_at": "2026-03-02T08:00:00Z"}
    patient.post("/api/v1/doses", dose)
    medicines = patient.get("/api/v1/export.csv?table=medications")
    assert "Ibuprofen" in medicines.get_data(as_text=True)
    assert "medications-" in medicines.headers["Content-Disposition"]
    doses = patient.get("/api/v1/export.csv?table=doses").get_data(as_text=True)
    assert "2026-03-02,08:00,UTC,Ibuprofen 400 mg" in doses
    bundle = patient.get("/api/v1/export.fhir.json").get_json()
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("MedicationAdministration") == 1
    copy = patient.get("/api/v1/export.json").get_json()
    assert copy["version"] == archive.VERSION
    assert [m["id"] for m in copy["medications"]] == [med["id"]]
    assert len(copy["doses"]) == 1
    refused = patient.get("/api/v1/export.csv?table=pills")
    assert "medications" in refused.get_json()["error"]["fields"]["table"]


def test_dose_changes_leave_the_spreadsheets_unambiguous(shared):
    patient, doctor = shared
    changes = [
        {"day": "2026-02-01", "dose": "150 mg; twice a day"},
        {"day": "2026-03-01", "dose": '=HYPERLINK("x"); 300 mg'},
    ]
    med = patient.post("/api/v1/medications", {**PREGABALIN, "changes": changes}).get_json()

    def table(api, path):
        response = api.get(path)
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert text.startswith("\ufeff")
        return response, list(csv.DictReader(io.StringIO(text[1:], newline="")))

    _, medicines = table(patient, "/api/v1/export.csv?table=medications")
    assert json.loads(medicines[0]["dose_changes"]) == changes  # exactly, whatever the words
    response, rows = table(patient, "/api/v1/export.csv?table=dose_changes")
    assert "dose-changes-" in response.headers["Content-Disposition"]
    assert [(r["day"], r["medication"], r["dose"], r["medication_id"]) for r in rows] == [
        ("2026-02-01", "Pregabalin 75 mg", "150 mg; twice a day", med["id"]),
        ("2026-03-01", "Pregabalin 75 mg", '\'=HYPERLINK("x"); 300 mg', med["id"]),
    ]
    path = f"/api/v1/patients/{patient.user['id']}/export.csv?table=dose_changes"
    response, same = table(doctor, path)
    assert same == rows and "patient-" in response.headers["Content-Disposition"]
