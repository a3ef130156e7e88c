"""Before/after statistics for the pain diary (CLINICAL.md sections 1 and 4).

Pure functions over plain dicts: no Flask, nothing imported from the app but its one
rounding rule (diary/rounding.py: halves away from zero). Entries come in
as ``{"day", "leg_pain", "back_pain", "activities", "distal_level"}`` (deleted ones already
removed); everything is computed on daily values, the mean of each day's entries.
Floats are kept unrounded inside and rounded only where ``compare`` and ``timeline`` hand
them out.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from statistics import fmean, median, quantiles

import numpy as np

from diary.rounding import half_up

MIN_DAYS = 5
HIGH_PAIN = 7
MIN_ACTIVITIES = 4
BLOCK_DAYS = 7
RESAMPLES = 2000
BOOTSTRAP_SEED = 20_090_601
# Boundaries such as "30% and 2 points" must hold when reached exactly in arithmetic even
# though means of daily values are floats (7.0 -> 4.9 is 29.999999999999996% in binary).
TOLERANCE = 1e-9

WINDOW_NAMES = ("baseline", "2w", "6w", "3m", "6m", "12m", "latest")
# Post windows in days after T (CLINICAL.md section 4); "latest" is placed by the data.
POST_WINDOWS = (("2w", 8, 21), ("6w", 29, 56), ("3m", 77, 105), ("6m", 168, 196), ("12m", 351, 379))
LATEST_DAYS = 28

CATEGORIES = (
    "substantial_improvement",
    "important_improvement",
    "minimal_improvement",
    "no_important_change",
    "worse",
    "important_worsening",
)
RESPONDER_CATEGORIES = frozenset(CATEGORIES[:2])


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "translate later"
    """Mark ``message`` for the translation catalogue (this module imports nothing of the app)."""
    return message


#: The caveat every comparison carries. The shares are placeholders so that a translation
#: writes them as its language does ("74 %"); CAVEAT is the English text the API's
#: statistics carry, and pages say CAVEAT_TEMPLATE in the reader's language.
CAVEAT_TEMPLATE = N_(
    "A before/after diary is not a controlled trial. Sciatica often improves on its own, "
    "and scores recorded at a bad time tend to drift back towards usual levels (regression "
    "to the mean), so a change after a therapy does not show that the therapy caused it. "
    "In the RESPINE trial, %(stem_cells)s of patients given stem cells and %(sham)s given a "
    "sham procedure were responders at 12 months."
)
#: The RESPINE trial's responder shares at 12 months.
CAVEAT_SHARES = {"stem_cells": 0.74, "sham": 0.69}
CAVEAT = CAVEAT_TEMPLATE % {name: f"{share:.0%}" for name, share in CAVEAT_SHARES.items()}

_PAIN_KEYS = ("mean", "median", "q1", "q3", "worst", "pct_days_high")
_CHANGE_KEYS = ("leg_abs", "leg_pct_reduction", "category", "responder", "nap", "nap_band", "ci95")


def _as_date(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _round(value: float | None, digits: int = 2) -> float | None:
    return half_up(None if value is None else float(value), digits)


def _day_key(row: dict) -> date:
    return row["day"]


# --- daily values -------------------------------------------------------------------------


def _activity_index(answers: list[dict]) -> float | None:
    """Mean level x 25 of a day's activities, each at its mean over the day's entries."""
    # Unanswered (absent or None) means unknown, never zero (CLINICAL.md section 1).
    if len(answers) == 1:
        levels = [v for v in answers[0].values() if v is not None]
    else:
        merged: dict[str, list] = {}
        for activities in answers:
            for code, level in activities.items():
                if level is not None:
                    merged.setdefault(code, []).append(level)
        levels = [sum(v) / len(v) for v in merged.values()]
    if len(levels) < MIN_ACTIVITIES:
        return None
    return sum(levels) / len(levels) * 25


def daily_values(entries: Iterable[dict]) -> list[dict]:
    """Collapse entries into one value per calendar day, sorted by day.

    Returns ``[{"day": date, "leg", "back", "activity_index", "distal_level"}]``: ``leg`` and
    ``back`` are the mean of the day's non-null ratings (None when none), ``activity_index``
    is the mean of the day's answered activities x 25 (an activity answered in several
    entries counts once, at its mean) or None when fewer than 4 distinct activities are
    answered, ``distal_level`` is the day's highest. Values are unrounded: this is the input
    to ``compare``'s ``days=``. Refuses (ValueError) a day that is not an ISO date; ranges
    are not re-checked here, the caller's validation owns them.
    """
    # Running sums and counts, and activity dicts merged only on the rare day with several
    # entries: this runs over years of entries on every chart and comparison request.
    by_day: dict[date, list] = {}
    for entry in entries:
        day = entry["day"]
        if not isinstance(day, date):
            day = date.fromisoformat(day)
        acc = by_day.get(day)
        if acc is None:
            # leg sum, leg count, back sum, back count, [activity dicts], distal
            acc = by_day[day] = [0, 0, 0, 0, [], 0]
        leg = entry.get("leg_pain")
        if leg is not None:
            acc[0] += leg
            acc[1] += 1
        back = entry.get("back_pain")
        if back is not None:
            acc[2] += back
            acc[3] += 1
        activities = entry.get("activities")
        if activities:
            acc[4].append(activities)
        distal = entry.get("distal_level") or 0
        if distal > acc[5]:
            acc[5] = distal

    days = []
    for day in sorted(by_day):
        leg_sum, leg_n, back_sum, back_n, answers, distal = by_day[day]
        days.append(
            {
                "day": day,
                "leg": leg_sum / leg_n if leg_n else None,
                "back": back_sum / back_n if back_n else None,
                "activity_index": _activity_index(answers),
                "distal_level": distal,
            }
        )
    return days


def _trailing_mean(ordinals: np.ndarray, values: list, span: int) -> list:
    """Mean of the non-null values within [day - span + 1, day], per day (prefix sums)."""
    kept_days = ordinals[np.array([v is not None for v in values], dtype=bool)]
    sums = np.cumsum([0.0] + [v for v in values if v is not None]).tolist()
    lo = np.searchsorted(kept_days, ordinals - (span - 1), side="left").tolist()
    hi = np.searchsorted(kept_days, ordinals, side="right").tolist()
    return [(sums[b] - sums[a]) / (b - a) if b > a else None for a, b in zip(lo, hi, strict=True)]


#: The timeline's trailing means span this many calendar days, the day itself included.
AVERAGE_DAYS = 7
#: The timeline shows a day's pain to this many decimals (its weekly averages start there).
PAIN_DIGITS = 2


def averages_from(first_day: date) -> date:
    """The first day whose daily value counts in the trailing means of ``first_day`` and
    the days after it: a timeline shown from ``first_day`` needs the days from here on."""
    return first_day - timedelta(days=AVERAGE_DAYS - 1)


def timeline(
    entries: Iterable[dict] | None = None,
    *,
    days: list[dict] | None = None,
    first_day: date | None = None,
) -> list[dict]:
    """Daily values for charts, with trailing 7-calendar-day means.

    Returns ``daily_values(entries)`` (day as an ISO string, pain rounded to 2 decimals,
    the activity index to 1) plus ``leg_avg7`` and ``back_avg7``: the mean of the logged
    daily values in [day - 6, day], None when that span holds none. ``days`` may carry
    ``daily_values(entries)`` computed already; ``entries`` is then ignored. With
    ``first_day``, only the rows from that day on: ``days`` must then hold every logged day
    from ``averages_from(first_day)`` on (earlier ones may be missing), and the rows are
    those of the whole diary's timeline. Refuses what ``daily_values`` refuses.
    """
    if days is None:
        days = daily_values(entries)
    shown = 0 if first_day is None else bisect_left(days, first_day, key=_day_key)
    if shown == len(days):
        return []
    ordinals = np.array([d["day"].toordinal() for d in days], dtype=np.int64)
    leg7 = _trailing_mean(ordinals, [d["leg"] for d in days], AVERAGE_DAYS)
    back7 = _trailing_mean(ordinals, [d["back"] for d in days], AVERAGE_DAYS)
    return [
        {
            "day": d["day"].isoformat(),
            "leg": _round(d["leg"], PAIN_DIGITS),
            "back": _round(d["back"], PAIN_DIGITS),
            "activity_index": _round(d["activity_index"], 1),
            "distal_level": d["distal_level"],
            "leg_avg7": _round(leg),
            "back_avg7": _round(back),
        }
        for d, leg, back in zip(days[shown:], leg7[shown:], back7[shown:], strict=True)
    ]


# --- windows ------------------------------------------------------------------------------


def _check_int(name: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}, got {value!r}")


def windows(
    therapy_start: str | date,
    *,
    last_entry_day: str | date | None = None,
    baseline_days: int = 28,
    exclusion_days: int = 7,
) -> list[tuple[str, date | None, date | None]]:
    """The one place that decides what a comparison window is.

    Returns ``[(name, from_day, to_day)]`` for every name in ``WINDOW_NAMES``, in that
    order, both ends inclusive. Baseline is T - baseline_days .. T - 1. Days T ..
    T + exclusion_days belong to no window: a post window starting inside them starts at
    T + exclusion_days + 1 instead, and one lying wholly inside them is (name, None, None).
    "latest" is the 28 days ending on ``last_entry_day``, also starting no earlier than
    T + exclusion_days + 1 (so it never mixes in baseline or flare days), and is
    (name, None, None) unless that day is after T + exclusion_days. Refuses (ValueError)
    baseline_days outside 7-90, exclusion_days outside 0-30 and days that are not ISO dates.
    """
    _check_int("baseline_days", baseline_days, 7, 90)
    _check_int("exclusion_days", exclusion_days, 0, 30)
    start = _as_date(therapy_start)
    first_post = start + timedelta(days=exclusion_days + 1)

    result: list[tuple[str, date | None, date | None]] = [
        ("baseline", start - timedelta(days=baseline_days), start - timedelta(days=1))
    ]
    for name, lo, hi in POST_WINDOWS:
        begin, end = max(start + timedelta(days=lo), first_post), start + timedelta(days=hi)
        result.append((name, begin, end) if begin <= end else (name, None, None))

    last = _as_date(last_entry_day) if last_entry_day is not None else None
    if last is not None and last >= first_post:
        begin = max(last - timedelta(days=LATEST_DAYS - 1), first_post)
        result.append(("latest", begin, last))
    else:
        result.append(("latest", None, None))
    return result


def days_within(days: Sequence[dict], begin: date | None, end: date | None) -> Sequence[dict]:
    """The daily values (``daily_values``' rows, sorted by day) with begin <= day <= end;
    none when the window has no days (``windows`` gave it None ends)."""
    if begin is None or end is None:
        return []
    return days[bisect_left(days, begin, key=_day_key) : bisect_right(days, end, key=_day_key)]


def window_progress(begin: date | None, end: date | None, today: date) -> tuple[int, int]:
    """``(days_in_window, days_elapsed)`` of the window [begin, end] on ``today``: its whole
    length in calendar days, and how many of them are not after today (0 for a window not
    reached yet, or one without days)."""
    if begin is None or end is None:
        return 0, 0
    return (end - begin).days + 1, max(0, (min(end, today) - begin).days + 1)


def in_progress(days_in_window: int, days_elapsed: int) -> bool:
    """Begun and not over (CLINICAL.md section 4): numbers from it are "so far", never final,
    and a window not reached yet is not in progress."""
    return 0 < days_elapsed < days_in_window


# --- small statistics ---------------------------------------------------------------------


def percent_reduction(pre_mean: float, post_mean: float) -> float | None:
    """100 x (pre - post) / pre, unrounded; None when the baseline mean is 0 (n/a)."""
    if pre_mean == 0:
        return None
    return 100.0 * (pre_mean - post_mean) / pre_mean


def category(pre_mean: float, post_mean: float) -> str:
    """Category of the change in mean leg pain (CLINICAL.md section 4, IMMPACT).

    Returns one of ``CATEGORIES``. Percent thresholds need the point threshold too (a large
    percent of a small baseline is only minimal). With a baseline of 0 the percent is n/a
    and the absolute change alone decides. Boundaries are inclusive as written in
    CLINICAL.md, compared with a 1e-9 tolerance. Refuses (ValueError) negative means.
    """
    if pre_mean < 0 or post_mean < 0:
        raise ValueError("pain means cannot be negative")
    drop = pre_mean - post_mean
    if pre_mean == 0:
        if post_mean >= 2 - TOLERANCE:
            return "important_worsening"
        return "worse" if post_mean > 0 else "no_important_change"
    pct = 100.0 * drop / pre_mean
    if drop >= 2 - TOLERANCE and pct >= 50 - TOLERANCE:
        return "substantial_improvement"
    if drop >= 2 - TOLERANCE and pct >= 30 - TOLERANCE:
        return "important_improvement"
    if pct >= 10 - TOLERANCE:
        return "minimal_improvement"
    if -drop >= 2 - TOLERANCE and -pct >= 30 - TOLERANCE:
        return "important_worsening"
    if -pct > 10 + TOLERANCE:
        return "worse"
    return "no_important_change"


def nap(pre_values: Sequence[float], post_values: Sequence[float]) -> float:
    """Non-overlap of all pairs (Parker & Vannest 2009), unrounded, in [0, 1].

    Share of (pre, post) pairs where the post value is lower (an improvement), ties
    counting one half: 0.5 is no effect, 1 is every post day below every pre day.
    Refuses (ValueError) an empty side.
    """
    pre = np.sort(np.asarray(pre_values, dtype=float))
    post = np.asarray(post_values, dtype=float)
    if pre.size == 0 or post.size == 0:
        raise ValueError("NAP needs at least one value on each side")
    # Sorting once makes every post day a pair of binary searches instead of n1 comparisons.
    below_or_tied = np.searchsorted(pre, post, side="right")
    below = np.searchsorted(pre, post, side="left")
    higher_pre = pre.size - below_or_tied
    ties = below_or_tied - below
    return float((higher_pre.sum() + 0.5 * ties.sum()) / (pre.size * post.size))


def nap_band(value: float) -> str:
    """``weak`` (< 0.66), ``medium`` (0.66-0.92) or ``strong`` (>= 0.93).

    Parker & Vannest write the bands at two decimals, so the band is read from the value
    rounded to two decimals (halves up), which is also what ``compare`` reports: shown and
    band agree (0.925 is 0.93, strong).
    """
    shown = half_up(value, 2)
    if shown >= 0.93:
        return "strong"
    return "medium" if shown >= 0.66 else "weak"


def _resample_means(
    values: Sequence[float], side: int, block: int, resamples: int, seed: int
) -> np.ndarray:
    """Means of ``resamples`` circular block resamples of one side, all drawn at once."""
    array = np.asarray(values, dtype=float)
    n = array.size
    if n == 0:
        raise ValueError("the bootstrap needs at least one value on each side")
    if block < 1 or resamples < 1:
        raise ValueError("block and resamples must be at least 1")
    # Each side has its own stream, so a baseline resamples the same way whichever window it
    # is compared with, and compare() can draw it once for all windows.
    rng = np.random.default_rng([seed, side])
    # A single block as long as the series would only rotate it (every resample has the
    # same mean), so short windows use blocks one day shorter than the series.
    length = max(1, min(block, n - 1))
    count = -(-n // length)
    tail = n - (count - 1) * length
    # A resample is count - 1 whole blocks and the first `tail` days of one more, so its
    # sum is a sum of precomputed circular block sums: R x count lookups, not R x n.
    prefix = np.concatenate(([0.0], np.cumsum(np.concatenate((array, array)))))
    offsets = np.arange(n)
    whole = prefix[offsets + length] - prefix[offsets]
    partial = prefix[offsets + tail] - prefix[offsets]
    starts = rng.integers(0, n, size=(resamples, count))
    return (whole[starts[:, :-1]].sum(axis=1) + partial[starts[:, -1]]) / n


def _percentile_interval(pre_means: np.ndarray, post_means: np.ndarray) -> tuple[float, float]:
    lo, hi = np.percentile(post_means - pre_means, [2.5, 97.5])
    return float(lo), float(hi)


def block_bootstrap_ci(
    pre_values: Sequence[float],
    post_values: Sequence[float],
    *,
    block: int = BLOCK_DAYS,
    resamples: int = RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> tuple[float, float]:
    """95% percentile interval of mean(post) - mean(pre), unrounded, as ``(lo, hi)``.

    Circular moving-block bootstrap (Politis & Romano 1992), not the plain moving-block
    one: each side is resampled on its own, as blocks of ``block`` consecutive logged days
    (in day order; gaps between logged days are ignored) that wrap from the last day to
    the first, so every day is equally likely to be drawn. A side shorter than block + 1
    days uses blocks of n - 1 days. All resamples of a side are drawn in one array
    operation from a generator seeded with (``seed``, side), so the same data always gives
    the same interval. Refuses (ValueError) an empty side, block < 1 or resamples < 1.
    """
    return _percentile_interval(
        _resample_means(pre_values, 0, block, resamples, seed),
        _resample_means(post_values, 1, block, resamples, seed),
    )


# --- comparison ---------------------------------------------------------------------------


def _pain_summary(values: list[float]) -> dict:
    if len(values) < MIN_DAYS:
        return dict.fromkeys(_PAIN_KEYS)
    # "inclusive" is numpy's default linear interpolation; the stdlib is several times
    # faster than numpy on a window's few dozen values.
    q1, middle, q3 = quantiles(values, n=4, method="inclusive")
    return {
        "mean": _round(fmean(values)),
        "median": _round(middle),
        "q1": _round(q1),
        "q3": _round(q3),
        "worst": _round(max(values)),
        "pct_days_high": _round(100.0 * sum(v >= HIGH_PAIN for v in values) / len(values), 1),
    }


def _change(pre: list[float], pre_means: np.ndarray | None, post: list[float]) -> dict:
    if pre_means is None or len(pre) < MIN_DAYS or len(post) < MIN_DAYS:
        return dict.fromkeys(_CHANGE_KEYS)
    pre_mean, post_mean = fmean(pre), fmean(post)
    kind = category(pre_mean, post_mean)
    effect = nap(pre, post)
    # The same pieces as block_bootstrap_ci(pre, post), with the baseline drawn once.
    lo, hi = _percentile_interval(
        pre_means, _resample_means(post, 1, BLOCK_DAYS, RESAMPLES, BOOTSTRAP_SEED)
    )
    return {
        "leg_abs": _round(post_mean - pre_mean),
        "leg_pct_reduction": _round(percent_reduction(pre_mean, post_mean), 1),
        "category": kind,
        "responder": kind in RESPONDER_CATEGORIES,
        "nap": _round(effect),
        "nap_band": nap_band(effect),
        "ci95": [_round(lo), _round(hi)],
    }


def compare(
    therapy_start: str | date,
    entries: Iterable[dict] | None,
    *,
    today: str | date,
    baseline_days: int = 28,
    exclusion_days: int = 7,
    days: list[dict] | None = None,
) -> dict:
    """Before/after comparison of one therapy (CLINICAL.md section 4).

    Returns ``{"windows": [...], "caveat": CAVEAT, "unrounded_changes": {...}}`` with every
    window of ``windows()`` in order. A window reports days_logged (days with a leg value),
    days_in_window (its calendar days: its whole length), days_elapsed (its days up to
    ``today``), in_progress (begun and not over by ``today``: a window not reached yet is
    not in progress), enough_data (days_logged >= 5), leg and back summaries,
    activity_index and distal_level_median; every window but baseline adds ``change``
    against baseline. Any number that would rest on fewer than 5 days, or on a window or
    baseline without enough data, is None. ``unrounded_changes`` maps each window with a
    change to its ``{"leg_abs", "leg_pct_reduction"}`` before rounding, for the pages to
    round once, their own way (``comparison_words.shown_change``); the API leaves it out.
    ``days`` may carry ``daily_values(entries)`` computed once for several therapies;
    ``entries`` is then ignored and may be None.
    Refuses (ValueError) what ``windows()`` and ``daily_values()`` refuse, and a call with
    neither entries nor days.
    """
    if days is None:
        if entries is None:
            raise ValueError("compare needs entries or precomputed days")
        days = daily_values(entries)
    today = _as_date(today)
    spans = windows(
        therapy_start,
        last_entry_day=days[-1]["day"] if days else None,
        baseline_days=baseline_days,
        exclusion_days=exclusion_days,
    )

    baseline_leg: list[float] = []
    baseline_means = None
    out = []
    unrounded: dict[str, dict] = {}
    for name, begin, end in spans:
        in_window = days_within(days, begin, end)
        calendar_days, elapsed = window_progress(begin, end, today)
        leg = [d["leg"] for d in in_window if d["leg"] is not None]
        enough = len(leg) >= MIN_DAYS
        # Without enough leg days the window says "not enough data" and shows no number
        # at all, even if back pain or activities were logged more often.
        back = [d["back"] for d in in_window if d["back"] is not None] if enough else []
        index = (
            [d["activity_index"] for d in in_window if d["activity_index"] is not None]
            if enough
            else []
        )
        distal = [d["distal_level"] for d in in_window] if enough else []
        window = {
            "name": name,
            "from": begin.isoformat() if begin else None,
            "to": end.isoformat() if end else None,
            "days_logged": len(leg),
            "days_in_window": calendar_days,
            "days_elapsed": elapsed,
            # Begun but not over: its numbers (from 5 logged days) are "so far", never final.
            "in_progress": in_progress(calendar_days, elapsed),
            "enough_data": enough,
            "leg": _pain_summary(leg),
            "back": _pain_summary(back),
            "activity_index": _round(fmean(index), 1) if len(index) >= MIN_DAYS else None,
            "distal_level_median": (float(median(distal)) if len(distal) >= MIN_DAYS else None),
        }
        if name == "baseline":
            baseline_leg = leg
            if enough:
                baseline_means = _resample_means(leg, 0, BLOCK_DAYS, RESAMPLES, BOOTSTRAP_SEED)
        else:
            window["change"] = _change(baseline_leg, baseline_means, leg)
            if window["change"]["category"] is not None:
                pre_mean, post_mean = fmean(baseline_leg), fmean(leg)
                unrounded[name] = {
                    "leg_abs": post_mean - pre_mean,
                    "leg_pct_reduction": percent_reduction(pre_mean, post_mean),
                }
        out.append(window)
    return {"windows": out, "caveat": CAVEAT, "unrounded_changes": unrounded}
