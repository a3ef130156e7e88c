"""Tests of diary.clinical.analysis against CLINICAL.md sections 1, 4 and 6.

Expected values are worked by hand or computed independently (scipy's Mann-Whitney U,
numpy.percentile), never by calling the code under test a second way.
"""

import json
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import mannwhitneyu

from diary.clinical import analysis
from diary.rounding import half_up

T = date(2023, 1, 1)
TODAY = date(2024, 6, 1)
PAIN_KEYS = ("mean", "median", "q1", "q3", "worst", "pct_days_high")
CHANGE_KEYS = ("leg_abs", "leg_pct_reduction", "category", "responder", "nap", "nap_band", "ci95")
ACTIVITIES = (
    "sitting",
    "standing",
    "walking",
    "sleeping",
    "bending_lifting",
    "driving_travel",
    "work_chores",
    "self_care",
)


def entry(offset, leg, back=None, activities=None, distal=0):
    """One entry `offset` days after T, with the day as an ISO string like the database."""
    return {
        "day": (T + timedelta(days=offset)).isoformat(),
        "leg_pain": leg,
        "back_pain": back,
        "activities": activities or {},
        "distal_level": distal,
    }


def series(first_offset, values, **fields):
    return [entry(first_offset + i, v, **fields) for i, v in enumerate(values)]


def by_name(result):
    return {w["name"]: w for w in result["windows"]}


def numbers_of(window):
    """Every number a window reports (None included), to check the 'never a number' rule."""
    values = [window["leg"][k] for k in PAIN_KEYS] + [window["back"][k] for k in PAIN_KEYS]
    values += [window["activity_index"], window["distal_level_median"]]
    if "change" in window:
        values += [window["change"][k] for k in CHANGE_KEYS]
    return values


# --- CLINICAL.md section 6 and the category rules -----------------------------------------


def test_section_6_example_by_hand():
    assert analysis.category(7.93, 2.92) == "substantial_improvement"
    assert round(analysis.percent_reduction(7.93, 2.92), 1) == 63.2
    assert round(2.92 - 7.93, 2) == -5.01


def test_section_6_example_through_compare():
    # 29 baseline days summing to 230 (mean 7.931) and 25 days at 3 months summing to 73
    # (mean 2.92): change -5.01, reduction 63.2%.
    baseline = series(-29, [8] * 27 + [7] * 2)
    three_months = series(77, [3] * 23 + [2] * 2)
    result = analysis.compare(T, baseline + three_months, today=TODAY, baseline_days=29)
    windows = by_name(result)
    assert windows["baseline"]["leg"]["mean"] == 7.93
    assert windows["3m"]["leg"]["mean"] == 2.92
    change = windows["3m"]["change"]
    assert change["leg_abs"] == -5.01
    assert change["leg_pct_reduction"] == 63.2
    assert change["category"] == "substantial_improvement"
    assert change["responder"] is True
    assert change["nap"] == 1.0
    assert change["nap_band"] == "strong"


@pytest.mark.parametrize(
    ("pre", "post", "expected"),
    [
        (4, 2, "substantial_improvement"),  # exactly 50% and exactly 2 points
        (10, 5, "substantial_improvement"),
        (10, 5.01, "important_improvement"),  # 49.9%
        (10, 7, "important_improvement"),  # exactly 30%
        (7.0, 4.9, "important_improvement"),  # 30% in arithmetic, 29.999...% in floats
        (10, 7.01, "minimal_improvement"),  # 29.9%
        (4, 2.01, "minimal_improvement"),  # 49.75% but 1.99 points
        (3, 1.5, "minimal_improvement"),  # 50% of a small baseline: only minimal
        (1.9, 0, "minimal_improvement"),  # 100% but 1.9 points
        (2, 0, "substantial_improvement"),  # 100% and 2 points
        (10, 9, "minimal_improvement"),  # exactly 10% reduction
        (10, 9.01, "no_important_change"),  # 9.9% reduction
        (5, 5, "no_important_change"),
        (10, 11, "no_important_change"),  # exactly 10% increase is not "> 10%"
        (10, 11.01, "worse"),
        (5, 6.5, "worse"),  # +30% but 1.5 points
        (10, 12.99, "worse"),  # 2.99 points but 29.9%
        (10, 13, "important_worsening"),  # exactly +30% and 3 points
        (6, 8, "important_worsening"),  # +33% and exactly 2 points
        (0, 0, "no_important_change"),  # baseline 0: absolute change alone
        (0, 0.5, "worse"),
        (0, 1.99, "worse"),
        (0, 2, "important_worsening"),
    ],
)
def test_category_boundaries(pre, post, expected):
    assert analysis.category(pre, post) == expected


