"""From stored rows to what a before/after view shows: analysis input, per-window region
shares and activity limits, and the change said in words.

Pure: no Flask and no database. Rows come in as ``store`` hands them out (entries as the
API shows them, oldest first, deleted ones already removed); numbers come from
``analysis``, which stays the one place that decides windows and statistics.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from statistics import fmean
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from diary import analysis, clinical, regions

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


def analysis_rows(entries: Iterable[dict]) -> list[dict]:
    """Stored entries as ``analysis`` input.

    Returns ``[{"day", "leg_pain", "back_pain", "activities", "distal_level"}]`` in the
    given order, the distal level computed from each entry's regions. Refuses (ValueError)
    a region code or state the catalogue does not know.
    """
    return [
        {
            "day": e["day"],
            "leg_pain": e["leg_pain"],
            "back_pain": e["back_pain"],
            "activities": e.get("activities") or {},
            "distal_level": regions.most_distal_level(e.get("regions") or {}),
        }
        for e in entries
    ]


def patient_today(time_zone: str, now: datetime | None = None) -> date:
    """The calendar date in the patient's time zone (UTC when the zone is unknown)."""
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    moment = now if now is not None else datetime.now(zone)
    return moment.astimezone(zone).date()


def _in_window(entries: Sequence[dict], begin: str | None, end: str | None) -> Sequence[dict]:
    """The entries with begin <= day <= end; ``entries`` must be sorted by day."""
    if begin is None or end is None:
        return ()
    lo = bisect_left(entries, begin, key=_day)
    return entries[lo : bisect_right(entries, end, lo=lo, key=_day)]


def _day(entry: dict) -> str:
    return entry["day"]


def region_shares(entries: Sequence[dict], begin: str | None, end: str | None) -> dict:
    """Where pain was, as the share of logged days in [begin, end] with pain in each region.

    Returns ``{"days": logged days, "shares": {code: 0-1}, "most_days": [labels]}``: every
    catalogue region has a share (0.0 when it never hurt; all 0.0 when no day was logged),
    and ``most_days`` names the regions that hurt on at least half of the days. A day
    counts a region once even when several of its entries mark it; numbness is not pain
    and does not count.
    ``entries`` must be sorted by day (as ``store.all_entries`` returns them).
    """
    pain_days: dict[str, set[str]] = {}
    logged: set[str] = set()
    for entry in _in_window(entries, begin, end):
        logged.add(entry["day"])
        for code, state in (entry.get("regions") or {}).items():
            if state == "pain":
                pain_days.setdefault(code, set()).add(entry["day"])
    n = len(logged)
    shares = {r.code: (len(pain_days.get(r.code, ())) / n if n else 0.0) for r in regions.REGIONS}
    return {
        "days": n,
        "shares": shares,
        "most_days": [r.label for r in regions.REGIONS if n and shares[r.code] >= 0.5],
    }


def share_step(share: float) -> int:
    """The colour step 0-10 of a share (0-1): the ``share-N`` class of the body map."""
    return max(0, min(10, math.floor(share * 10 + 0.5)))


def activity_levels(entries: Sequence[dict], begin: str | None, end: str | None) -> dict:
    """Mean limit (0-4) of each activity over its answered days in [begin, end].

    Returns ``{code: mean or None}`` for every activity of ``clinical.ACTIVITIES``: None
    when it was answered on fewer than ``analysis.MIN_DAYS`` days (unanswered is unknown,
    not zero). A day answered in several entries counts once, at its mean.
    """
    per_day: dict[str, dict[str, list[int]]] = {}
    for entry in _in_window(entries, begin, end):
        for code, level in (entry.get("activities") or {}).items():
            if level is not None:
                per_day.setdefault(code, {}).setdefault(entry["day"], []).append(level)
    levels = {}
    for code in clinical.ACTIVITIES:
        days = per_day.get(code, {})
        daily = [fmean(values) for values in days.values()]
        levels[code] = fmean(daily) if len(daily) >= analysis.MIN_DAYS else None
    return levels


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


def headline_window(windows: list[dict]) -> dict | None:
    """The window the page leads with: "latest" when it has enough data, else the last
    follow-up window that has; None when no follow-up window has enough data."""
    by_name = {w["name"]: w for w in windows}
    if by_name["latest"]["enough_data"]:
        return by_name["latest"]
    reached = [w for w in windows if w["name"] != "baseline" and w["enough_data"]]
    return reached[-1] if reached else None


def therapy_panel(therapy: dict, entries: Sequence[dict], result: dict) -> dict:
    """Everything one therapy's before/after panel shows, from ``analysis.compare``'s result.

    Returns the therapy, its windows (each with ``label`` and, for follow-ups, ``sentence``),
    the headline window and sentence, region shares and activity limits for the baseline
    and the latest window, and the distal-level sentence. ``entries`` are the stored
    entries sorted by day.
    """
    kind = therapy["kind"]
    windows = []
    for window in result["windows"]:
        shown = {**window, "label": WINDOW_LABELS[window["name"]]}
        if window["name"] != "baseline":
            shown["sentence"] = change_sentence(kind, window)
            shown["verdict"] = CATEGORY_WORDS.get(window["change"]["category"])
        windows.append(shown)
    by_name = {w["name"]: w for w in windows}
    baseline, latest = by_name["baseline"], by_name["latest"]
    headline = headline_window(windows)
    return {
        "therapy": therapy,
        "kind_label": clinical.THERAPY_KINDS.get(kind, kind),
        "windows": windows,
        "baseline": baseline,
        "latest": latest,
        "headline": headline,
        "regions": {
            "baseline": region_shares(entries, baseline["from"], baseline["to"]),
            "latest": region_shares(entries, latest["from"], latest["to"]),
        },
        "activities": {
            "baseline": activity_levels(entries, baseline["from"], baseline["to"]),
            "latest": activity_levels(entries, latest["from"], latest["to"]),
        },
        "distal_sentence": distal_sentence(
            baseline["distal_level_median"], latest["distal_level_median"]
        ),
    }


