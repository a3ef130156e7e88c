"""The physician's list of patients: who shares now, and what needs a look first."""

from datetime import UTC, datetime, timedelta

from diary.sharing import dashboard
from tests.conftest import text_of


def _day(days_ago):
    return (datetime.now(UTC).date() - timedelta(days=days_ago)).isoformat()


def _share(patient, doctor):
    code = patient.post("/api/v1/shares").get_json()["code"]
    assert doctor.post("/api/v1/shares/accept", {"code": code}).status_code == 200


def test_each_patient_with_last_entry_week_mean_therapy_and_flags(shared):
    patient, doctor = shared
    # Leg pain 8 for five weeks, then a therapy, then 3: an important improvement.
    for ago in range(70, -1, -1):
        leg = 8 if ago > 35 else 3
        entry = {"day": _day(ago), "leg_pain": leg}
        if ago == 20:
            entry["red_flags"] = ["leg_weakness"]  # older than 14 days: not listed
        if ago == 2:
            entry["red_flags"] = ["saddle_numbness", "bladder_bowel"]
        assert patient.post("/api/v1/entries", entry).status_code == 201
    patient.post("/api/v1/entries", {"day": _day(1), "leg_pain": 5})  # the day's mean is 4
    patient.post(
        "/api/v1/therapies", {"kind": "epidural_steroid", "label": "ESI", "start_day": _day(35)}
    )
    rows = doctor.get("/api/v1/patients").get_json()["patients"]
    assert len(rows) == 1
    row = rows[0]
    assert row["name"] == "Pat" and row["last_entry_day"] == _day(0)
    assert row["leg_pain_7d"] == round((3 * 6 + 4) / 7, 1) and row["leg_pain_7d_days"] == 7
    assert row["latest_therapy"]["name"] == "ESI"
    assert row["latest_therapy"]["category"] == "substantial_improvement"
    assert row["latest_therapy"]["window_label"] == "Latest 4 weeks"
    assert [(f["day"], f["flag"]) for f in row["red_flags"]] == [
        (_day(2), "saddle_numbness"),
        (_day(2), "bladder_bowel"),
    ]
    html = doctor.client.get("/patients/").get_data(as_text=True)
    assert "Warning signs in the last 14 days" in html
    assert "substantial improvement" in html and "Printable summary" in html


def test_patients_with_warning_signs_come_first_and_other_orders(make_api, doctor):
    made = {}
    for name, leg, flag, ago in [("Ann", 2, False, 3), ("Bob", 7, True, 1), ("Cy", 5, False, 0)]:
        api = make_api()
        api.register(email=f"{name}@example.org", name=name)
        api.post(
            "/api/v1/entries",
            {"day": _day(ago), "leg_pain": leg, "red_flags": ["leg_weakness"] if flag else []},
        )
        _share(api, doctor)
        made[name] = api
    quiet = make_api()
    quiet.register(email="dee@example.org", name="Dee")  # no entries at all
    _share(quiet, doctor)

    def order(sort=None):
        query = f"?sort={sort}" if sort else ""
        return [p["name"] for p in doctor.get(f"/api/v1/patients{query}").get_json()["patients"]]

    assert order() == ["Bob", "Ann", "Cy", "Dee"]
    assert order("name") == ["Ann", "Bob", "Cy", "Dee"]
    assert order("last_entry") == ["Cy", "Bob", "Ann", "Dee"]
    assert order("leg_pain") == ["Bob", "Cy", "Ann", "Dee"]
    bad = doctor.get("/api/v1/patients?sort=age")
    assert bad.status_code == 422 and "sort" in bad.get_json()["error"]["fields"]
    html = doctor.client.get("/patients/?sort=name").get_data(as_text=True)
    assert html.index("Ann") < html.index("Bob") < html.index("Cy")
    assert doctor.client.get("/patients/?sort=age").status_code == 200  # falls back


def test_an_empty_list_says_how_to_add_a_patient(doctor, patient):
    assert doctor.get("/api/v1/patients").get_json() == {"patients": []}
    html = doctor.client.get("/patients/").get_data(as_text=True)
    assert "No patient shares with you yet" in html and 'name="code"' in html
    assert patient.get("/api/v1/patients").status_code == 403


def test_a_physician_lands_on_the_list(doctor):
    response = doctor.client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/patients/"


def test_physicians_never_see_the_entry_form(shared):
    _, doctor = shared
    for path in ("/today", "/history", "/charts", "/therapies/", "/sharing/"):
        assert doctor.client.get(path).status_code == 403, path
    assert doctor.post("/api/v1/entries", {"day": _day(0), "leg_pain": 3}).status_code == 403


