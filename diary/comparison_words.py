"""A before/after comparison in a patient's words: window names, the change as a sentence,
how far down the leg pain reaches, activity limits, days and therapy names.

Pure: no Flask, nothing stored. The numbers come from ``analysis``; this module only says
them. Clinical terms appear with a one-line explanation (DESIGN.md section 8).
"""

from __future__ import annotations

import math
from datetime import date

from diary import clinical

#: What each window is called on screen (the API keeps the short names).
WINDOW_LABELS = {
    "baseline": "Before",
    "2w": "Weeks 2-3",
    "6w": "Weeks 5-8",
    "3m": "3 months",
    "6m": "6 months",
    "12m": "12 months",
    "latest": "Latest 4 weeks",
}

CATEGORY_WORDS = {
    "substantial_improvement": "substantial improvement",
    "important_improvement": "clinically important improvement",
    "minimal_improvement": "minimal improvement",
    "no_important_change": "no important change",
    "worse": "worse",
    "important_worsening": "clinically important worsening",
}

NAP_EXPLAINED = (
    "NAP (non-overlap of all pairs) compares every day before with every day after; "
    "50 of 100 would mean no change, 93 or more is a strong effect."
)
CI_EXPLAINED = (
    "95% interval: where the change in average leg pain probably lies, allowing for "
    "day-to-day ups and downs."
)

# "than before ..." for each therapy kind.
_BEFORE_WORDS = {
    "msc_injection": "the injection",
    "prp_injection": "the injection",
    "epidural_steroid": "the injection",
    "nerve_block": "the nerve block",
    "surgery": "the surgery",
    "physiotherapy": "physiotherapy",
    "medication_change": "the medication change",
    "other": "this therapy",
}

# How far down the leg pain reaches, per most-distal level (CLINICAL.md section 2).
_REACH_WORDS = {
    1: "in the back",
    2: "above the knee, at the buttock",
    3: "above the knee, in the thigh",
    4: "below the knee, in the lower leg",
    5: "below the knee, down to the foot",
}


def before_words(kind: str) -> str:
    """What "than before ..." calls a therapy of ``kind``: "the injection", "physiotherapy"."""
    return _BEFORE_WORDS.get(kind, "this therapy")


def shown_change(before_mean: float | None, after_mean: float | None) -> dict | None:
    """The change between two means as the page shows it: ``{"before", "after", "points",
    "percent"}``, all worked out from the means rounded to one decimal, so that what a
    reader sees adds up (7.5 -> 2.7 is 4.8 points and 64% lower, never 4.7 and 63%).

    ``percent`` is the reduction (positive when lower), None when ``before`` is 0 (n/a).
    None when either mean is missing. The API keeps the unrounded figures.
    """
    if before_mean is None or after_mean is None:
        return None
    before, after = round(before_mean, 1), round(after_mean, 1)
    points = round(after - before, 1)
    percent = None if before == 0 else _half_up(100 * (before - after) / before)
    return {"before": before, "after": after, "points": points, "percent": percent}


def _half_up(value: float) -> int:
    # As people round (62.5 -> 63), not as Python's round() does (62.5 -> 62).
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


def progress_words(window: dict) -> str | None:
    """ "in progress: 14 of 29 days so far" for a window begun and not over, else None."""
    if not window.get("in_progress"):
        return None
    return f"in progress: {window['days_elapsed']} of {window['days_in_window']} days so far"


def change_sentence(kind: str, window: dict, baseline: dict) -> str | None:
    """The change of one follow-up window in a patient's words, or None without enough data.

    "Leg pain 63% lower than before the injection: substantial improvement." With a
    baseline mean of 0 the change is said in points, as the percent is n/a. A window still
    in progress says so first, and its verdict is "so far".
    """
    change = window.get("change") or {}
    if not window.get("enough_data") or change.get("category") is None:
        return None
    before = _BEFORE_WORDS.get(kind, "this therapy")
    shown = shown_change(baseline["leg"]["mean"], window["leg"]["mean"])
    verdict = CATEGORY_WORDS[change["category"]]
    if window.get("in_progress"):
        verdict = f"{verdict} so far ({progress_words(window)})"
    if shown["percent"] is None:
        points = shown["points"]
        if points == 0:
            return f"Leg pain the same as before {before}: {verdict}."
        return f"Leg pain {abs(points):g} points higher than before {before}: {verdict}."
    if shown["percent"] == 0:
        return f"Leg pain about the same as before {before}: {verdict}."
    direction = "lower" if shown["percent"] > 0 else "higher"
    return f"Leg pain {abs(shown['percent'])}% {direction} than before {before}: {verdict}."


def nap_words(nap: float | None) -> str | None:
    """NAP in words: "On 97 of 100 pairs of days (one before, one after), the later day hurt
    less." None without a value. Never "100 of 100" unless every pair was lower."""
    if nap is None:
        return None
    share = round(nap * 100)
    if share == 100 and nap < 1:
        share = 99
    if share == 0 and nap > 0:
        share = 1
    return f"On {share} of 100 pairs of days (one before, one after), the later day hurt less."


