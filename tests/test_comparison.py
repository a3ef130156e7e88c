"""The comparison API and the pure pieces behind the charts page (diary/clinical/comparison.py).

Numbers are checked against CLINICAL.md section 6 and against ``analysis.compare`` on the
same data, and the words against what a patient should read.
"""

import random
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from diary.api.comparison import ComparisonOut, TimelineOut
from diary.charts import page as charts
from diary.clinical import analysis, comparison
from diary.db import get_db, write
from diary.schemas import EntryData
from diary.sync import queries, store
from tests.conftest import text_of
from tests.worked_example import TODAY, T, comparison_of, day, post_all, section_6_entries

WINDOW_KEYS = {
    "name",
    "from",
    "to",
    "days_logged",
    "days_in_window",
    "days_elapsed",
    "in_progress",
    "enough_data",
    "leg",
    "back",
    "activity_index",
    "distal_level_median",
    "questionnaires",
}
CHANGE_KEYS = {"leg_abs", "leg_pct_reduction", "category", "responder", "nap", "nap_band", "ci95"}


@pytest.fixture
def seeded(patient):
    """A patient with the section-6 data and an MSC injection on day T."""
    post_all(patient, "/api/v1/entries", section_6_entries())
    therapy = patient.post(
        "/api/v1/therapies", {"kind": "msc_injection", "start_day": T.isoformat()}
    ).get_json()
    patient.therapy = therapy
    return patient


# ---- the API -----------------------------------------------------------------------------


def test_comparison_has_the_issue_shape(seeded):
    response = comparison_of(seeded, seeded.therapy["id"])
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {
        "therapy",
        "today",
        "latest_current",
        "windows",
        "caveat",
        "overlapping_therapies",
        "baseline_after_therapies",
        "medication_changes",
    }
    assert body["therapy"] == seeded.therapy
    assert body["caveat"] == analysis.CAVEAT
    assert [w["name"] for w in body["windows"]] == list(analysis.WINDOW_NAMES)
    for window in body["windows"]:
        expected = (
            WINDOW_KEYS | {"as_needed"} | ({"change"} if window["name"] != "baseline" else set())
        )
        assert set(window) == expected, window["name"]
        assert set(window["leg"]) == {"mean", "median", "q1", "q3", "worst", "pct_days_high"}
        if "change" in window:
            assert set(window["change"]) == CHANGE_KEYS
    # The response model documents exactly this shape.
    ComparisonOut.model_validate(body)


def test_section_6_example_through_the_api(seeded):
    windows = {
        w["name"]: w for w in comparison_of(seeded, seeded.therapy["id"]).get_json()["windows"]
    }
    baseline, three = windows["baseline"], windows["3m"]
    assert baseline["leg"]["mean"] == 7.93
    assert baseline["days_logged"] == 14 and baseline["days_in_window"] == 28
    assert three["leg"]["mean"] == 2.92
    assert three["days_logged"] == 12
    change = three["change"]
    assert change["leg_abs"] == -5.01
    assert change["leg_pct_reduction"] == 63.2
    assert change["category"] == "substantial_improvement"
    assert change["responder"] is True
    assert change["nap"] == 1.0 and change["nap_band"] == "strong"
    assert change["ci95"][0] <= -5.01 <= change["ci95"][1] < 0
    # The body map feeds the distal level: calf (4) before, buttock (2) after; numbness never.
    assert baseline["distal_level_median"] == 4.0
    assert three["distal_level_median"] == 2.0
    assert baseline["activity_index"] == 62.5 and three["activity_index"] == 12.5


def test_numbers_are_those_of_analysis_on_the_same_data(seeded):
    body = comparison_of(seeded, seeded.therapy["id"], "?baseline_days=21&exclusion_days=3")
    rows = [
        {
            "day": e["day"],
            "leg_pain": e["leg_pain"],
            "back_pain": e["back_pain"],
            "activities": e["activities"],
            "distal_level": 4 if "l_calf_back" in e["regions"] else 2,
        }
        for e in section_6_entries()
    ]
    expected = analysis.compare(T, rows, today=TODAY, baseline_days=21, exclusion_days=3)
    # No medicine and no questionnaire in this diary: nothing to add to any window.
    assert body.get_json()["windows"] == [
        {**w, "as_needed": [], "questionnaires": []} for w in expected["windows"]
    ]
    assert body.get_json()["windows"][0]["from"] == day(-21)


