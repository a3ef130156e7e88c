"""The physician's list of patients: who shares now, and what needs a look first."""

import re
from datetime import UTC, datetime, timedelta

from diary.sharing import dashboard
from tests.conftest import listed_in_logs, sharing_patients, text_of


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


def test_the_week_mean_rounds_a_half_up_in_the_api_and_the_list(shared):
    patient, doctor = shared
    # 4 days logged this week: (5 + 5 + 4 + 3) / 4 = 4.25, which round() makes 4.2.
    for ago, leg in enumerate([5, 5, 4, 3]):
        assert (
            patient.post("/api/v1/entries", {"day": _day(ago), "leg_pain": leg}).status_code == 201
        )
    (row,) = doctor.get("/api/v1/patients").get_json()["patients"]
    assert (row["leg_pain_7d"], row["leg_pain_7d_days"]) == (4.3, 4)
    assert "Leg pain, last 7 days 4.3 (4 days)" in text_of(doctor.client.get("/patients/"))


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
    empty = {"patients": [], "next": None, "sharing": 0, "matching": 0}
    assert doctor.get("/api/v1/patients").get_json() == empty
    html = doctor.client.get("/patients/").get_data(as_text=True)
    assert "No patient shares with you yet" in html and 'name="code"' in html
    assert '<details class="card accept-card">' not in html  # open: it is the one thing to do
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
    # before it hold the injection; Cat: both on the same day; Bob: one injection alone.
    # All improve.
    start = datetime.now(UTC).date() - timedelta(days=80)
    for name, second in (("Ann", 21), ("Bob", None), ("Cat", 0)):
        api = make_api()
        api.register(email=f"{name}@example.org", name=name)
        _share(api, doctor)
        for ago in range(108, -1, -1):
            leg = 8 if ago > 80 else (7 if ago > 40 else 2)
            assert (
                api.post("/api/v1/entries", {"day": _day(ago), "leg_pain": leg}).status_code == 201
            )
        therapies = [("msc_injection", start)]
        if second is not None:
            therapies.append(("physiotherapy", start + timedelta(days=second)))
        for kind, day in therapies:
            therapy = {"kind": kind, "start_day": day.isoformat()}
            assert api.post("/api/v1/therapies", therapy).status_code == 201
    rows = {p["name"]: p for p in doctor.get("/api/v1/patients").get_json()["patients"]}
    ann, bob, cat = (rows[name]["latest_therapy"] for name in ("Ann", "Bob", "Cat"))
    assert ann["kind"] == "physiotherapy" and ann["category"] is not None
    assert [(o["label"], o["start_day"]) for o in ann["overlapping_therapies"]] == [
        ("Stem-cell (MSC) injection", start.isoformat())
    ]
    # The injection began inside physiotherapy's weeks before: it also clouds the baseline,
    # said in the same line rather than in a second note about the same therapy.
    said = (
        "Overlaps with Stem-cell (MSC) injection: this is not a before-any-therapy baseline, "
        "and the change may come from either."
    )
    assert ann["overlap_words"] == said
    assert [t["label"] for t in ann["baseline_after_therapies"]] == ["Stem-cell (MSC) injection"]
    assert ann["baseline_words"] == []
    assert bob["overlapping_therapies"] == [] and bob["overlap_words"] is None
    # Begun the same day, the injection does not lie in the weeks before: only the overlap.
    assert cat["overlap_words"] == (
        "Overlaps with Stem-cell (MSC) injection: the change may come from either."
    )
    assert cat["baseline_words"] == []
    page = doctor.client.get("/patients/")
    html = page.get_data(as_text=True)
    assert html.count("Keep in mind:") == 1 and "not a controlled trial" in html
    # Under the patients, whose verdicts it is about: above them it took a phone's screen.
    assert html.rindex('class="card patient-card') < html.index("Keep in mind:")
    assert html.count("data-overlap") == 2 and "data-baseline-after" not in html
    assert said in text_of(page)


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


def _names(response):
    return re.findall(r'<h3><a href="/patients/\d+">([^<]+)</a></h3>', response.get_data(True))


def test_the_add_patient_form_comes_before_the_list(app, doctor):
    sharing_patients(app, doctor, ["Ann Lee"])
    html = doctor.client.get("/patients/").get_data(as_text=True)
    # Once, and above the first patient: a long list no longer hides it at its bottom; folded
    # under "Add a patient", so that on a phone the first patient shows on the first screen.
    assert html.count('name="code"') == 1
    assert html.index('name="code"') < html.index("Ann Lee")
    folded = html.index('<details class="card accept-card">')
    assert folded < html.index("<summary>Add a patient</summary>") < html.index('name="code"')
    assert html.index("</details>") < html.index("Ann Lee")


