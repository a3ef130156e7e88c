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

NAP_EXPLAINED = "NAP: the share of day pairs where the later day hurt less; 0.5 means no change."
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


def limit_words(level: float | None) -> str:
    """A mean activity limit in the entry form's words ("Moderate"), "" when unknown."""
    if level is None:
        return ""
    return clinical.LIMIT_WORDS[max(0, min(4, math.floor(level + 0.5)))]


def change_sentence(kind: str, window: dict) -> str | None:
    """The change of one post window in a patient's words, or None without enough data.

    "Leg pain 63% lower than before the injection: substantial improvement." With a
    baseline mean of 0 the change is said in points, as the percent is n/a.
    """
    change = window.get("change") or {}
    if not window.get("enough_data") or change.get("category") is None:
        return None
    before = _BEFORE_WORDS.get(kind, "this therapy")
    pct = change["leg_pct_reduction"]
    verdict = CATEGORY_WORDS[change["category"]]
    if pct is None:
        points = change["leg_abs"]
        if points == 0:
            return f"Leg pain the same as before {before}: {verdict}."
        return f"Leg pain {abs(points):g} points higher than before {before}: {verdict}."
    shown = round(abs(pct))
    if shown == 0:
        return f"Leg pain about the same as before {before}: {verdict}."
    direction = "lower" if pct > 0 else "higher"
    return f"Leg pain {shown}% {direction} than before {before}: {verdict}."


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


def day_words(day: str | date | None) -> str:
    """A day as people write it ("3 Aug 2026"), "" for None."""
    if day is None:
        return ""
    day = day if isinstance(day, date) else date.fromisoformat(day)
    return f"{day.day} {day:%b %Y}"


def therapy_name(therapy: dict) -> str:
    """What a therapy is called on screen: its label, or its kind in words."""
    return therapy.get("label") or clinical.THERAPY_KINDS.get(therapy["kind"], therapy["kind"])
