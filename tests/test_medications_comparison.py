"""Medicines in a before/after comparison: as-needed doses per week in each window, and
regular medicines started, stopped or changed while it runs listed as possible confounders,
in the API (patient and physician), on the charts page and in the physician's summary."""

from datetime import timedelta

import pytest

from diary.medications import comparison, words
from tests.clock import TODAY  # the run's day (the test patients live in UTC)

T = TODAY - timedelta(days=60)


def day(offset: int) -> str:
    return (T + timedelta(days=offset)).isoformat()


def medication(name, schedule, start, end=None, changes=(), strength="", unit="", id_=None):
    return {
        "id": id_ or f"00000000-0000-4000-8000-{abs(hash(name)) % 10**12:012d}",
        "name": name,
        "strength": strength,
        "unit": unit,
        "schedule": schedule,
        "start_day": start,
        "end_day": end,
        "changes": [{"day": d, "dose": dose} for d, dose in changes],
    }


PREGABALIN = medication(
    "Pregabalin",
    "regular",
    day(-10),
    changes=[(day(-10), "75 mg twice a day"), (day(12), "150 mg twice a day")],
    strength="75",
    unit="mg",
)
AMITRIPTYLINE = medication(
    "Amitriptyline", "regular", day(-200), end=day(20), strength="10", unit="mg"
)
OLD_HABIT = medication("Paracetamol", "regular", day(-300), end=day(-100))
IBUPROFEN = medication("Ibuprofen", "as_needed", day(-40), strength="400", unit="mg")


def windows_of(offsets):
    """Windows as analysis.compare gives them: (name, from offset, to offset, enough)."""
    return [
        {
            "name": name,
            "from": day(lo) if lo is not None else None,
            "to": day(hi) if hi is not None else None,
            "enough_data": enough,
        }
        for name, lo, hi, enough in offsets
    ]


WINDOWS = windows_of(
    [
        ("baseline", -28, -1, True),
        ("2w", 8, 21, True),
        ("6w", 29, 56, True),
        ("3m", 77, 105, False),
        ("6m", 168, 196, False),
        ("12m", 351, 379, False),
        ("latest", 32, 59, True),
    ]
)


# ---- the rules, pure -------------------------------------------------------------------------


def test_regular_medicines_started_stopped_or_changed_during_the_comparison_are_listed():
    events = comparison.regular_events([PREGABALIN, AMITRIPTYLINE, OLD_HABIT, IBUPROFEN], TODAY)
    listed = comparison.confounders(WINDOWS, events)
    assert [(e["name"], e["event"], e["day"], e["dose"]) for e in listed] == [
        ("Pregabalin 75 mg", "started", day(-10), None),
        ("Pregabalin 75 mg", "dose_changed", day(12), "150 mg twice a day"),
        ("Amitriptyline 10 mg", "stopped", day(20), None),
    ]
    # Before any follow-up window has numbers, nothing is claimed, so nothing is clouded.
    early = [{**w, "enough_data": w["name"] == "baseline"} for w in WINDOWS]
    assert comparison.confounders(early, events) == []


def test_a_planned_end_after_today_is_not_a_stop_yet():
    planned = medication(
        "Naproxen", "regular", day(-5), end=(TODAY + timedelta(days=30)).isoformat()
    )
    events = comparison.regular_events([planned], TODAY)
    assert [e["event"] for e in events] == ["started"]


def test_confounders_are_said_like_overlapping_therapies():
    therapy = {"kind": "epidural_steroid", "start_day": T.isoformat()}
    events = comparison.confounders(
        WINDOWS, comparison.regular_events([PREGABALIN, AMITRIPTYLINE], TODAY)
    )
    assert words.confounder_sentences(therapy, events) == [
        "Pregabalin 75 mg was started 10 days before the injection, in the weeks compared "
        "before it: the change since then may come from either.",
        "The dose of Pregabalin 75 mg changed to “150 mg twice a day” 12 days after the "
        "injection: the change since then may come from either.",
        "Amitriptyline 10 mg was stopped 20 days after the injection: the change since then "
        "may come from either.",
    ]


def doses_on(offsets, hours=(8,)):
    return [
        {
            "medication_id": IBUPROFEN["id"],
            "taken_at": f"{day(o)}T{h:02d}:00:00.000Z",
            "time_zone": "UTC",
        }
        for o in offsets
        for h in hours
    ]


def test_as_needed_doses_per_week_count_only_days_the_medicine_was_in_the_diary():
    doses = doses_on(range(-28, 0), hours=(8, 20)) + doses_on(range(33, 60, 2))
    taken = comparison.taken_days([IBUPROFEN, PREGABALIN], doses)
    use = comparison.as_needed_use(WINDOWS, [IBUPROFEN, PREGABALIN], taken, today=TODAY)
    baseline, latest = use["baseline"][0], use["latest"][0]
    assert (baseline["doses"], baseline["days_recorded"], baseline["per_week"]) == (56, 28, 14.0)
    assert (latest["doses"], latest["days_recorded"], latest["per_week"]) == (14, 28, 3.5)
    # A window not reached yet has no recorded days and no rate; only as-needed medicines.
    assert use["3m"] == [{**use["3m"][0], "doses": 0, "days_recorded": 0, "per_week": None}]
    assert {u["name"] for u in use["baseline"]} == {"Ibuprofen 400 mg"}
    # Started 4 days before the therapy: the baseline has 4 recorded days, too few for a rate.
    late = {**IBUPROFEN, "start_day": day(-4)}
    use = comparison.as_needed_use(WINDOWS, [late], taken, today=TODAY)
    assert (use["baseline"][0]["days_recorded"], use["baseline"][0]["per_week"]) == (4, None)