def test_a_name_finds_patients_whatever_the_case_and_accents(app, doctor):
    ids = sharing_patients(app, doctor, ["María García", "Mario Rossi", "Ann Lee"])
    found = doctor.client.get("/patients/?q=garcia+MARIA&sort=name")
    assert _names(found) == ["María García"]
    words = text_of(found)
    assert "Patients whose name matches “garcia MARIA”: 1 of 3." in words
    assert "Show all patients" in words
    html = found.get_data(as_text=True)
    # The search keeps the order chosen, and the orders keep the search.
    assert 'name="sort" value="name"' in html and 'value="garcia MARIA"' in html
    assert 'href="/patients/?sort=last_entry&amp;q=garcia+MARIA"' in html
    assert _names(doctor.client.get("/patients/?q=mar&sort=name")) == [
        "María García",
        "Mario Rossi",
    ]
    assert _names(doctor.client.get("/patients/?q=")) == ["Ann Lee", "María García", "Mario Rossi"]
    nobody = doctor.client.get("/patients/?q=zed")
    assert _names(nobody) == [] and "matches “zed”: 0 of 3." in text_of(nobody)
    # Only the patients shown saw themselves listed in their access log.
    assert listed_in_logs(app) == {ids["María García"], ids["Mario Rossi"], ids["Ann Lee"]}
    api = doctor.get("/api/v1/patients?q=GARCÍA").get_json()["patients"]
    assert [p["name"] for p in api] == ["María García"]
    too_long = doctor.get("/api/v1/patients?q=" + "a" * 101)
    assert too_long.status_code == 422 and "q" in too_long.get_json()["error"]["fields"]


def test_the_filtered_list_logs_only_the_patients_it_shows(app, doctor):
    ids = sharing_patients(app, doctor, ["María García", "Ann Lee"])
    doctor.client.get("/patients/?q=maria")
    assert listed_in_logs(app) == {ids["María García"]}
    doctor.get("/api/v1/patients?q=lee")
    assert listed_in_logs(app) == {ids["María García"], ids["Ann Lee"]}


def test_a_long_list_comes_fifty_patients_a_page(app, doctor):
    names = [f"Patient {n:02d}" for n in range(52)]
    ids = sharing_patients(app, doctor, names)
    first = doctor.client.get("/patients/?sort=name")
    assert _names(first) == names[:50]
    html = first.get_data(as_text=True)
    assert "Sharing with you now (52)" in html and "Page 1 of 2" in text_of(first)
    assert 'href="/patients/?sort=name&amp;page=2" rel="next"' in html and 'rel="prev"' not in html
    # Only the fifty shown are in an access log, not the two on the next page.
    assert listed_in_logs(app) == {ids[name] for name in names[:50]}
    second = doctor.client.get("/patients/?sort=name&page=2")
    assert _names(second) == names[50:]
    assert 'href="/patients/?sort=name&amp;page=1" rel="prev"' in second.get_data(True)
    # Paging keeps the search; a page past the last shows the last; a bad one the first.
    searched = doctor.client.get("/patients/?q=patient&sort=name&page=2")
    assert 'href="/patients/?sort=name&amp;q=patient&amp;page=1" rel="prev"' in searched.get_data(
        True
    )
    assert _names(doctor.client.get("/patients/?sort=name&page=9")) == names[50:]
    assert _names(doctor.client.get("/patients/?sort=name&page=x")) == names[:50]
    # The JSON list has the same pages (tests/test_patients_api.py pages through it).
    listed = doctor.get("/api/v1/patients?sort=name").get_json()["patients"]
    assert [p["name"] for p in listed] == names[:50]


def test_a_page_number_of_thousands_of_digits_shows_the_last_page(app, doctor):
    # More digits than int() reads from text (4,300) was a 500; "²" and "٣" are not page
    # numbers either (str.isdecimal() took "٣" for 3).
    names = [f"Patient {n:02d}" for n in range(52)]
    sharing_patients(app, doctor, names)
    for page in ("9" * 4400, "9" * 25):
        answer = doctor.client.get(f"/patients/?sort=name&page={page}")
        assert answer.status_code == 200 and _names(answer) == names[50:]
    for page in ("٣", "²", "-1", ""):
        answer = doctor.client.get(f"/patients/?sort=name&page={page}")
        assert answer.status_code == 200 and _names(answer) == names[:50]


def test_names_match_without_case_accents_or_extra_spaces():
    assert dashboard.name_key("  José  ÁLVAREZ ") == "jose alvarez"
    assert dashboard.name_matches("Zoë Straße", "zoe STRASSE")
    assert dashboard.name_matches("María García", "garcía  maria")
    assert not dashboard.name_matches("María García", "maria lopez")
    assert dashboard.name_matches("Anyone", "")