def test_category_refuses_negative_means():
    with pytest.raises(ValueError):
        analysis.category(-1, 2)


def test_percent_reduction_is_not_available_for_a_zero_baseline():
    assert analysis.percent_reduction(0, 3) is None
    assert analysis.percent_reduction(8, 2) == 75.0


def test_zero_baseline_through_compare_reports_no_percent():
    data = series(-28, [0] * 28) + series(77, [3] * 29)
    change = by_name(analysis.compare(T, data, today=TODAY))["3m"]["change"]
    assert change["leg_pct_reduction"] is None
    assert change["leg_abs"] == 3.0
    assert change["category"] == "important_worsening"
    assert change["responder"] is False


# --- windows ------------------------------------------------------------------------------


def test_default_windows_for_a_known_start_day():
    assert analysis.windows(T, last_entry_day="2023-04-11") == [
        ("baseline", date(2022, 12, 4), date(2022, 12, 31)),
        ("2w", date(2023, 1, 9), date(2023, 1, 22)),
        ("6w", date(2023, 1, 30), date(2023, 2, 26)),
        ("3m", date(2023, 3, 19), date(2023, 4, 16)),
        ("6m", date(2023, 6, 18), date(2023, 7, 16)),
        ("12m", date(2023, 12, 18), date(2024, 1, 15)),
        ("latest", date(2023, 3, 15), date(2023, 4, 11)),
    ]


def test_baseline_length_is_configurable():
    assert analysis.windows(T, baseline_days=7)[0] == (
        "baseline",
        date(2022, 12, 25),
        date(2022, 12, 31),
    )
    assert analysis.windows(T, baseline_days=90)[0] == (
        "baseline",
        date(2022, 10, 3),
        date(2022, 12, 31),
    )


def test_longer_exclusion_moves_or_empties_post_windows():
    spans = dict((n, (a, b)) for n, a, b in analysis.windows(T, exclusion_days=10))
    assert spans["2w"] == (date(2023, 1, 12), date(2023, 1, 22))
    assert spans["6w"] == (date(2023, 1, 30), date(2023, 2, 26))

    spans = dict((n, (a, b)) for n, a, b in analysis.windows(T, exclusion_days=30))
    assert spans["2w"] == (None, None)  # wholly inside the exclusion
    assert spans["6w"] == (date(2023, 2, 1), date(2023, 2, 26))
    assert spans["3m"] == (date(2023, 3, 19), date(2023, 4, 16))


def test_shorter_exclusion_keeps_fixed_windows_but_lets_latest_start_earlier():
    spans = dict(
        (n, (a, b))
        for n, a, b in analysis.windows(T, last_entry_day="2023-01-05", exclusion_days=0)
    )
    assert spans["2w"] == (date(2023, 1, 9), date(2023, 1, 22))
    assert spans["latest"] == (date(2023, 1, 2), date(2023, 1, 5))


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (None, (None, None)),
        (date(2022, 12, 20), (None, None)),  # before the therapy
        (date(2023, 1, 8), (None, None)),  # T+7: still in the flare exclusion
        (date(2023, 1, 9), (date(2023, 1, 9), date(2023, 1, 9))),  # T+8
        (date(2023, 1, 21), (date(2023, 1, 9), date(2023, 1, 21))),
        (date(2023, 4, 11), (date(2023, 3, 15), date(2023, 4, 11))),  # T+100: 28 days
    ],
)
def test_latest_window(last, expected):
    name, begin, end = analysis.windows(T, last_entry_day=last)[-1]
    assert name == "latest"
    assert (begin, end) == expected