def entry_spans(
    therapy_start: str, last_day: str | None, *, baseline_days: int, exclusion_days: int
) -> list[tuple[str, str]]:
    """The day ranges a comparison reads: its windows (``analysis.windows``), merged.

    Returns sorted, non-overlapping ``[(first_day, last_day)]`` ISO pairs, both inclusive;
    empty when no window has days. Entries outside them cannot change the comparison, so a
    caller may read only these (five years of entries hold about a year and a half of
    comparison days). Refuses (ValueError) what ``analysis.windows`` refuses.
    """
    spans = sorted(
        (begin, end)
        for _, begin, end in analysis.windows(
            therapy_start,
            last_entry_day=last_day,
            baseline_days=baseline_days,
            exclusion_days=exclusion_days,
        )
        if begin is not None
    )
    merged: list[list[date]] = []
    for begin, end in spans:
        if merged and begin <= merged[-1][1] + timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([begin, end])
    return [(begin.isoformat(), end.isoformat()) for begin, end in merged]


def therapy_comparison(
    therapy: dict, entries: Iterable[dict], *, today: date, baseline_days: int, exclusion_days: int
) -> dict:
    """The comparison API's answer: ``{"therapy", "windows", "caveat"}``.

    ``windows`` and ``caveat`` are ``analysis.compare``'s, over the patient's stored entries
    (all of them, or at least those within ``entry_spans`` and the last one). Refuses
    (ValueError) what ``compare`` refuses.
    """
    result = analysis.compare(
        therapy["start_day"],
        analysis_rows(entries),
        today=today,
        baseline_days=baseline_days,
        exclusion_days=exclusion_days,
    )
    return {"therapy": therapy, **result}


def day_words(day: str | date | None) -> str:
    """A day as people write it ("3 Aug 2026"), "" for None."""
    if day is None:
        return ""
    day = day if isinstance(day, date) else date.fromisoformat(day)
    return f"{day.day} {day:%b %Y}"


def therapy_name(therapy: dict) -> str:
    """What a therapy is called on screen: its label, or its kind in words."""
    return therapy.get("label") or clinical.THERAPY_KINDS.get(therapy["kind"], therapy["kind"])


def weekly_means(timeline: list[dict]) -> list[dict]:
    """Weekly averages of ``analysis.timeline`` rows, newest week first (the charts' table).

    Returns ``[{"week": Monday's ISO date, "days", "leg", "back"}]``: the mean of the week's
    daily values (rounded to 1 decimal, None when none was logged) and its logged days.
    """
    weeks: dict[date, tuple[list[float], list[float], list[str]]] = {}
    for row in timeline:
        day = date.fromisoformat(row["day"])
        monday = date.fromordinal(day.toordinal() - day.weekday())
        leg, back, logged = weeks.setdefault(monday, ([], [], []))
        logged.append(row["day"])
        if row["leg"] is not None:
            leg.append(row["leg"])
        if row["back"] is not None:
            back.append(row["back"])
    return [
        {
            "week": monday.isoformat(),
            "days": len(logged),
            "leg": round(fmean(leg), 1) if leg else None,
            "back": round(fmean(back), 1) if back else None,
        }
        for monday, (leg, back, logged) in sorted(weeks.items(), reverse=True)
    ]


def charts_page(therapies: list[dict], entries: list[dict], *, today: date) -> dict:
    """What the charts page shows: one panel per therapy, the timeline and its weekly table.

    Daily values are computed once and shared by every therapy's comparison (the 25 ms
    budget of DESIGN.md section 7 rests on it). ``entries`` are stored entries oldest
    first; ``therapies`` in the order they are shown.
    """
    rows = analysis_rows(entries)
    days = analysis.daily_values(rows)
    panels = [
        therapy_panel(
            therapy, entries, analysis.compare(therapy["start_day"], None, today=today, days=days)
        )
        for therapy in therapies
    ]
    timeline = analysis.timeline(rows)
    return {"panels": panels, "timeline": timeline, "weeks": weekly_means(timeline)}


def chart_data(page: dict, *, today: date) -> dict:
    """The JSON the charts script draws from: compact columns for the timeline, and for
    each therapy its start, label and the median and quartiles of each window."""
    timeline = page["timeline"]
    columns = ("day", "leg", "back", "leg_avg7", "back_avg7")
    return {
        "today": today.isoformat(),
        "timeline": {name: [row[name] for row in timeline] for name in columns},
        "therapies": [
            {
                "id": panel["therapy"]["id"],
                "name": therapy_name(panel["therapy"]),
                "start_day": panel["therapy"]["start_day"],
                "windows": [
                    {
                        "name": w["name"],
                        "label": w["label"],
                        "from": w["from"],
                        "to": w["to"],
                        "enough_data": w["enough_data"],
                        "leg": {k: w["leg"][k] for k in ("median", "q1", "q3")},
                        "back": {k: w["back"][k] for k in ("median", "q1", "q3")},
                    }
                    for w in panel["windows"]
                ],
            }
            for panel in page["panels"]
        ],
    }