def test_reading_only_the_windows_changes_nothing(app, patient):
    # Two years of entries around a therapy one year ago: the route reads only the days of
    # its windows (and the latest ones), and must answer as compare() over everything does.
    rng = random.Random(3)
    start = TODAY - timedelta(days=400)
    rows = []
    for i in range(-330, 401):
        if rng.random() < 0.1:
            continue
        rows.append(
            {
                "day": (start + timedelta(days=i)).isoformat(),
                "leg_pain": rng.randint(3, 9) if i < 0 else rng.randint(0, 6),
                "back_pain": rng.randint(0, 10),
                "activities": {
                    a: rng.randint(0, 4) for a in ("sitting", "walking", "standing", "sleeping")
                },
            }
        )
    with app.app_context():
        db = get_db()
        with write(db):
            for row in rows:
                store.apply_change(
                    db, patient.user["id"], "entry", uuid4(), None, False, EntryData(**row)
                )
    therapy = patient.post(
        "/api/v1/therapies", {"kind": "surgery", "start_day": start.isoformat()}
    ).get_json()
    for query, lengths in (("", (28, 7)), ("?baseline_days=90&exclusion_days=0", (90, 0))):
        body = comparison_of(patient, therapy["id"], query).get_json()
        expected = analysis.compare(
            start,
            [dict(r, distal_level=0) for r in rows],
            today=TODAY,
            baseline_days=lengths[0],
            exclusion_days=lengths[1],
        )
        assert body["windows"] == [
            {**w, "as_needed": [], "questionnaires": []} for w in expected["windows"]
        ]
    spans = comparison.entry_spans(start, rows[-1]["day"], baseline_days=28, exclusion_days=7)
    assert spans == [
        ((start - timedelta(days=28)).isoformat(), (start - timedelta(days=1)).isoformat()),
        ((start + timedelta(days=8)).isoformat(), (start + timedelta(days=21)).isoformat()),
        ((start + timedelta(days=29)).isoformat(), (start + timedelta(days=56)).isoformat()),
        ((start + timedelta(days=77)).isoformat(), (start + timedelta(days=105)).isoformat()),
        ((start + timedelta(days=168)).isoformat(), (start + timedelta(days=196)).isoformat()),
        ((start + timedelta(days=351)).isoformat(), rows[-1]["day"]),
    ]


def test_windows_not_yet_reached_have_no_numbers(patient):
    start = TODAY - timedelta(days=12)
    rows = [{"day": (start + timedelta(days=i)).isoformat(), "leg_pain": 6} for i in range(-10, 12)]
    post_all(patient, "/api/v1/entries", rows)
    therapy = patient.post(
        "/api/v1/therapies", {"kind": "nerve_block", "start_day": start.isoformat()}
    ).get_json()
    windows = {w["name"]: w for w in comparison_of(patient, therapy["id"]).get_json()["windows"]}
    assert windows["baseline"]["enough_data"] is True
    assert windows["2w"]["days_logged"] == 4 and windows["2w"]["days_elapsed"] == 5
    assert windows["2w"]["days_in_window"] == 14 and windows["2w"]["in_progress"] is True
    for name in ("2w", "6w", "3m", "6m", "12m", "latest"):
        window = windows[name]
        assert window["enough_data"] is False, name
        assert set(window["leg"].values()) == {None}
        assert set(window["change"].values()) == {None}
        assert window["activity_index"] is None and window["distal_level_median"] is None
    assert windows["6m"]["days_elapsed"] == 0 and windows["6m"]["days_logged"] == 0
    assert windows["6m"]["in_progress"] is False
    assert windows["6m"]["from"] == (start + timedelta(days=168)).isoformat()