@pytest.mark.parametrize(
    "kwargs",
    [
        {"baseline_days": 6},
        {"baseline_days": 91},
        {"baseline_days": 28.0},
        {"baseline_days": True},
        {"exclusion_days": -1},
        {"exclusion_days": 31},
    ],
)
def test_out_of_range_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        analysis.windows(T, **kwargs)
    with pytest.raises(ValueError):
        analysis.compare(T, series(-28, [5] * 28), today=TODAY, **kwargs)


def test_every_window_is_listed_in_order_even_without_data():
    result = analysis.compare(T, [], today=TODAY)
    assert [w["name"] for w in result["windows"]] == list(analysis.WINDOW_NAMES)
    assert result["caveat"] == analysis.CAVEAT
    for window in result["windows"]:
        assert window["enough_data"] is False
        assert window["days_logged"] == 0
        assert all(v is None for v in numbers_of(window))
    latest = result["windows"][-1]
    assert (latest["from"], latest["to"], latest["days_in_window"]) == (None, None, 0)
    assert "change" not in result["windows"][0]


def test_a_window_that_runs_past_today_is_in_progress_and_keeps_its_full_length():
    result = analysis.compare(T, series(-28, [5] * 28), today=T + timedelta(days=10))
    windows = by_name(result)
    assert windows["baseline"]["days_in_window"] == 28
    assert windows["baseline"]["days_elapsed"] == 28
    assert windows["baseline"]["in_progress"] is False
    two_weeks = windows["2w"]  # T+8 .. T+21, seen on T+10
    assert (two_weeks["days_in_window"], two_weeks["days_elapsed"]) == (14, 3)
    assert two_weeks["in_progress"] is True
    # Not reached yet is not "in progress": nothing of it has happened.
    six_weeks = windows["6w"]
    assert (six_weeks["days_in_window"], six_weeks["days_elapsed"]) == (28, 0)
    assert six_weeks["in_progress"] is False


def test_an_in_progress_window_has_numbers_once_it_has_five_logged_days():
    today = T + timedelta(days=90)  # 3 months is T+77 .. T+105: 14 of 29 days so far
    rows = series(-28, [8] * 28) + series(77, [3] * 14)
    three_months = by_name(analysis.compare(T, rows, today=today))["3m"]
    assert three_months["in_progress"] is True
    assert (three_months["days_elapsed"], three_months["days_in_window"]) == (14, 29)
    assert three_months["enough_data"] is True and three_months["leg"]["mean"] == 3.0
    assert three_months["change"]["category"] == "substantial_improvement"
    finished = by_name(analysis.compare(T, rows, today=T + timedelta(days=105)))["3m"]
    assert finished["in_progress"] is False and finished["days_elapsed"] == 29


def test_caveat_mentions_what_the_spec_requires():
    text = analysis.CAVEAT
    for phrase in (
        "not a controlled trial",
        "on its own",
        "regression",
        "RESPINE",
        "74%",
        "69%",
        "12 months",
    ):
        assert phrase in text


# --- enough data --------------------------------------------------------------------------