def test_recent_mean_counts_days_not_entries():
    today = datetime(2026, 5, 10, tzinfo=UTC).date()
    entries = [
        {"day": "2026-05-10", "leg_pain": 2},
        {"day": "2026-05-10", "leg_pain": 4},
        {"day": "2026-05-04", "leg_pain": 6},
        {"day": "2026-05-03", "leg_pain": 10},  # 8 days ago: outside
        {"day": "2026-05-09", "leg_pain": None},
    ]
    assert dashboard.recent_leg_mean(entries, today) == (4.5, 2)
    assert dashboard.recent_leg_mean([], today) == (None, 0)


def test_the_list_carries_the_caveat_once_and_says_when_therapies_overlap(make_api, doctor):
    # Ann: an injection, then physiotherapy 21 days later, so physiotherapy's weeks compared
    # before it hold the injection; Bob: one injection alone. Both improve.
    start = datetime.now(UTC).date() - timedelta(days=80)
    for name, second in (("Ann", True), ("Bob", False)):
        api = make_api()
        api.register(email=f"{name}@example.org", name=name)
        _share(api, doctor)
        for ago in range(108, -1, -1):
            leg = 8 if ago > 80 else (7 if ago > 40 else 2)
            assert (
                api.post("/api/v1/entries", {"day": _day(ago), "leg_pain": leg}).status_code == 201
            )
        therapies = [("msc_injection", start)]
        if second:
            therapies.append(("physiotherapy", start + timedelta(days=21)))
        for kind, day in therapies:
            therapy = {"kind": kind, "start_day": day.isoformat()}
            assert api.post("/api/v1/therapies", therapy).status_code == 201
    rows = {p["name"]: p for p in doctor.get("/api/v1/patients").get_json()["patients"]}
    ann, bob = rows["Ann"]["latest_therapy"], rows["Bob"]["latest_therapy"]
    assert ann["kind"] == "physiotherapy" and ann["category"] is not None
    assert [(o["label"], o["start_day"]) for o in ann["overlapping_therapies"]] == [
        ("Stem-cell (MSC) injection", start.isoformat())
    ]
    assert ann["overlap_words"] == (
        "Overlaps with Stem-cell (MSC) injection: the change may come from either."
    )
    assert bob["overlapping_therapies"] == [] and bob["overlap_words"] is None
    page = doctor.client.get("/patients/")
    html = page.get_data(as_text=True)
    assert html.count("Keep in mind:") == 1 and "not a controlled trial" in html
    assert html.count("data-overlap") == 1
    words = text_of(page)
    assert "Overlaps with Stem-cell (MSC) injection: the change may come from either." in words


def test_the_list_says_when_a_baseline_lies_in_an_earlier_therapys_year(make_api, doctor):
    # Ann: a discectomy 200 days ago, then an injection 40 days ago, whose 4 weeks before
    # lie within the year after the surgery; Bob: the injection alone.
    surgery_day = datetime.now(UTC).date() - timedelta(days=200)
    apis = {}
    for name, earlier in (("Ann", True), ("Bob", False)):
        api = make_api()
        api.register(email=f"{name}@example.org", name=name)
        _share(api, doctor)
        for ago in range(70, -1, -1):
            leg = 7 if ago > 40 else 3
            assert (
                api.post("/api/v1/entries", {"day": _day(ago), "leg_pain": leg}).status_code == 201
            )
        if earlier:
            surgery = {"kind": "surgery", "label": "Discectomy", "start_day": _day(200)}
            assert api.post("/api/v1/therapies", surgery).status_code == 201
        injection = {"kind": "epidural_steroid", "start_day": _day(40)}
        assert api.post("/api/v1/therapies", injection).status_code == 201
        apis[name] = api
    sentence = (
        "The weeks before the injection were within the year after Discectomy "
        f"({surgery_day.day} {surgery_day.strftime('%b')} {surgery_day.year}): this is not a "
        "before-any-therapy baseline."
    )
    rows = {p["name"]: p for p in doctor.get("/api/v1/patients").get_json()["patients"]}
    first, alone = rows["Ann"]["latest_therapy"], rows["Bob"]["latest_therapy"]
    assert first["kind"] == "epidural_steroid"
    assert [(t["label"], t["start_day"]) for t in first["baseline_after_therapies"]] == [
        ("Discectomy", surgery_day.isoformat())
    ]
    assert first["baseline_words"] == [sentence]
    assert alone["baseline_after_therapies"] == [] and alone["baseline_words"] == []
    page = doctor.client.get("/patients/")
    assert page.get_data(as_text=True).count("data-baseline-after") == 1
    assert sentence in text_of(page)
    # The same words as the patient's charts page and the physician's view of it.
    assert sentence in text_of(apis["Ann"].client.get("/charts"))
    assert sentence in text_of(doctor.client.get(f"/patients/{rows['Ann']['id']}"))