def test_two_therapies_that_share_their_weeks_list_each_other(patient):
    # The audit's case: an injection on day T and physiotherapy three weeks later; both
    # would claim the same latest four weeks as their improvement.
    rows = [{"day": day(i), "leg_pain": 8 if i < 0 else 3} for i in range(-30, 100)]
    post_all(patient, "/api/v1/entries", rows)
    injection = patient.post(
        "/api/v1/therapies", {"kind": "epidural_steroid", "start_day": day(0)}
    ).get_json()
    physio = patient.post(
        "/api/v1/therapies", {"kind": "physiotherapy", "start_day": day(21), "label": "Physio"}
    ).get_json()
    of_injection = comparison_of(patient, injection["id"]).get_json()
    assert of_injection["overlapping_therapies"] == [
        {"id": physio["id"], "label": "Physio", "start_day": day(21)}
    ]
    of_physio = comparison_of(patient, physio["id"]).get_json()
    # The injection started inside the physiotherapy's baseline: overlapping as well, and
    # the weeks before the physiotherapy are not a before-any-therapy baseline.
    assert [t["id"] for t in of_physio["overlapping_therapies"]] == [injection["id"]]
    assert [t["id"] for t in of_physio["baseline_after_therapies"]] == [injection["id"]]
    # Said once, for both (the charts page and the summary have room for one sentence).
    page = text_of(patient.get("/charts"))
    assert page.count("Epidural steroid injection started 21 days before physiotherapy") == 1
    assert page.count("this is not a before-any-therapy baseline") == 1


def test_a_therapy_given_inside_the_weeks_before_is_named_before_any_window_has_numbers(
    patient,
):
    # Physiotherapy began ten days after an injection, and nothing is logged after it: no
    # window after it has numbers, so no change is clouded, but its "before" holds the
    # injection.
    rows = [{"day": day(i), "leg_pain": 7} for i in range(-40, 1)]
    post_all(patient, "/api/v1/entries", rows)
    injection = patient.post(
        "/api/v1/therapies", {"kind": "epidural_steroid", "start_day": day(-10)}
    ).get_json()
    physio = patient.post(
        "/api/v1/therapies", {"kind": "physiotherapy", "start_day": day(0), "label": "Physio"}
    ).get_json()
    of_physio = comparison_of(patient, physio["id"]).get_json()
    assert of_physio["overlapping_therapies"] == []
    assert [t["id"] for t in of_physio["baseline_after_therapies"]] == [injection["id"]]
    page = text_of(patient.get("/charts"))
    said = "The weeks before physiotherapy were within the year after Epidural steroid injection"
    assert said in page
    assert page.count("this is not a before-any-therapy baseline.") == 1


def test_a_baseline_inside_an_earlier_therapys_year_is_not_before_any_therapy(patient):
    rows = [{"day": day(i), "leg_pain": 6} for i in range(-30, 120)]
    post_all(patient, "/api/v1/entries", rows)
    surgery = patient.post("/api/v1/therapies", {"kind": "surgery", "start_day": day(0)}).get_json()
    later = patient.post("/api/v1/therapies", {"kind": "nerve_block", "start_day": day(100)})
    later = later.get_json()
    of_later = comparison_of(patient, later["id"]).get_json()
    assert [t["id"] for t in of_later["baseline_after_therapies"]] == [surgery["id"]]
    assert of_later["overlapping_therapies"] == []
    of_surgery = comparison_of(patient, surgery["id"]).get_json()
    assert [t["id"] for t in of_surgery["overlapping_therapies"]] == [later["id"]]


def test_overlaps_count_only_up_to_the_last_window_with_numbers():
    therapy = {"id": "a", "kind": "surgery", "label": "", "start_day": "2026-03-01"}
    other = {"id": "b", "kind": "physiotherapy", "label": "", "start_day": "2026-05-01"}
    windows = [
        {"name": "baseline", "from": "2026-02-01", "to": "2026-02-28", "enough_data": True},
        {"name": "2w", "from": "2026-03-09", "to": "2026-03-22", "enough_data": True},
        {"name": "3m", "from": "2026-05-16", "to": "2026-06-13", "enough_data": False},
    ]
    # Physiotherapy began after the last window with numbers: nothing claimed is clouded.
    assert comparison.overlaps(therapy, [therapy, other], windows)["overlapping_therapies"] == []
    windows[2]["enough_data"] = True
    found = comparison.overlaps(therapy, [therapy, other], windows)["overlapping_therapies"]
    assert found == [{"id": "b", "label": "Physiotherapy", "start_day": "2026-05-01"}]
    # Long ago (more than a year of follow-up before the baseline): no shadow on it.
    old = {"id": "c", "kind": "surgery", "label": "", "start_day": "2024-01-01"}
    assert comparison.overlaps(therapy, [old, therapy], windows)["baseline_after_therapies"] == []
    # A course still running when the baseline began does cloud it.
    course = {**old, "kind": "physiotherapy", "end_day": "2026-02-10"}
    after = comparison.overlaps(therapy, [course, therapy], windows)["baseline_after_therapies"]
    assert [t["id"] for t in after] == ["c"]