def test_four_days_give_no_numbers_and_five_days_do():
    baseline = series(-28, [6] * 28, back=4, activities=dict.fromkeys(ACTIVITIES[:4], 2))
    four = series(8, [3, 4, 3, 4], back=2, activities=dict.fromkeys(ACTIVITIES[:4], 1))
    windows = by_name(analysis.compare(T, baseline + four, today=TODAY))
    two_weeks = windows["2w"]
    assert two_weeks["days_logged"] == 4
    assert two_weeks["enough_data"] is False
    assert all(v is None for v in numbers_of(two_weeks))

    five = four + [entry(12, 3, back=2, activities=dict.fromkeys(ACTIVITIES[:4], 1))]
    two_weeks = by_name(analysis.compare(T, baseline + five, today=TODAY))["2w"]
    assert two_weeks["enough_data"] is True
    assert two_weeks["leg"]["mean"] == 3.4
    assert two_weeks["back"]["mean"] == 2.0
    assert two_weeks["activity_index"] == 25.0
    assert two_weeks["change"]["leg_abs"] == -2.6


def test_a_thin_baseline_gives_no_change_anywhere():
    data = series(-4, [8, 8, 8, 8]) + series(8, [2] * 14) + series(77, [2] * 29)
    windows = by_name(analysis.compare(T, data, today=TODAY))
    assert windows["baseline"]["enough_data"] is False
    assert windows["3m"]["enough_data"] is True
    assert windows["3m"]["leg"]["mean"] == 2.0
    assert all(windows["3m"]["change"][k] is None for k in CHANGE_KEYS)


def test_back_pain_alone_does_not_make_a_window_count():
    baseline = series(-28, [None] * 28, back=6)
    window = by_name(analysis.compare(T, baseline, today=TODAY))["baseline"]
    assert window["days_logged"] == 0
    assert window["enough_data"] is False
    assert window["back"]["mean"] is None


def test_back_needs_its_own_five_days():
    baseline = series(-28, [6] * 28)
    for e in baseline[:4]:
        e["back_pain"] = 5
    window = by_name(analysis.compare(T, baseline, today=TODAY))["baseline"]
    assert window["enough_data"] is True
    assert all(window["back"][k] is None for k in PAIN_KEYS)


# --- daily values -------------------------------------------------------------------------


def test_entries_on_one_day_are_averaged():
    days = analysis.daily_values(
        [
            entry(0, 4, back=None, distal=2),
            entry(0, 7, back=3, distal=4),
            entry(0, None, back=5, distal=1),
            entry(1, None, back=2),
        ]
    )
    assert [d["day"] for d in days] == [T, T + timedelta(days=1)]
    assert days[0]["leg"] == 5.5
    assert days[0]["back"] == 4.0
    assert days[0]["distal_level"] == 4
    assert days[1]["leg"] is None


def test_several_entries_a_day_count_as_one_logged_day():
    baseline = series(-28, [8] * 28) + series(-28, [6] * 28)
    window = by_name(analysis.compare(T, baseline, today=TODAY))["baseline"]
    assert window["days_logged"] == 28
    assert window["leg"]["mean"] == 7.0
    assert window["leg"]["pct_days_high"] == 100.0


def test_activity_index_merges_the_days_entries_and_needs_four_activities():
    days = analysis.daily_values(
        [
            entry(0, 5, activities={"sitting": 2, "walking": 4}),
            entry(0, 5, activities={"walking": 2, "standing": 1, "sleeping": 3}),
            entry(1, 5, activities={"sitting": 2, "walking": 4, "standing": 0}),
            entry(2, 5, activities={"sitting": 0, "walking": 0, "standing": 0, "sleeping": 0}),
        ]
    )
    # sitting 2, walking (4 + 2) / 2 = 3, standing 1, sleeping 3: mean 2.25 x 25.
    assert days[0]["activity_index"] == 56.25
    assert days[1]["activity_index"] is None  # 3 answered: unknown, not zero
    assert days[2]["activity_index"] == 0.0


def test_days_may_be_strings_or_dates_in_any_order():
    as_strings = series(-28, list(range(11)) * 2 + [3] * 6) + series(77, [2] * 29)
    as_dates = [dict(e, day=date.fromisoformat(e["day"])) for e in reversed(as_strings)]
    assert analysis.compare("2023-01-01", as_strings, today="2024-06-01") == analysis.compare(
        T, as_dates, today=TODAY
    )


