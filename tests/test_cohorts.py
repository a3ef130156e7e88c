"""The cohort domain, pure: Wilson's interval, each patient's windows, the table's rows,
small-cell suppression, the chart's labels and the query rules (diary/cohorts)."""

import random
from datetime import date, timedelta

import pytest
from scipy.stats import binomtest

from diary import clinical
from diary.cohorts import chart, export, outcomes, rows, stats, words
from diary.cohorts.schemas import read_query
from diary.cohorts.table import cohort_table
from diary.questionnaires import engine

TODAY = date(2026, 6, 1)


@pytest.mark.parametrize(
    "successes, n, lo, hi",
    [
        # Worked by hand: centre (p + z²/2n) / (1 + z²/n), half-width
        # z √(p(1-p)/n + z²/4n²) / (1 + z²/n), z = 1.96.
        (7, 10, 0.3968, 0.8922),
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
        (1, 1, 0.2065, 1.0),
        (0, 1, 0.0, 0.7935),
        (13, 26, 0.3206, 0.6794),
    ],
)
def test_wilson_interval_against_hand_worked_values(successes, n, lo, hi):
    got = stats.wilson(successes, n)
    assert got == pytest.approx((lo, hi), abs=5e-5)
    # And against scipy's own Wilson interval.
    ci = binomtest(successes, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert got == pytest.approx((ci.low, ci.high), abs=1e-9)


def test_wilson_edges():
    assert stats.wilson(0, 0) is None
    assert stats.wilson(0, 40)[0] == 0.0 and stats.wilson(40, 40)[1] == 1.0
    with pytest.raises(ValueError):
        stats.wilson(11, 10)
    assert stats.sd([5.0]) is None and stats.mean([]) is None


def _days(start, levels, logged=7):
    """Daily values (as analysis.daily_values gives them) of ``levels`` {offset: leg}."""
    return [
        {
            "day": start + timedelta(days=o),
            "leg": leg,
            "back": None,
            "activity_index": None,
            "distal_level": 0,
        }
        for o, leg in sorted(levels.items())
    ]


def _span(first, count, leg, step=2):
    return {first + step * i: leg for i in range(count)}


def _therapy(start, kind="msc_injection", therapy_id="t1"):
    return {"id": therapy_id, "kind": kind, "start_day": start.isoformat(), "created_at": "x"}


def test_a_window_not_finished_counts_as_no_data_even_with_enough_days():
    start = TODAY - timedelta(days=90)  # the 3-month window (days 77-105) is running
    days = _days(
        start, {**_span(-28, 7, 8), **_span(8, 7, 4), **_span(29, 5, 4), **_span(77, 6, 2)}
    )
    windows = outcomes.patient_outcome(_therapy(start), days, today=TODAY)["windows"]
    assert {n: w["status"] for n, w in windows.items()} == {
        "baseline": "data",
        "2w": "data",
        "6w": "data",
        "3m": "in_progress",
        "6m": "not_reached",
        "12m": "not_reached",
    }
    assert windows["3m"]["leg"] is None and windows["3m"]["responder"] is None
    # 8 -> 4 is a 50% and 4-point fall: a responder, measured from day 0.
    assert windows["2w"]["responder"] is True and windows["2w"]["leg_pct_reduction"] == 50
    assert (windows["2w"]["from_offset"], windows["2w"]["to_offset"]) == (8, 21)
    assert windows["baseline"]["leg_change"] is None


def test_four_days_are_not_enough_and_a_flare_week_is_in_no_window():
    start = TODAY - timedelta(days=60)
    days = _days(start, {**_span(-28, 7, 6), **_span(1, 7, 10, step=1), **_span(8, 4, 2)})
    windows = outcomes.patient_outcome(_therapy(start), days, today=TODAY)["windows"]
    assert windows["2w"]["status"] == "not_enough_data" and windows["2w"]["days_logged"] == 4


def _outcome(start, base, after):
    levels = {**_span(-28, 7, base)}
    for first in (8, 29, 77, 168, 351):
        levels.update(_span(first, 7, after))
    return outcomes.patient_outcome(_therapy(start), _days(start, levels), today=TODAY)


def test_rows_in_the_trials_layout_and_small_cells_suppressed():
    start = TODAY - timedelta(days=400)
    table = cohort_table(
        [_outcome(start, 8, 3), _outcome(start, 6, 5), _outcome(start, 7, 4)], kind="msc_injection"
    )
    shown = {row["key"]: row for row in rows.table_rows(table)}
    assert shown["leg"]["cells"][0]["text"] == "7.0 ± 1.0 (3)"
    assert shown["leg_change_of_means"]["cells"][1]["text"] == "\u22123.0"
    assert shown["responders"]["cells"][1]["text"] == "2 of 3 (67%, 21-94%)"
    assert shown["responders"]["cells"][0]["text"] == words.NO_NUMBER
    assert rows.suppressed(shown["leg"]["cells"][0]) == words.SUPPRESSED
    assert rows.suppressed({"text": "0", "n": 0}) == "0"
    assert rows.suppressed({"text": "5.0 ± 1.0 (5)", "n": 5}) == "5.0 ± 1.0 (5)"
    text = export.table_csv(table)
    assert "7.0 ± 1.0 (3)" not in text and text.count(words.SUPPRESSED) > 10


def test_the_mean_of_each_patients_change_is_not_the_change_of_the_means():
    start = TODAY - timedelta(days=400)
    # 10 -> 5 (50%) and 2 -> 2 (0%): the means go 6 -> 3.5 (-41.7%), each patient's
    # reductions average 25%.
    table = cohort_table([_outcome(start, 10, 5), _outcome(start, 2, 2)], kind="msc_injection")
    window = table["windows"][1]
    assert window["change_of_means"] == -2.5 and window["mean_of_pct_changes"] == 25.0


def test_the_chart_labels_patients_at_random_and_keeps_names_out_of_the_files():
    start = TODAY - timedelta(days=400)
    members = [(f"Name {i}", _outcome(start, 8, i)) for i in range(1, 6)]
    table = cohort_table([o for _n, o in members], kind="msc_injection")
    drawn = [chart.chart_data(table, members, rng=random.Random(seed)) for seed in range(6)]
    assert {p["label"] for p in drawn[0]["patients"]} == {f"P{i}" for i in range(1, 6)}
    assert len({tuple(p["name"] for p in d["patients"]) for d in drawn}) > 1
    assert drawn[0]["leg"]["sd"][0] == 0.0 and len(drawn[0]["patients"][0]["leg"]) == 6
    research = export.research_csv([o for _n, o in members], table, rng=random.Random(1))
    assert "Name" not in research and "P5" in research


def test_every_instrument_and_kind_has_its_words():
    assert set(words.QUESTIONNAIRE_ROWS) == set(engine.catalogue())
    assert set(words.WINDOW_HEADINGS) == set(outcomes.WINDOWS)
    for kind, name in clinical.THERAPY_KINDS.items():
        for population in ("all", "completers"):
            caution = " ".join(cohort_table([], kind=kind, population_kind=population)["caution"])
            assert name in caution and "RESPINE" in caution and "69%" in caution
            assert "Completers are not everyone" in caution
            assert "not the mean of each patient's change" in caution
    with pytest.raises(ValueError):
        cohort_table([], kind="surgery", population_kind="some")
    with pytest.raises(ValueError):
        cohort_table([], kind="massage")


def test_the_query_names_each_bad_parameter():
    assert read_query({"kind": ["surgery"]}) == (
        {"kind": "surgery", "population": "all", "through": "12m"},
        {},
    )
    _values, errors = read_query({"kind": ["x", "y"], "population": ["no"], "through": ["1y"]})
    assert set(errors) == {"kind", "population", "through"}
    assert read_query({}, need_kind=False)[1] == {}
    assert "kind" in read_query({})[1]