def test_a_therapy_without_entries_compares_to_nothing(patient):
    therapy = patient.post(
        "/api/v1/therapies", {"kind": "surgery", "start_day": TODAY.isoformat()}
    ).get_json()
    body = comparison_of(patient, therapy["id"]).get_json()
    assert all(not w["enough_data"] for w in body["windows"])
    assert body["windows"][-1]["from"] is None  # no latest window without entries after T


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?baseline_days=6", "baseline_days"),
        ("?baseline_days=91", "baseline_days"),
        ("?baseline_days=four", "baseline_days"),
        ("?baseline_days=7.5", "baseline_days"),
        ("?exclusion_days=31", "exclusion_days"),
        ("?exclusion_days=-1", "exclusion_days"),
        ("?exclusion_days=", "exclusion_days"),
    ],
)
def test_bad_query_values_are_422_naming_the_field(seeded, query, field):
    response = comparison_of(seeded, seeded.therapy["id"], query)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {field}
    assert "whole number from" in error["fields"][field]


def test_query_limits_are_inclusive(seeded):
    for query in ("?baseline_days=7&exclusion_days=0", "?baseline_days=90&exclusion_days=30"):
        assert comparison_of(seeded, seeded.therapy["id"], query).status_code == 200


def _share(app, patient_id, physician_id, revoked=False):
    now = datetime.now(UTC)
    with app.app_context():
        db = get_db()
        with write(db):
            db.execute(
                "INSERT INTO shares (id, patient_id, physician_id, code_hash, created_at,"
                " expires_at, accepted_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    f"s-{physician_id}",
                    patient_id,
                    physician_id,
                    f"h-{physician_id}",
                    now.isoformat(),
                    (now + timedelta(days=7)).isoformat(),
                    now.isoformat(),
                    now.isoformat() if revoked else None,
                ],
            )


def test_who_may_see_a_comparison(app, seeded, make_api):
    tid, pid = seeded.therapy["id"], seeded.user["id"]
    own = comparison_of(seeded, tid).get_json()
    physician_path = f"/api/v1/patients/{pid}/therapies/{tid}/comparison"

    other = make_api()
    other.register(email="other@example.org")
    assert comparison_of(other, tid).status_code == 404
    assert other.get(physician_path).status_code == 404

    anonymous = make_api()
    assert comparison_of(anonymous, tid).status_code == 401
    assert anonymous.get(physician_path).status_code == 401

    stranger = make_api()
    stranger_id = stranger.register(email="dr.no@example.org", role="physician")["id"]
    assert comparison_of(stranger, tid).status_code == 403  # patients' own route
    assert stranger.get(physician_path).status_code == 404  # no share: nothing disclosed

    doctor = make_api()
    doctor_id = doctor.register(email="dr.yes@example.org", role="physician")["id"]
    _share(app, pid, doctor_id)
    response = doctor.get(physician_path + "?baseline_days=28")
    assert response.status_code == 200
    assert response.get_json() == own
    # A therapy of another patient through a share of this one is still not found.
    other_therapy = other.post(
        "/api/v1/therapies", {"kind": "surgery", "start_day": T.isoformat()}
    ).get_json()
    assert (
        doctor.get(f"/api/v1/patients/{pid}/therapies/{other_therapy['id']}/comparison").status_code
        == 404
    )
    assert doctor.get(physician_path + "?exclusion_days=99").status_code == 422

    _share(app, pid, stranger_id, revoked=True)
    assert stranger.get(physician_path).status_code == 404


def test_deleted_unknown_and_malformed_therapies_are_404(seeded):
    tid = seeded.therapy["id"]
    assert comparison_of(seeded, "not-a-uuid").status_code == 404
    assert comparison_of(seeded, "00000000-0000-4000-8000-000000000000").status_code == 404
    assert seeded.delete(f"/api/v1/therapies/{tid}").status_code == 204
    assert comparison_of(seeded, tid).status_code == 404


def test_today_is_the_patients_today(make_api):
    # Far east of UTC the patient's today can be a day ahead: a window ending "today" counts it.
    api = make_api()
    api.register(email="kiribati@example.org", time_zone="Pacific/Kiritimati")
    zone_today = comparison.patient_today("Pacific/Kiritimati")
    start = zone_today - timedelta(days=40)
    therapy = api.post(
        "/api/v1/therapies", {"kind": "surgery", "start_day": start.isoformat()}
    ).get_json()
    six_weeks = comparison_of(api, therapy["id"]).get_json()["windows"][2]
    assert six_weeks["name"] == "6w"
    assert six_weeks["days_elapsed"] == (zone_today - (start + timedelta(days=29))).days + 1