def test_precomputed_days_give_the_same_result():
    data = series(-28, [7, 8, 6, 9] * 7) + series(8, [5, 4, 6] * 30)
    days = analysis.daily_values(data)
    assert analysis.compare(T, None, today=TODAY, days=days) == analysis.compare(
        T, data, today=TODAY
    )
    with pytest.raises(ValueError):
        analysis.compare(T, None, today=TODAY)


def test_timeline_trailing_mean_uses_logged_days_in_the_last_seven_calendar_days():
    rows = analysis.timeline([entry(0, 2), entry(1, 4), entry(3, 6), entry(9, 8, back=1)])
    assert [r["day"] for r in rows] == ["2023-01-01", "2023-01-02", "2023-01-04", "2023-01-10"]
    assert [r["leg_avg7"] for r in rows] == [2.0, 3.0, 4.0, 7.0]  # day 9 sees days 3..9
    assert [r["back_avg7"] for r in rows] == [None, None, None, 1.0]
    assert analysis.timeline([]) == []


def test_timeline_rounds_for_display():
    rows = analysis.timeline([entry(0, 5), entry(0, 6), entry(0, 6)])
    assert rows[0]["leg"] == 5.67


# --- window statistics --------------------------------------------------------------------


def test_window_summary_by_hand():
    values = [7, 6, 8, 2, 10]
    data = series(-28, values, back=7) + series(-23, [None] * 3, back=1)
    for e, level in zip(data, [1, 5, 3, 3, 4, 2, 2, 2], strict=True):
        e["distal_level"] = level
    window = by_name(analysis.compare(T, data, today=TODAY))["baseline"]
    assert window["leg"] == {
        "mean": 6.6,
        "median": 7.0,
        "q1": 6.0,
        "q3": 8.0,
        "worst": 10.0,
        "pct_days_high": 60.0,
    }
    assert window["back"]["pct_days_high"] == 62.5  # 5 of 8 days at 7
    assert window["distal_level_median"] == 2.5


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 20).map(lambda v: v / 2), min_size=5, max_size=28))
def test_quartiles_match_numpy_percentile(values):
    window = by_name(analysis.compare(T, series(-28, values), today=TODAY))["baseline"]
    q1, median, q3 = np.percentile(values, [25, 50, 75])
    # Rounded by the diary's rule, halves up: a quartile of 0.125 is 0.13, not round()'s 0.12.
    assert window["leg"]["q1"] == half_up(q1, 2)
    assert window["leg"]["median"] == half_up(median, 2)
    assert window["leg"]["q3"] == half_up(q3, 2)
    assert window["leg"]["worst"] == max(values)


def test_output_is_plain_json():
    data = series(-28, [7, 8] * 14, back=5, activities=dict.fromkeys(ACTIVITIES, 3))
    data += series(8, [4, 5, 3] * 40, back=3, activities=dict.fromkeys(ACTIVITIES, 1))
    result = analysis.compare(T, data, today=TODAY)
    assert json.loads(json.dumps(result)) == result
    change = by_name(result)["3m"]["change"]
    assert type(change["nap"]) is float
    assert all(type(v) is float for v in change["ci95"])


# --- NAP and the bootstrap ----------------------------------------------------------------


def test_nap_by_hand():
    assert analysis.nap([5, 5], [3, 5]) == 0.75
    assert analysis.nap([8, 9], [1, 2, 3]) == 1.0
    assert analysis.nap([1, 2], [8, 9]) == 0.0
    assert analysis.nap([4, 4, 4], [4, 4]) == 0.5
    with pytest.raises(ValueError):
        analysis.nap([], [1])


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0.5, "weak"),
        (0.6549, "weak"),
        (0.66, "medium"),
        (0.92, "medium"),
        (0.9249, "medium"),
        (0.9299, "strong"),
        (0.93, "strong"),
        (1.0, "strong"),
    ],
)
def test_nap_bands(value, band):
    assert analysis.nap_band(value) == band


