"""The access log: every physician or view-link read, in words, newest first, paged."""

from datetime import UTC, datetime, timedelta

from diary.db import get_db
from diary.sharing import log


def _words(patient):
    return [e["words"] for e in patient.get("/api/v1/access-log").get_json()["access_log"]]


def test_each_page_a_physician_opens_is_one_event(shared):
    patient, doctor = shared
    pid = patient.user["id"]
    doctor.get(f"/patients/{pid}")
    doctor.get(f"/patients/{pid}")
    doctor.get(f"/patients/{pid}/summary")
    assert _words(patient) == [
        "Dr Lee viewed your printable summary",
        "Dr Lee viewed your charts",
        "Dr Lee viewed your charts",
    ]
    page = patient.client.get("/sharing/").get_data(as_text=True)
    today = datetime.now(UTC)
    assert f"Dr Lee viewed your charts on {today.day} {today:%b %Y} at " in page


def test_repeated_api_reads_within_minutes_are_one_event(shared):
    patient, doctor = shared
    pid = patient.user["id"]
    for _ in range(5):
        assert doctor.get(f"/api/v1/patients/{pid}/entries?limit=1").status_code == 200
    doctor.get(f"/api/v1/patients/{pid}/therapies")
    assert _words(patient) == ["Dr Lee read your therapies", "Dr Lee read your diary entries"]


def test_every_file_a_physician_downloads_is_one_event(shared):
    patient, doctor = shared
    pid = patient.user["id"]
    for table in ("entries", "therapies", "entries"):
        csv = doctor.get(f"/api/v1/patients/{pid}/export.csv?table={table}")
        assert csv.status_code == 200 and "attachment" in csv.headers["Content-Disposition"]
    for _ in range(2):
        assert doctor.get(f"/api/v1/patients/{pid}/export.fhir.json").status_code == 200
    words = _words(patient)
    assert len(words) == 5, words
    # The entries twice, the therapies, a FHIR file twice: each download written down,
    # each saying which file it was.
    assert len(set(words)) == 3


def test_a_refused_read_is_not_logged(shared, make_api):
    patient, doctor = shared
    stranger = make_api()
    stranger.register(email="nosy@example.org", role="physician", name="Dr Nosy")
    assert stranger.get(f"/patients/{patient.user['id']}").status_code == 404
    assert doctor.get(f"/patients/{patient.user['id']}/nothing").status_code == 404
    assert _words(patient) == []


def test_the_physicians_list_shows_up_once_in_a_while(shared):
    patient, doctor = shared
    for _ in range(3):
        doctor.get("/patients/")
        doctor.get("/api/v1/patients")
    assert _words(patient) == [
        log.describe({"viewer": "physician", "physician_name": "Dr Lee", "what": "patients"})
    ]


def test_the_log_pages_newest_first_with_a_cursor(app, shared):
    patient, doctor = shared
    pid = patient.user["id"]
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    viewer = log.Viewer(patient_id=pid, physician_id=doctor.user["id"], physician_name="Dr Lee")
    with app.app_context():
        for minute in range(7):
            log.record(get_db(), viewer, "charts", now=start + timedelta(minutes=minute))
    first = patient.get("/api/v1/access-log?limit=3").get_json()
    second = patient.get(f"/api/v1/access-log?limit=3&after={first['next']}").get_json()
    third = patient.get(f"/api/v1/access-log?limit=3&after={second['next']}").get_json()
    times = [e["at"] for page in (first, second, third) for e in page["access_log"]]
    assert times == sorted(times, reverse=True) and len(set(times)) == 7
    assert third["next"] is None
    assert first["access_log"][0]["physician"] == {"id": doctor.user["id"], "name": "Dr Lee"}
    # The page offers older visits the same way.
    html = patient.client.get("/sharing/").get_data(as_text=True)
    assert "Older visits" not in html  # 7 fit on one page of 20
    bad = patient.get("/api/v1/access-log?after=nonsense&limit=0").get_json()["error"]["fields"]
    assert set(bad) == {"after", "limit"}
    assert patient.client.get("/sharing/?after=nonsense").status_code == 404


def test_a_deleted_physician_is_still_named_in_the_log(app, shared):
    patient, doctor = shared
    doctor.get(f"/patients/{patient.user['id']}")
    assert doctor.delete_account().status_code == 204
    events = patient.get("/api/v1/access-log").get_json()["access_log"]
    assert events[-1]["words"] == "Dr Lee viewed your charts"
    assert events[-1]["physician"] == {"id": None, "name": "Dr Lee"}
    assert patient.get("/api/v1/shares").get_json()["shares"] == []


def test_only_the_patient_reads_their_log(shared):
    _, doctor = shared
    assert doctor.get("/api/v1/access-log").status_code == 403