def test_a_dose_counts_on_the_day_in_the_zone_it_was_taken_in():
    # 23:30 UTC on day -1 is the next morning in Tokyo.
    dose = {"medication_id": IBUPROFEN["id"], "taken_at": f"{day(-1)}T23:30:00.000Z"}
    utc, tokyo = {**dose, "time_zone": "UTC"}, {**dose, "time_zone": "Asia/Tokyo"}
    assert comparison.taken_days([IBUPROFEN], [utc])[IBUPROFEN["id"]] == [day(-1)]
    assert comparison.taken_days([IBUPROFEN], [tokyo])[IBUPROFEN["id"]] == [day(0)]


@pytest.mark.parametrize(
    ("before", "after", "said"),
    [
        (14.0, 3.5, "10.5 fewer a week (75% fewer). Needing less of it is a change for the better"),
        # 5 of 8 is 62.5%: the half goes up (round() says 62%).
        (8.0, 3.0, "5 fewer a week (63% fewer)."),
        (2.0, 5.0, "3 more a week. Pain may look better than it is while more of it is taken."),
        (2.0, 2.0, "the same."),
    ],
)
def test_a_change_in_as_needed_doses_is_said_as_what_it_is(before, after, said):
    therapy = {"kind": "epidural_steroid", "start_day": T.isoformat()}

    def window(name, per_week):
        use = {"medication_id": "m", "name": "Ibuprofen 400 mg", "per_week": per_week}
        return {"name": name, "as_needed": [use]}

    windows = [window("baseline", before), window("latest", after)]
    [sentence] = words.as_needed_sentences(therapy, windows, windows[1])
    assert sentence.startswith("Ibuprofen 400 mg, taken when needed: ")
    assert "before the injection" in sentence and "in the latest 4 weeks" in sentence
    assert said in sentence
    # Never a word about pain getting better or worse because of it.
    assert "pain" not in sentence.lower().replace("pain may look better", "")


# ---- through the API and the pages ------------------------------------------------------------


@pytest.fixture
def diary(patient):
    """A therapy 60 days ago, daily entries around it, and the four medicines above."""
    for offset in [*range(-28, 0), *range(8, 60)]:
        patient.post("/api/v1/entries", {"day": day(offset), "leg_pain": 7 if offset < 0 else 3})
    patient.therapy = patient.post(
        "/api/v1/therapies", {"kind": "epidural_steroid", "start_day": T.isoformat()}
    ).get_json()
    for med in (PREGABALIN, AMITRIPTYLINE, OLD_HABIT, IBUPROFEN):
        body = {k: v for k, v in med.items() if k != "id"}
        assert patient.post("/api/v1/medications", {**body, "id": med["id"]}).status_code == 201
    for dose in doses_on(range(-28, 0), hours=(8, 20)) + doses_on(range(33, 60, 2)):
        assert patient.post("/api/v1/doses", dose).status_code == 201
    return patient


def test_the_comparison_lists_the_confounders_and_the_doses_per_week(diary):
    body = diary.get(f"/api/v1/therapies/{diary.therapy['id']}/comparison").get_json()
    assert [(c["name"], c["event"]) for c in body["medication_changes"]] == [
        ("Pregabalin 75 mg", "started"),
        ("Pregabalin 75 mg", "dose_changed"),
        ("Amitriptyline 10 mg", "stopped"),
    ]
    windows = {w["name"]: w for w in body["windows"]}
    assert windows["baseline"]["as_needed"][0]["per_week"] == 14.0
    assert windows["latest"]["as_needed"][0]["per_week"] == 3.5
    assert windows["latest"]["as_needed"][0]["medication_id"] == IBUPROFEN["id"]


def test_the_charts_page_says_them_in_words(diary):
    html = diary.get("/charts").get_data(as_text=True)
    assert (
        "Pregabalin 75 mg was started 10 days before the injection, in the weeks compared "
        "before it: the change since then may come from either." in html
    )
    assert "Amitriptyline 10 mg was stopped 20 days after the injection" in html
    assert (
        "Ibuprofen 400 mg, taken when needed: 14 doses a week before the injection, 3.5 doses "
        "a week in the latest 4 weeks: 10.5 fewer a week (75% fewer)." in html
    )
    assert "Doses taken when needed, each period" in html


def test_a_physician_sees_them_too(diary, doctor):
    code = diary.post("/api/v1/shares").get_json()["code"]
    doctor.post("/api/v1/shares/accept", {"code": code})
    patient_id = diary.user["id"]
    url = f"/api/v1/patients/{patient_id}/therapies/{diary.therapy['id']}/comparison"
    body = doctor.get(url).get_json()
    assert len(body["medication_changes"]) == 3
    page = doctor.get(f"/patients/{patient_id}").get_data(as_text=True)
    assert "Amitriptyline 10 mg was stopped 20 days after the injection" in page


def test_without_medicines_the_page_says_nothing_of_them(patient):
    for offset in [*range(-28, 0), *range(8, 60)]:
        patient.post("/api/v1/entries", {"day": day(offset), "leg_pain": 5})
    patient.post("/api/v1/therapies", {"kind": "surgery", "start_day": T.isoformat()})
    html = patient.get("/charts").get_data(as_text=True)
    assert "taken when needed" not in html and "data-medicine-change" not in html