pain = st.integers(0, 10)
pain_lists = st.lists(pain, min_size=1, max_size=40)


@settings(max_examples=150)
@given(pain_lists, pain_lists)
def test_nap_equals_mann_whitney_u_over_pairs(pre, post):
    # scipy's statistic is U of the first sample: pairs where pre > post, ties one half,
    # which is "post lower = improvement".
    u = mannwhitneyu(pre, post, alternative="two-sided").statistic
    assert analysis.nap(pre, post) == pytest.approx(u / (len(pre) * len(post)))


@settings(max_examples=100)
@given(pain_lists, st.lists(st.tuples(pain, st.integers(0, 10)), min_size=1, max_size=40))
def test_lowering_post_values_never_lowers_nap_or_percent_reduction(pre, post_and_drop):
    post = [p for p, _ in post_and_drop]
    lowered = [max(0, p - d) for p, d in post_and_drop]
    assert analysis.nap(pre, lowered) >= analysis.nap(pre, post)
    pre_mean = np.mean(pre)
    if pre_mean > 0:
        assert analysis.percent_reduction(pre_mean, np.mean(lowered)) >= analysis.percent_reduction(
            pre_mean, np.mean(post)
        )


def test_constant_series_give_a_point_interval():
    assert analysis.block_bootstrap_ci([7] * 28, [3] * 20) == (-4.0, -4.0)


def test_a_short_varying_window_still_gives_an_interval_of_some_width():
    lo, hi = analysis.block_bootstrap_ci([6] * 28, [1, 9, 1, 9, 2])
    assert lo < hi


