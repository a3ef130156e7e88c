"""Questionnaires in the before/after verdict: each window's answer (the one inside it, else
none, said so), its change against the baseline answer, the threshold, and the words."""

import re
from datetime import timedelta

import pytest

from diary.clinical import analysis
from diary.questionnaires import compare, words
from tests.worked_example import TODAY, T, comparison_of, day, post_all, section_6_entries


def window_dicts(start, last_entry_day=None):
    """analysis.windows as the comparison hands them out (the keys compare reads)."""
    out = []
    for name, begin, end in analysis.windows(start, last_entry_day=last_entry_day):
        elapsed = 0 if begin is None else max(0, (min(end, TODAY) - begin).days + 1)
        out.append(
            {
                "name": name,
                "from": begin.isoformat() if begin else None,
                "to": end.isoformat() if end else None,
                "days_elapsed": elapsed,
                "in_progress": False,
            }
        )
    return out


def response(questionnaire, offset, score, therapy_id=None, n=0):
    answers = {"total": score} if questionnaire == "odi" else {"1": score}
    return {
        "id": f"r-{questionnaire}-{offset}-{n}",
        "questionnaire": questionnaire,
        "day": day(offset),
        "answers": answers,
        "score": score,
        "therapy_id": therapy_id,
        "created_at": f"2026-01-01T00:00:0{n}.000Z",
    }


THERAPY = {"id": "t-1", "kind": "msc_injection", "label": "", "start_day": T.isoformat()}


def by_name(therapy, responses, last_entry_day=None):
    windows = window_dicts(T, last_entry_day)
    results = compare.window_results(therapy, windows, responses)
    return {w["name"]: (w, r) for w, r in zip(windows, results, strict=True)}


def test_each_window_takes_the_answer_inside_it_and_says_when_there_is_none():
    responses = [
        response("odi", -40, 60),  # before the baseline window: not "before" the therapy
        response("odi", -20, 52),
        response("odi", -3, 50, n=1),  # the last one inside the baseline window counts
        response("odi", 4, 58),  # the flare week after the therapy: in no window
        response("odi", 90, 24),
    ]
    shown = by_name(THERAPY, responses, day(100))
    baseline = shown["baseline"][1][0]
    assert (baseline["response"]["day"], baseline["response"]["score"]) == (day(-3), 50)
    assert baseline["responses_in_window"] == 2
    two_weeks_window, (two_weeks,) = shown["2w"]
    assert two_weeks["response"] is None and two_weeks["change"] is None
    assert words.result_words(two_weeks, two_weeks_window) == "no answer in this period"
    three_months_window, (three_months,) = shown["3m"]
    assert three_months["change"] == {
        "before": 50,
        "after": 24,
        "points": -26,
        "percent": 52.0,
        "direction": "better",
        "important": True,
    }
    assert words.result_words(three_months, three_months_window) == (
        f"24 of 100 on {words.day_words(day(90))}: 26 points lower than before, "
        "clinically important"
    )
    six_months_window, (six_months,) = shown["6m"]
    assert words.result_words(six_months, six_months_window) == "not reached yet"


def test_without_a_baseline_answer_a_follow_up_answer_has_no_change():
    shown = by_name(THERAPY, [response("odi", 90, 24)], day(100))
    baseline_window, (baseline,) = shown["baseline"]
    assert baseline["response"] is None
    window, (result,) = shown["3m"]
    assert result["change"] is None
    assert words.result_words(result, window).endswith(
        "(no answer before the therapy to compare with)"
    )


def test_a_pgic_counts_for_its_own_therapy_after_it_only():
    responses = [
        response("pgic", 15, 2, therapy_id="t-1"),
        response("pgic", 90, 5, therapy_id="t-other"),
    ]
    shown = by_name(THERAPY, responses, day(100))
    assert shown["baseline"][1] == []  # asked after a therapy: nothing at baseline
    (two_weeks,) = shown["2w"][1]
    assert two_weeks["rating"] == {"value": 2, "words": "Much improved", "important": True}
    (three_months,) = shown["3m"][1]
    assert three_months["response"] is None  # the other therapy's answer is not this one's
    # A therapy never rated shows no PGIC at all.
    other = {**THERAPY, "id": "t-3"}
    assert compare.instruments(other, responses) == []


def test_the_latest_answer_is_compared_with_the_baseline_of_the_therapy_before_it():
    responses = [response("odi", -50, 70), response("odi", -5, 50), response("odi", 90, 24)]
    (latest,) = compare.latest(responses, [THERAPY])
    assert latest["against"]["day"] == day(-5) and latest["against"]["therapy"] == THERAPY
    assert words.latest_sentence(latest) == (
        f"ODI 24 of 100 on {words.day_words(day(90))}: 26 points lower than before the "
        f"injection (50 of 100 on {words.day_words(day(-5))}), clinically important."
    )
    # Without a therapy, against the first answer.
    (first,) = compare.latest(responses, [])
    assert first["against"]["day"] == day(-50) and first["against"]["therapy"] is None
    assert "than the first answer (70 of 100" in words.latest_sentence(first)
    # One answer alone: nothing to compare with.
    (alone,) = compare.latest(responses[:1], [])
    assert alone["change"] is None and "nothing earlier to compare with" in (
        words.latest_sentence(alone)
    )