def test_timeline_for_the_charts(seeded):
    response = seeded.get("/api/v1/timeline")
    assert response.status_code == 200
    body = response.get_json()
    TimelineOut.model_validate(body)
    assert body["today"] == TODAY.isoformat()
    assert [t["id"] for t in body["therapies"]] == [seeded.therapy["id"]]
    days = body["days"]
    assert len(days) == 26 and days[0]["day"] == day(-28)
    assert days[0]["leg"] == 7.0 and days[1]["leg_avg7"] == 7.5
    assert days[0]["distal_level"] == 4


def test_the_timeline_gives_a_span_of_days_with_the_whole_diarys_7_day_means(seeded):
    whole = seeded.get("/api/v1/timeline").get_json()["days"]
    span = seeded.get(f"/api/v1/timeline?from={day(80)}&to={day(90)}").get_json()
    TimelineOut.model_validate(span)
    assert span["days"] == [r for r in whole if day(80) <= r["day"] <= day(90)]
    # The first day's mean reaches back before the span: (2 + 3) / 2, not its own 3.
    assert (span["days"][0]["leg"], span["days"][0]["leg_avg7"]) == (3.0, 2.5)
    older = seeded.get(f"/api/v1/timeline?to={day(-25)}").get_json()["days"]
    assert older == [r for r in whole if r["day"] <= day(-25)] and older


@pytest.mark.parametrize("query", ["from=2026-02-30", "to=yesterday", "from=1999-12-31"])
def test_a_bad_timeline_day_answers_422_naming_it(seeded, query):
    response = seeded.get(f"/api/v1/timeline?{query}")
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == [query.split("=")[0]]


def test_a_reversed_timeline_span_answers_422_naming_to(seeded):
    response = seeded.get(f"/api/v1/timeline?from={day(90)}&to={day(80)}")
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"to"}