def explicit_circular_block_means(values, side, block=7, resamples=2000):
    """The bootstrap spelled out: gather every day of every wrapped block, then average."""
    values = np.asarray(values, dtype=float)
    n = values.size
    length = max(1, min(block, n - 1))
    count = -(-n // length)
    rng = np.random.default_rng([analysis.BOOTSTRAP_SEED, side])
    starts = rng.integers(0, n, size=(resamples, count))
    days = (starts[:, :, None] + np.arange(length)) % n
    return values[days.reshape(resamples, -1)[:, :n]].mean(axis=1)


@settings(max_examples=40)
@given(st.lists(pain, min_size=1, max_size=60), st.lists(pain, min_size=1, max_size=60))
def test_block_sum_shortcut_equals_gathering_every_day(pre, post):
    differences = explicit_circular_block_means(post, 1) - explicit_circular_block_means(pre, 0)
    expected = np.percentile(differences, [2.5, 97.5])
    assert analysis.block_bootstrap_ci(pre, post) == pytest.approx(tuple(expected))


def test_compare_reports_the_same_interval_as_the_bootstrap_function():
    pre = [7, 8, 6, 9, 8, 7, 7, 8, 9, 6, 7, 8, 8, 7, 6, 9, 8, 7, 7, 8, 9, 6, 7, 8, 8, 7, 6, 9]
    two_weeks = [5, 6, 4, 6, 5, 3, 5, 6, 4, 5, 6, 5, 4, 4]
    three_months = [
        3,
        2,
        4,
        3,
        2,
        1,
        3,
        4,
        2,
        3,
        3,
        2,
        1,
        2,
        3,
        4,
        3,
        2,
        2,
        3,
        1,
        2,
        3,
        3,
        2,
        4,
        3,
        2,
        2,
    ]
    data = series(-28, pre) + series(8, two_weeks) + series(77, three_months)
    windows = by_name(analysis.compare(T, data, today=TODAY))
    for name, post in (("2w", two_weeks), ("3m", three_months)):
        lo, hi = analysis.block_bootstrap_ci(pre, post)
        assert windows[name]["change"]["ci95"] == [half_up(lo, 2), half_up(hi, 2)]
        assert lo < np.mean(post) - np.mean(pre) < hi


def test_bootstrap_refuses_empty_sides_and_bad_settings():
    with pytest.raises(ValueError):
        analysis.block_bootstrap_ci([], [1, 2])
    with pytest.raises(ValueError):
        analysis.block_bootstrap_ci([1, 2], [1, 2], block=0)
    with pytest.raises(ValueError):
        analysis.block_bootstrap_ci([1, 2], [1, 2], resamples=0)


float_lists = st.lists(st.integers(0, 20).map(lambda v: v / 2), min_size=1, max_size=60)


@settings(max_examples=100)
@given(float_lists, float_lists)
def test_interval_is_ordered_and_repeatable(pre, post):
    first = analysis.block_bootstrap_ci(pre, post)
    assert first[0] <= first[1]
    assert analysis.block_bootstrap_ci(pre, post) == first
    # A bootstrap interval is built from resample means, so it stays within their range.
    assert min(post) - max(pre) - 1e-9 <= first[0]
    assert first[1] <= max(post) - min(pre) + 1e-9


# --- properties of the whole comparison ---------------------------------------------------

diaries = st.dictionaries(st.integers(-40, 130), st.one_of(st.none(), pain), max_size=90)


def diary_entries(days):
    return [
        entry(offset, leg, back=None if leg is None else 10 - leg)
        for offset, leg in sorted(days.items())
    ]


@settings(max_examples=80, deadline=None)
@given(diaries, st.integers(0, 30), st.integers(7, 40))
def test_a_window_with_fewer_than_five_days_never_yields_a_number(days, exclusion, base):
    result = analysis.compare(
        T,
        diary_entries(days),
        today=T + timedelta(days=100),
        baseline_days=base,
        exclusion_days=exclusion,
    )
    baseline = result["windows"][0]
    for window in result["windows"]:
        assert window["enough_data"] == (window["days_logged"] >= 5)
        if window["days_logged"] < 5:
            assert all(v is None for v in numbers_of(window))
        if "change" in window and baseline["days_logged"] < 5:
            assert all(window["change"][k] is None for k in CHANGE_KEYS)
        if window["enough_data"] and baseline["enough_data"] and "change" in window:
            lo, hi = window["change"]["ci95"]
            assert lo <= hi


@settings(max_examples=60, deadline=None)
@given(diaries, st.randoms(use_true_random=False))
def test_same_data_in_any_order_gives_the_same_comparison(days, rnd):
    data = diary_entries(days)
    shuffled = data[:]
    rnd.shuffle(shuffled)
    first = analysis.compare(T, data, today=TODAY)
    assert analysis.compare(T, shuffled, today=TODAY) == first
    assert analysis.compare(T, data, today=TODAY) == first


@settings(max_examples=60, deadline=None)
@given(
    st.lists(pain, min_size=5, max_size=28),
    st.dictionaries(st.integers(8, 130), st.tuples(pain, st.integers(0, 10)), max_size=80),
)
def test_lowering_post_values_through_compare(baseline, post):
    pre_entries = series(-len(baseline), baseline)
    before = analysis.compare(
        T, pre_entries + [entry(k, v) for k, (v, _) in post.items()], today=TODAY
    )
    after = analysis.compare(
        T, pre_entries + [entry(k, max(0, v - d)) for k, (v, d) in post.items()], today=TODAY
    )
    for old, new in zip(before["windows"][1:], after["windows"][1:], strict=True):
        if old["change"]["nap"] is None:
            assert new["change"]["nap"] is None
            continue
        assert new["change"]["nap"] >= old["change"]["nap"]
        if old["change"]["leg_pct_reduction"] is not None:
            assert new["change"]["leg_pct_reduction"] >= old["change"]["leg_pct_reduction"]