def activity_number(level: float | None) -> str:
    """A mean activity limit as a number on its 0-4 scale ("3.6 of 4"), "" when unknown."""
    return "" if level is None else f"{level:.1f}\u00a0of\u00a04"  # kept on one line


ACTIVITY_SCALE = "0 means pain did not limit it, 4 that you could not do it."
ACTIVITY_INDEX_EXPLAINED = (
    "Activity limit index: 0 means pain limited none of the activities you answered, 100 "
    "that you could do none of them (the average of your answers on the 0-4 scale, x 25). "
    "It is our own measure, not a validated questionnaire."
)


def therapy_words(kind: str) -> str:
    """A therapy as a sentence names it after "before": "the injection", "physiotherapy"."""
    return _BEFORE_WORDS.get(kind, "this therapy")


def relative_day(day: str, therapy: dict) -> str:
    """When ``day`` is, from the therapy's start: "21 days after the injection", "3 days
    before the injection, in the weeks compared before it", "on the same day as ..."."""
    this = therapy_words(therapy["kind"])
    gap = (date.fromisoformat(day) - date.fromisoformat(therapy["start_day"])).days
    if gap > 0:
        return f"{_days(gap)} after {this}"
    if gap < 0:
        return f"{_days(-gap)} before {this}, in the weeks compared before it"
    return f"on the same day as {this}"


def overlap_sentences(kind: str, therapy: dict, comparison: dict) -> list[str]:
    """What other therapies do to this comparison, in words (CLINICAL.md section 4)."""
    this = therapy_words(kind)
    sentences = []
    for other in comparison.get("overlapping_therapies", []):
        when = f"started {relative_day(other['start_day'], {**therapy, 'kind': kind})}"
        sentences.append(f"{other['label']} {when}: the change since then may come from either.")
    for other in comparison.get("baseline_after_therapies", []):
        sentences.append(
            f"The weeks before {this} were within the year after {other['label']} "
            f"({day_words(other['start_day'])}): this is not a before-any-therapy baseline."
        )
    return sentences


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def distal_sentence(before: float | None, after: float | None) -> str | None:
    """How far down the leg pain reaches now compared with before, or None when unknown.

    Levels are window medians of the most distal level (0 none, 1 back ... 5 foot); a
    lower level is centralization (usually a good sign), a higher one peripheralization.
    """
    if before is None or after is None:
        return None
    was, now = (math.floor(v + 0.5) for v in (before, after))
    if now == 0:
        return "No pain is marked on the body map now." if was else None
    where = _REACH_WORDS[now]
    if was == 0:
        return f"Pain now reaches {where}; none was marked before."
    if now < was:
        stop = "stays" if now == 1 else "stops"
        return (
            f"Pain now {stop} {where}; before, it reached {_REACH_WORDS[was]}. "
            "Pain moving back towards the spine (centralization) is usually a good sign."
        )
    if now > was:
        return (
            f"Pain now reaches {where}; before, it stopped {_REACH_WORDS[was]}. "
            "Pain spreading further down the leg (peripheralization) is worth telling "
            "your physician about."
        )
    return f"Pain reaches as far as before: {where}."


# "Since ... on 10 Aug 2026" for each therapy kind (the PGIC's question).
_SINCE_WORDS = {
    "msc_injection": "your injection",
    "prp_injection": "your injection",
    "epidural_steroid": "your injection",
    "nerve_block": "your nerve block",
    "surgery": "your surgery",
    "medication_change": "your medication change",
}


def since_words(therapy: dict, day: str) -> str:
    """What a question "Since ...?" calls a therapy and its day: "your injection on 10 Aug
    2026", "you started physiotherapy on 3 Mar 2026"."""
    what = _SINCE_WORDS.get(therapy["kind"])
    if what is None:
        kind = clinical.THERAPY_KINDS.get(therapy["kind"], "This therapy")
        label = therapy.get("label") or ""
        # The kind's own words read in a sentence in lower case; a label of the patient's as typed.
        name = label if label and label.lower() != kind.lower() else kind[:1].lower() + kind[1:]
        return f"you started {name} on {day}"
    return f"{what} on {day}"


def day_words(day: str | date | None) -> str:
    """A day as people write it ("3 Aug 2026"), "" for None."""
    if day is None:
        return ""
    day = day if isinstance(day, date) else date.fromisoformat(day)
    return f"{day.day} {day:%b %Y}"


def span_words(first: str, last: str) -> str:
    """Two days as a span, the year said once when both share it: "17 Jul – 13 Aug 2026"."""
    begin, end = date.fromisoformat(first), date.fromisoformat(last)
    if begin.year != end.year:
        return f"{day_words(begin)} \u2013 {day_words(end)}"
    return f"{begin.day} {begin:%b} \u2013 {day_words(end)}"


def therapy_name(therapy: dict) -> str:
    """What a therapy is called on screen: its label, or its kind in words."""
    return therapy.get("label") or clinical.THERAPY_KINDS.get(therapy["kind"], therapy["kind"])
