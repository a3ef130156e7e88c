"""Each as-needed dose keeps the time zone it was taken in (docs/medications.md): when the
patient changes their account's time zone (moving, travelling), no dose moves to another
day or clock, in the lists, the dose form, the comparison, the exports or a copy."""

import re
import sqlite3
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from diary import create_app
from diary.sync import merge
from tests.clock import TODAY
from tests.conftest import TEST_CONFIG, Api, change, statuses, sync, text_of

IBUPROFEN = {
    "name": "Ibuprofen",
    "strength": "400",
    "unit": "mg",
    "schedule": "as_needed",
    "start_day": "2025-01-01",
}
YESTERDAY = TODAY - timedelta(days=1)


def taken(day: date, clock: str, zone="Europe/Madrid") -> str:
    """The UTC moment of ``clock`` on ``day`` in ``zone``, as a phone sends it."""
    hours, minutes = map(int, clock.split(":"))
    local = datetime.combine(day, time(hours, minutes), tzinfo=ZoneInfo(zone))
    return local.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def move(api, zone):
    answer = api.put("/api/v1/users/me", {"time_zone": zone})
    assert answer.status_code == 200, answer.get_json()


def created(api, path, body):
    answer = api.post(path, body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def doses_on(api, day: date) -> list[str]:
    found = api.get(f"/api/v1/doses?from={day}&to={day}").get_json()["doses"]
    return [d["id"] for d in found]


def per_window(api, path) -> dict:
    windows = api.get(path).get_json()["windows"]
    return {w["name"]: [u["doses"] for u in w["as_needed"]] for w in windows}


def test_a_dose_stays_on_its_day_and_clock_when_the_account_moves(shared):
    patient, doctor = shared
    move(patient, "Europe/Madrid")
    medicine = created(patient, "/api/v1/medications", IBUPROFEN)
    late = created(
        patient,
        "/api/v1/doses",
        {"medication_id": medicine["id"], "taken_at": taken(YESTERDAY, "23:30")},
    )
    # Just after midnight in Madrid: the evening before in New York.
    early = created(
        patient,
        "/api/v1/doses",
        {"medication_id": medicine["id"], "taken_at": taken(TODAY, "00:30")},
    )
    assert late["time_zone"] == early["time_zone"] == "Europe/Madrid"
    # A therapy whose windows begin on days that hold a dose at 00:30 Madrid time.
    therapy = created(
        patient,
        "/api/v1/therapies",
        {"kind": "epidural_steroid", "start_day": (TODAY - timedelta(days=40)).isoformat()},
    )
    mine = f"/api/v1/therapies/{therapy['id']}/comparison"
    for window in patient.get(mine).get_json()["windows"]:
        if window["from"] and date.fromisoformat(window["from"]) < TODAY:
            first = date.fromisoformat(window["from"])
            dose = {"medication_id": medicine["id"], "taken_at": taken(first, "00:30")}
            created(patient, "/api/v1/doses", dose)
    theirs = f"/api/v1/patients/{patient.user['id']}/therapies/{therapy['id']}/comparison"
    before = per_window(patient, mine)
    assert sum(sum(counts) for counts in before.values()) >= 3

    move(patient, "America/New_York")

    assert late["id"] in doses_on(patient, YESTERDAY)
    assert early["id"] in doses_on(patient, TODAY)
    assert early["id"] not in doses_on(patient, YESTERDAY)
    today = patient.client.get("/today").get_data(as_text=True)
    assert re.search(rf'data-dose-id="{early["id"]}"[^>]*>00:30<', today)
    assert f'data-dose-id="{late["id"]}"' not in today
    form = patient.client.get(f"/medications/doses/{late['id']}/edit")
    html = form.get_data(as_text=True)
    assert re.search(r'<input id="f-day"[^>]*value="([^"]+)"', html).group(1) == str(YESTERDAY)
    assert re.search(r'<input id="f-time"[^>]*value="([^"]+)"', html).group(1) == "23:30"
    assert "Taken at 23:30 (Madrid time)" in text_of(form)
    assert "Your account is now set to America/New_York" in text_of(form)
    assert per_window(patient, mine) == before
    assert per_window(doctor, theirs) == before


def test_the_dose_form_speaks_spanish_about_the_zone(patient):
    move(patient, "Europe/Madrid")
    medicine = created(patient, "/api/v1/medications", IBUPROFEN)
    dose = {"medication_id": medicine["id"], "taken_at": taken(YESTERDAY, "23:30")}
    dose = created(patient, "/api/v1/doses", dose)
    move(patient, "America/New_York")
    assert patient.put("/api/v1/users/me", {"locale": "es"}).status_code == 200
    form = patient.client.get(f"/medications/doses/{dose['id']}/edit")
    assert "23:30 (hora de Madrid)" in text_of(form)


def test_a_dose_synced_offline_keeps_the_zone_it_names(patient):
    # Taken in Madrid on a phone offline; the account moved to New York before it synced.
    move(patient, "America/New_York")
    dose_id = str(uuid.uuid4())
    data = {
        "medication_id": str(uuid.uuid4()),
        "taken_at": taken(YESTERDAY, "23:30"),
        "time_zone": "Europe/Madrid",
    }
    batch = [change(dose_id, data, kind="dose")]
    assert statuses(sync(patient, batch)) == [("applied", 1)]
    assert statuses(sync(patient, batch)) == [("duplicate", 1)]  # sent again: the same dose
    stored = patient.get(f"/api/v1/doses/{dose_id}").get_json()
    assert stored["time_zone"] == "Europe/Madrid"
    assert doses_on(patient, YESTERDAY) == [dose_id]


def test_a_dose_naming_no_zone_gets_the_accounts_and_keeps_it(patient):
    move(patient, "Europe/Madrid")
    medicine = created(patient, "/api/v1/medications", IBUPROFEN)
    dose_id = str(uuid.uuid4())
    data = {"medication_id": medicine["id"], "taken_at": taken(YESTERDAY, "23:30")}
    create = [change(dose_id, data, kind="dose")]
    assert statuses(sync(patient, create)) == [("applied", 1)]
    assert patient.get(f"/api/v1/doses/{dose_id}").get_json()["time_zone"] == "Europe/Madrid"

    move(patient, "America/New_York")
    # The create sent again after the move (its answer lost) is still the same dose.
    assert statuses(sync(patient, create)) == [("duplicate", 1)]
    # An edit naming no zone moves the time on the clock the dose was taken on.
    edit = {**data, "taken_at": taken(YESTERDAY, "22:00"), "base_version": 1}
    edited = patient.put(f"/api/v1/doses/{dose_id}", edit).get_json()
    assert (edited["version"], edited["time_zone"]) == (2, "Europe/Madrid")
    # The same edit again is a duplicate, whatever its base.
    assert patient.put(f"/api/v1/doses/{dose_id}", edit).get_json()["version"] == 2
    # The dose form saves a new time on the same clock, keeping the zone.
    form = f"/medications/doses/{dose_id}/edit"
    page = patient.client.get(form).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    saved = patient.client.post(
        form,
        data={"csrf_token": token, "base_version": "2", "day": str(YESTERDAY), "time": "21:15"},
    )
    assert saved.status_code == 302
    stored = patient.get(f"/api/v1/doses/{dose_id}").get_json()
    assert (stored["taken_at"], stored["time_zone"]) == (
        taken(YESTERDAY, "21:15"),
        "Europe/Madrid",
    )
    # Naming a zone changes it: the same moment, now on New York's clock.
    moved = {**data, "taken_at": stored["taken_at"], "time_zone": "America/New_York"}
    answer = patient.put(f"/api/v1/doses/{dose_id}", {**moved, "base_version": 3}).get_json()
    assert answer["time_zone"] == "America/New_York"


def test_a_bad_zone_is_422_naming_it_and_rejected_alone_in_a_batch(patient):
    medicine = created(patient, "/api/v1/medications", IBUPROFEN)
    bad = {
        "medication_id": medicine["id"],
        "taken_at": taken(YESTERDAY, "08:00"),
        "time_zone": "Mars/Olympus_Mons",
    }
    refused = patient.post("/api/v1/doses", bad)
    assert refused.status_code == 422
    assert "time_zone" in refused.get_json()["error"]["fields"]
    good = {**bad, "time_zone": "Europe/Madrid"}
    answer = sync(
        patient,
        [change(uuid.uuid4(), bad, kind="dose"), change(uuid.uuid4(), good, kind="dose")],
    )
    assert [r["status"] for r in answer["results"]] == ["rejected", "applied"]
    assert "data.time_zone" in answer["results"][0]["error"]["fields"]
    assert len(patient.get("/api/v1/doses").get_json()["doses"]) == 1


def test_a_copy_keeps_each_doses_zone_and_an_older_copy_takes_the_accounts(patient, make_api):
    move(patient, "Europe/Madrid")
    medicine = created(patient, "/api/v1/medications", IBUPROFEN)
    madrid = created(
        patient,
        "/api/v1/doses",
        {"medication_id": medicine["id"], "taken_at": taken(YESTERDAY, "23:30")},
    )
    tokyo = {
        "medication_id": medicine["id"],
        "taken_at": taken(YESTERDAY, "07:00", "Asia/Tokyo"),
        "time_zone": "Asia/Tokyo",
    }
    tokyo = created(patient, "/api/v1/doses", tokyo)
    copy = patient.get("/api/v1/export.json").get_json()
    assert {d["id"]: d["time_zone"] for d in copy["doses"]} == {
        madrid["id"]: "Europe/Madrid",
        tokyo["id"]: "Asia/Tokyo",
    }
    # The CSV and FHIR exports read each dose on its own zone's clock.
    csv = patient.get("/api/v1/export.csv?table=doses").get_data(as_text=True)
    assert f"{YESTERDAY},23:30,Europe/Madrid,Ibuprofen 400 mg" in csv
    assert f"{YESTERDAY},07:00,Asia/Tokyo,Ibuprofen 400 mg" in csv
    fhir = patient.get("/api/v1/export.fhir.json").get_json()
    moments = {
        e["resource"]["effectiveDateTime"]
        for e in fhir["entry"]
        if e["resource"]["resourceType"] == "MedicationAdministration"
    }
    assert f"{YESTERDAY}T07:00:00+09:00" in moments
    assert any(m.startswith(f"{YESTERDAY}T23:30:00+0") for m in moments)

    # The patient deletes their account here and brings their copy to a new one, in New
    # York now.
    assert patient.delete_account().status_code == 204
    other = make_api()
    other.register(email="new@example.org", time_zone="America/New_York")
    imported = other.post("/api/v1/import", copy)
    assert imported.status_code == 200, imported.get_json()
    assert imported.get_json()["doses"]["applied"] == 2
    kept = {d["id"]: d["time_zone"] for d in other.get("/api/v1/doses").get_json()["doses"]}
    assert kept == {madrid["id"]: "Europe/Madrid", tokyo["id"]: "Asia/Tokyo"}
    # Imported again: nothing differs.
    again = other.post("/api/v1/import", copy).get_json()
    assert (again["doses"]["duplicate"], again["conflicts"]) == (2, [])

    # A copy made before doses kept their zone names none: the account's zone is given,
    # and importing it again over the diary finds nothing different.
    older = {
        **copy,
        "medications": [],
        "doses": [
            {k: v for k, v in d.items() if k != "time_zone"} | {"id": str(uuid.uuid4())}
            for d in copy["doses"][:1]
        ],
    }
    third = make_api()
    third.register(email="third@example.org", time_zone="America/New_York")
    assert third.post("/api/v1/import", older).status_code == 200
    [dose] = third.get("/api/v1/doses").get_json()["doses"]
    assert dose["time_zone"] == "America/New_York"
    move(third, "Asia/Tokyo")
    again = third.post("/api/v1/import", older).get_json()
    assert (again["doses"]["duplicate"], again["conflicts"]) == (1, [])


@pytest.fixture
def upgraded(app, patient, make_api):
    """Doses saved before doses kept their zone (one live, one deleted), their fingerprints
    as that version made them, then the app started on the file, which upgrades it (m020,
    and the earlier repairs of deleted records, which must cope with doses without a zone)."""
    move(patient, "Europe/Madrid")
    medicine = created(patient, "/api/v1/medications", IBUPROFEN)
    live = {"medication_id": medicine["id"], "taken_at": taken(YESTERDAY, "23:30")}
    live_id = created(patient, "/api/v1/doses", live)["id"]
    gone = {"medication_id": medicine["id"], "taken_at": taken(YESTERDAY, "08:00")}
    gone_id = created(patient, "/api/v1/doses", gone)["id"]
    assert patient.delete(f"/api/v1/doses/{gone_id}", json={"base_version": 1}).status_code == 204
    path = app.config["DATABASE"]
    app.extensions["diary.db"].close_all()
    with sqlite3.connect(path) as old:
        old.execute("ALTER TABLE doses DROP COLUMN time_zone")
        for dose_id, version, content, deleted in (
            (live_id, 1, live, False),
            (gone_id, 2, gone, True),
        ):
            fingerprint = merge.content_hash(
                {"medication_id": content["medication_id"], "taken_at": content["taken_at"]},
                deleted,
            )
            old.execute(
                "UPDATE revisions SET hash = ? WHERE id = ? AND version = ?",
                [fingerprint, dose_id, version],
            )
        # The repairs of deleted records before it (m012, m019) read and write doses that
        # have no zone column yet: they run again on this file too.
        old.execute(
            "DELETE FROM _sqlite_migrations WHERE name IN (?, ?, ?)",
            [
                "m012_deleted_content_cleared",
                "m019_deleted_records_forgotten",
                "m020_dose_time_zone",
            ],
        )
    new = create_app({**TEST_CONFIG, "DATABASE": path})
    upgraded = Api(new.test_client())
    assert upgraded.signin().status_code == 200
    yield upgraded, live_id, live, gone_id
    new.extensions["diary.db"].close_all()


def test_the_upgrade_gives_earlier_doses_their_patients_zone(upgraded):
    patient, live_id, live, gone_id = upgraded
    stored = patient.get(f"/api/v1/doses/{live_id}").get_json()
    assert (stored["time_zone"], stored["version"]) == ("Europe/Madrid", 1)
    move(patient, "America/New_York")
    assert doses_on(patient, YESTERDAY) == [live_id]
    # A phone sending its create or its delete again (answers lost before the upgrade)
    # still hears duplicate.
    again = [
        change(live_id, live, kind="dose"),
        change(gone_id, None, base=1, deleted=True, kind="dose"),
    ]
    assert statuses(sync(patient, again)) == [("duplicate", 1), ("duplicate", 2)]
    changes = sync(patient, [])["changes"]
    pulled = {c["id"]: c["data"].get("time_zone") for c in changes if c["kind"] == "dose"}
    assert pulled[live_id] == "Europe/Madrid"