# ---- through the app: the API's numbers and the verdict's words ---------------------------


@pytest.fixture
def answered(patient):
    """CLINICAL.md section 6's leg pain (7.93 -> 2.92), an RMDQ of 14 before the injection
    and 4 at three months, and a PGIC of "much improved" at three months."""
    post_all(patient, "/api/v1/entries", section_6_entries())
    therapy = patient.post(
        "/api/v1/therapies", {"kind": "msc_injection", "start_day": T.isoformat()}
    ).get_json()
    rmdq = {"questionnaire": "rmdq", "answers": {str(n): True for n in range(1, 15)}}
    post_all(
        patient,
        "/api/v1/responses",
        [
            {**rmdq, "day": day(-3)},
            {
                "questionnaire": "rmdq",
                "day": day(95),
                "answers": {str(n): True for n in range(1, 5)},
            },
            {
                "questionnaire": "pgic",
                "day": day(90),
                "answers": {"1": 2},
                "therapy_id": therapy["id"],
            },
        ],
    )
    patient.therapy = therapy
    return patient


def test_the_comparison_api_carries_each_windows_questionnaires(answered):
    body = comparison_of(answered, answered.therapy["id"]).get_json()
    windows = {w["name"]: w for w in body["windows"]}
    assert [q["questionnaire"] for q in windows["baseline"]["questionnaires"]] == ["rmdq"]
    rmdq, pgic = windows["3m"]["questionnaires"]
    assert rmdq["response"]["score"] == 4
    assert rmdq["change"]["before"] == 14 and rmdq["change"]["important"] is True
    assert pgic["rating"] == {"value": 2, "words": "Much improved", "important": True}
    assert windows["2w"]["questionnaires"][0]["response"] is None


def test_the_verdict_says_both_changes_and_whether_they_matter(answered):
    html = answered.client.get("/charts").get_data(as_text=True)
    headline = re.search(r"data-change-sentence>([^<]*)<", html).group(1)
    assert headline == (
        "Leg pain 63% lower; disability (RMDQ) 10 points lower than before the injection: "
        "both clinically important. Overall change (PGIC): much improved, clinically important."
    )
    assert "no answer in this period" in html


def test_a_change_that_misses_the_threshold_is_said_apart(patient):
    post_all(patient, "/api/v1/entries", section_6_entries())
    patient.post("/api/v1/therapies", {"kind": "msc_injection", "start_day": T.isoformat()})
    post_all(
        patient,
        "/api/v1/responses",
        [
            {"questionnaire": "odi", "day": day(-3), "answers": {"total": 40}},
            {"questionnaire": "odi", "day": day(95), "answers": {"total": 34}},
        ],
    )
    html = patient.client.get("/charts").get_data(as_text=True)
    headline = re.search(r"data-change-sentence>([^<]*)<", html).group(1)
    assert headline == (
        "Leg pain 63% lower than before the injection: substantial improvement; disability "
        "(ODI) 6 points lower: not a clinically important change."
    )


def test_an_answer_in_a_window_still_running_is_said_so_far(patient):
    # The 3-month window has begun and is not over: its answer may still be replaced.
    start = TODAY - timedelta(days=80)
    post_all(
        patient,
        "/api/v1/entries",
        [
            {"day": (start + timedelta(days=i)).isoformat(), "leg_pain": 6 if i < 0 else 3}
            for i in range(-20, 81)
        ],
    )
    patient.post("/api/v1/therapies", {"kind": "surgery", "start_day": start.isoformat()})
    post_all(
        patient,
        "/api/v1/responses",
        [
            {
                "questionnaire": "odi",
                "day": (start - timedelta(days=2)).isoformat(),
                "answers": {"total": 50},
            },
            {
                "questionnaire": "odi",
                "day": (start + timedelta(days=79)).isoformat(),
                "answers": {"total": 30},
            },
        ],
    )
    html = patient.client.get("/charts").get_data(as_text=True)
    table = html[html.index("Questionnaires in each period") :]
    row = re.search(r"<th scope=\"row\">3 months.*?</tr>", table, re.S).group(0)
    assert "20 points lower than before, clinically important" in row
    assert "(so far)" in row


def test_the_rmdqs_english_title_is_marked_english_on_spanish_pages(answered):
    # The RMDQ ships in English only (its licence): screen readers must read its title as
    # English on Spanish pages; the PGIC's, translated, is Spanish like the page.
    answered.put("/api/v1/users/me", {"locale": "es"})
    english_title = '<span lang="en">Roland-Morris Disability Questionnaire</span>'
    for path in ("/today", "/charts"):
        html = answered.client.get(path).get_data(as_text=True)
        assert english_title in html, path
        assert "Roland-Morris Disability Questionnaire" not in html.replace(english_title, "")
    charts = answered.client.get("/charts").get_data(as_text=True)
    assert '<span lang="es">' not in charts