def test_openapi_documents_the_timelines_days(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/timeline"]["get"]
    params = {p["name"]: p["schema"] for p in operation["parameters"] if p["in"] == "query"}
    assert set(params) == {"from", "to"} and params["from"]["format"] == "date"
    assert "422" in operation["responses"]


def test_openapi_documents_the_comparison_shape(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/therapies/{object_id}/comparison"]["get"]
    params = {p["name"]: p["schema"] for p in operation["parameters"] if p["in"] == "query"}
    assert params["baseline_days"] == {
        "type": "integer",
        "minimum": 7,
        "maximum": 90,
        "default": 28,
    }
    assert params["exclusion_days"]["maximum"] == 30
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    window = document["components"]["schemas"]["Window"]
    assert ref.endswith("/ComparisonOut")
    assert "from" in window["properties"] and "change" in window["properties"]
    assert "/api/v1/patients/{patient_id}/therapies/{object_id}/comparison" in document["paths"]


# ---- the pure pieces ---------------------------------------------------------------------


def stored(day_, regions=None, activities=None, leg=5):
    return {
        "day": day_,
        "leg_pain": leg,
        "back_pain": None,
        "regions": regions or {},
        "activities": activities or {},
    }


def test_analysis_rows_carry_the_most_distal_pain_level():
    rows = comparison.analysis_rows(
        [stored("2026-01-01", {"l_buttock": "pain", "r_foot_top": "numb"})]
    )
    assert rows == [
        {
            "day": "2026-01-01",
            "leg_pain": 5,
            "back_pain": None,
            "activities": {},
            "distal_level": 2,
        }
    ]


def test_region_shares_count_days_not_entries_and_never_numbness():
    entries = [
        stored("2026-01-01", {"l_buttock": "pain"}),
        stored("2026-01-01", {"l_buttock": "pain", "l_calf_back": "pain"}),
        stored("2026-01-02", {"l_calf_back": "numb"}),
        stored("2026-01-03", {}),
        stored("2026-01-09", {"l_buttock": "pain"}),  # outside the window
    ]
    result = comparison.region_shares(entries, "2026-01-01", "2026-01-08")
    assert result["days"] == 3
    assert result["shares"]["l_buttock"] == pytest.approx(1 / 3)
    assert result["shares"]["l_calf_back"] == pytest.approx(1 / 3)
    assert len(result["shares"]) == 25 and result["most_days"] == []
    empty = comparison.region_shares(entries, None, None)
    assert empty["days"] == 0 and set(empty["shares"].values()) == {0.0}


def test_share_steps_follow_the_pain_scale():
    assert [comparison.share_step(s) for s in (0, 0.04, 0.05, 0.5, 0.94, 1)] == [0, 0, 1, 5, 9, 10]


def test_activity_levels_need_five_answered_days():
    entries = [
        stored(f"2026-01-0{i}", activities={"walking": 4, "sitting": 2}) for i in range(1, 6)
    ]
    entries.append(stored("2026-01-05", activities={"walking": 2}))
    levels = comparison.activity_levels(entries, "2026-01-01", "2026-01-31")
    # Day 5 answered walking twice (4 and 2): it counts once, at 3.
    assert levels["walking"] == pytest.approx((4 * 4 + 3) / 5)
    assert levels["sitting"] == 2
    assert levels["sleeping"] is None


def test_patient_today_follows_the_time_zone():
    noon_utc = datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert comparison.patient_today("Pacific/Kiritimati", now=noon_utc) == date(2026, 1, 2)
    assert comparison.patient_today("Pacific/Pago_Pago", now=noon_utc) == date(2026, 1, 1)
    assert comparison.patient_today("Not/AZone", now=noon_utc) == date(2026, 1, 1)


def test_merged_spans_join_touching_days_and_keep_the_gaps():
    spans = [
        ("2026-01-05", "2026-01-07"),
        ("2026-01-01", "2026-01-03"),
        ("2026-01-04", "2026-01-04"),
        ("2026-02-01", "2026-02-02"),
        ("2026-01-10", "9999-12-31"),  # to the last day there is
    ]
    assert comparison.merge_spans(spans) == [
        ("2026-01-01", "2026-01-07"),
        ("2026-01-10", "9999-12-31"),
    ]


def test_weekly_means_start_on_mondays_newest_first():
    rows = [
        {"day": "2026-01-04", "leg": 6.0, "back": None},  # a Sunday
        {"day": "2026-01-05", "leg": 4.0, "back": 2.0},  # Monday
        {"day": "2026-01-06", "leg": 3.0, "back": None},
    ]
    assert charts.weekly_means(rows) == [
        {"week": "2026-01-05", "days": 2, "leg": 3.5, "back": 2.0},
        {"week": "2025-12-29", "days": 1, "leg": 6.0, "back": None},
    ]


def test_charts_page_shares_one_set_of_daily_values(monkeypatch):
    calls = []
    real = analysis.daily_values
    monkeypatch.setattr(analysis, "daily_values", lambda rows: calls.append(1) or real(rows))
    entries = [dict(e, id=str(i)) for i, e in enumerate(section_6_entries())]
    therapies = [
        {"id": str(n), "kind": "surgery", "label": "", "start_day": day(n)} for n in range(4)
    ]
    page = charts.charts_page(therapies, entries, today=TODAY)
    # Once, for the four comparisons and the timeline alike.
    assert len(calls) == 1
    assert len(page["panels"]) == 4
    data = charts.chart_data(page, today=TODAY)
    assert data["timeline"]["day"][0] == day(-28)
    assert [w["name"] for w in data["therapies"][0]["windows"]] == list(analysis.WINDOW_NAMES)


def test_the_charts_page_from_sqlites_days_matches_the_page_from_every_entry(app, seeded):
    from diary.clinical import daily

    db = app.extensions["diary.db"].get()
    patient_id = seeded.user["id"]
    therapies = queries.list_therapies(db, patient_id)
    everything = charts.charts_page(therapies, queries.all_entries(db, patient_id), today=TODAY)
    days = daily.daily_values(db, patient_id)
    spans = charts.panel_spans(therapies, days[-1]["day"].isoformat())
    lean = charts.charts_page(
        therapies, daily.entries_within(db, patient_id, spans), today=TODAY, days=days
    )
    assert lean["timeline"] == everything["timeline"] and lean["weeks"] == everything["weeks"]
    for mine, theirs in zip(lean["panels"], everything["panels"], strict=True):
        assert mine["windows"] == theirs["windows"]
        assert mine["regions"] == theirs["regions"] and mine["activities"] == theirs["activities"]
