"""From stored rows to what a before/after view shows: analysis input, per-window region
shares and activity limits, and each therapy's panel (its words from comparison_words).

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

from diary import clinical
from diary.clinical import analysis, regions
from diary.clinical.comparison_words import (
    CATEGORY_WORDS,
    WINDOW_LABELS,
    distal_sentence,
    latest_label,
    nap_words,
    not_current_words,
    overlap_sentences,
    progress_words,
    shown_change,
    therapy_name,
)
from diary.i18n.text import gettext
from diary.questionnaires import compare as questionnaire_compare
from diary.questionnaires import words as questionnaire_words
from diary.rounding import half_up


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


def zone_of(time_zone: str) -> ZoneInfo:
    """The patient's time zone (UTC when the name is not one this server knows)."""
    try:
        return ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def patient_today(time_zone: str, now: datetime | None = None) -> date:
    """The calendar date in the patient's time zone (UTC when the zone is unknown)."""
    zone = zone_of(time_zone)
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
    ``entries`` must be sorted by day (as ``queries.all_entries`` returns them).
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


#: The latest window is "now" while its last day (the last entry's) is at most this many
#: days before the patient's today; older, every view names that day instead
#: (docs/clinical-method.md).
CURRENT_DAYS = 7


def latest_is_current(windows: list[dict], today: date) -> bool:
    """True when the "latest" window of ``windows`` reaches recent days: its last day (the
    day of the last entry) is at most CURRENT_DAYS before ``today`` (the patient's). False
    when it is older, or when the latest window has no days yet."""
    last = {w["name"]: w for w in windows}["latest"]["to"]
    return last is not None and (today - date.fromisoformat(last)).days <= CURRENT_DAYS


def headline_window(windows: list[dict]) -> dict | None:
    """The window the page leads with: "latest" when it has enough data, else the last
    follow-up window that has; None when no follow-up window has enough data."""
    by_name = {w["name"]: w for w in windows}
    if by_name["latest"]["enough_data"]:
        return by_name["latest"]
    reached = [w for w in windows if w["name"] != "baseline" and w["enough_data"]]
    return reached[-1] if reached else None


def therapy_panel(
    therapy: dict,
    entries: Sequence[dict],
    result: dict,
    therapies: Iterable[dict] = (),
    *,
    today: date,
    shared: bool = False,
) -> dict:
    """Everything one therapy's before/after panel shows, from ``analysis.compare``'s result.

    Returns the therapy, its windows (each with ``label`` and ``progress`` words, and for
    follow-ups ``sentence``, ``verdict`` and ``shown``: the change worked out from the means
    as shown), the headline window and sentence, the words about other therapies that cloud
    it (``overlaps``), region shares and activity limits for the baseline and the latest
    window, and the distal-level sentence. Each window also carries its ``questionnaires``
    results (``with_questionnaires``), each with its ``words``, and the verdict uses them;
    ``questionnaires`` lists the instruments shown. ``entries`` are the stored entries sorted
    by day; ``therapies`` all of the patient's, this one included.

    ``latest_current`` says whether the latest window reaches recent days
    (``latest_is_current`` on ``today``, the patient's); when it does not, ``last_entry_day``
    is its last day, ``not_current`` says so in a sentence and the distal sentence names
    that day instead of "now" (None and no words while it is current). ``shared``: the panel
    is read by someone the patient shares with (``comparison_words.distal_sentence``).
    """
    kind = therapy["kind"]
    windows = []
    baseline_window = result["windows"][0]
    for window in result["windows"]:
        shown = {
            **window,
            "label": WINDOW_LABELS[window["name"]],
            "progress": progress_words(window),
        }
        shown["questionnaires"] = [
            {**result, "words": questionnaire_words.result_words(result, window)}
            for result in window.get("questionnaires") or []
        ]
        if window["name"] != "baseline":
            # The words say the change from the unrounded means, rounded once, their way.
            unrounded = result.get("unrounded_changes", {}).get(window["name"], {})
            said = {**window, "change": {**window["change"], **unrounded}}
            shown["sentence"] = questionnaire_words.verdict(kind, said, baseline_window)
            shown["verdict"] = CATEGORY_WORDS.get(window["change"]["category"])
            if window["enough_data"] and baseline_window["enough_data"]:
                shown["shown"] = shown_change(
                    baseline_window["leg"]["mean"], window["leg"]["mean"], said["change"]
                )
            shown["nap_words"] = nap_words(window["change"]["nap"])
        windows.append(shown)
    clouded = overlaps(therapy, therapies, result["windows"])
    by_name = {w["name"]: w for w in windows}
    baseline, latest = by_name["baseline"], by_name["latest"]
    headline = headline_window(windows)
    current = latest_is_current(windows, today)
    stale_day = None if current else latest["to"]
    return {
        "therapy": therapy,
        "kind_label": gettext(clinical.THERAPY_KINDS.get(kind, kind)),
        "windows": windows,
        "baseline": baseline,
        "latest": latest,
        "headline": headline,
        "latest_current": current,
        "last_entry_day": stale_day,
        "latest_label": latest_label(latest["to"], current),
        "not_current": not_current_words(stale_day, today) if stale_day else None,
        "regions": {
            "baseline": region_shares(entries, baseline["from"], baseline["to"]),
            "latest": region_shares(entries, latest["from"], latest["to"]),
        },
        "activities": {
            "baseline": activity_levels(entries, baseline["from"], baseline["to"]),
            "latest": activity_levels(entries, latest["from"], latest["to"]),
        },
        "distal_sentence": distal_sentence(
            baseline["distal_level_median"], latest["distal_level_median"], stale_day, shared=shared
        ),
        "questionnaires": questionnaire_words.instruments_shown(windows),
        **clouded,
        "overlap_sentences": overlap_sentences(kind, therapy, clouded),
    }


#: How long after a therapy its follow-up runs: to the end of the 12-month window.
FOLLOW_UP_DAYS = analysis.POST_WINDOWS[-1][2]


def _reference(therapy: dict) -> dict:
    return {"id": therapy["id"], "label": therapy_name(therapy), "start_day": therapy["start_day"]}


def overlaps(therapy: dict, therapies: Iterable[dict], windows: list[dict]) -> dict:
    """The other therapies that cloud this one's comparison (CLINICAL.md section 4).

    Returns ``{"overlapping_therapies": [...], "baseline_after_therapies": [...]}``, each a
    list of ``{"id", "label", "start_day"}`` by start day:

    - overlapping: another therapy that started between this one's baseline start and the
      last day of a follow-up window with numbers (before that, no change is claimed, so
      nothing is clouded yet): the change after the two cannot be told apart;
    - baseline_after: an earlier therapy whose follow-up (the year after it, or its course
      if longer) covers part of this one's baseline: not a before-any-therapy baseline. One
      that started inside the baseline is both: its year covers the baseline's later days,
      and that is worth saying even before any window after this one has numbers.
    """
    baseline = windows[0]
    with_numbers = [
        w["to"] for w in windows if w["name"] != "baseline" and w["enough_data"] and w["to"]
    ]
    others = sorted(
        (t for t in therapies if t["id"] != therapy["id"]), key=lambda t: t["start_day"]
    )
    overlapping = []
    if baseline["from"] and with_numbers:
        last = max(with_numbers)
        overlapping = [t for t in others if baseline["from"] <= t["start_day"] <= last]
    baseline_after = []
    if baseline["from"]:
        for other in others:
            if other["start_day"] >= therapy["start_day"]:
                continue  # not an earlier therapy
            start = date.fromisoformat(other["start_day"])
            follow_up = (start + timedelta(days=FOLLOW_UP_DAYS)).isoformat()
            if max(follow_up, other.get("end_day") or "") >= baseline["from"]:
                baseline_after.append(other)
    return {
        "overlapping_therapies": [_reference(t) for t in overlapping],
        "baseline_after_therapies": [_reference(t) for t in baseline_after],
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
    return merge_spans(
        (begin.isoformat(), end.isoformat())
        for _, begin, end in analysis.windows(
            therapy_start,
            last_entry_day=last_day,
            baseline_days=baseline_days,
            exclusion_days=exclusion_days,
        )
        if begin is not None
    )


def with_questionnaires(therapy: dict, result: dict, responses: Iterable[dict]) -> dict:
    """``analysis.compare``'s ``result`` with each window's questionnaire results
    (``questionnaires.compare.window_results``) as its ``questionnaires``."""
    per_window = questionnaire_compare.window_results(therapy, result["windows"], list(responses))
    for window, results in zip(result["windows"], per_window, strict=True):
        window["questionnaires"] = results
    return result


def therapy_comparison(
    therapy: dict,
    entries: Iterable[dict],
    *,
    therapies: Iterable[dict] = (),
    responses: Iterable[dict] = (),
    today: date,
    baseline_days: int,
    exclusion_days: int,
) -> dict:
    """The comparison API's answer: ``{"therapy", "today", "latest_current", "windows",
    "caveat", "overlapping_therapies", "baseline_after_therapies"}``.

    ``windows`` and ``caveat`` are ``analysis.compare``'s, over the patient's stored entries
    (all of them, or at least those within ``entry_spans`` and the last one), each window
    with its questionnaire results from the patient's ``responses``; the overlaps are
    ``overlaps`` against the patient's ``therapies``; ``today`` is the patient's, and
    ``latest_current`` is ``latest_is_current``. Refuses (ValueError) what ``compare``
    refuses.
    """
    result = analysis.compare(
        therapy["start_day"],
        analysis_rows(entries),
        today=today,
        baseline_days=baseline_days,
        exclusion_days=exclusion_days,
    )
    with_questionnaires(therapy, result, responses)
    return {
        "therapy": therapy,
        "today": today.isoformat(),
        "latest_current": latest_is_current(result["windows"], today),
        "windows": result["windows"],
        "caveat": result["caveat"],
        **overlaps(therapy, therapies, result["windows"]),
    }


def week_on_week(entries: Iterable[dict], today: date) -> dict:
    """The last 7 days (today included) against the 7 before, for History's summary.

    Returns ``{"this": {...}, "before": {...}}``, each ``{"days": days logged, "leg",
    "back"}``: the mean of the daily values, rounded to 1 decimal (halves up), None when none was
    logged. ``entries`` are stored entries of at least those 14 days.
    """
    days = analysis.daily_values(analysis_rows(entries))
    start = today - timedelta(days=6)
    before_start = start - timedelta(days=7)

    def summary(rows):
        leg = [d["leg"] for d in rows if d["leg"] is not None]
        back = [d["back"] for d in rows if d["back"] is not None]
        return {
            "days": len(rows),
            "leg": half_up(fmean(leg), 1) if leg else None,
            "back": half_up(fmean(back), 1) if back else None,
        }

    return {
        "this": summary([d for d in days if start <= d["day"] <= today]),
        "before": summary([d for d in days if before_start <= d["day"] < start]),
    }


def merge_spans(spans: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Day spans (``(first, last)`` ISO days, inclusive) sorted, with overlapping and
    touching ones joined: ``[(first, last)]`` that do not overlap."""
    merged: list[list[str]] = []
    for first, last in sorted(spans):
        # By ordinal: a span may end on date.max, which has no day after it.
        if merged and _ordinal(first) <= _ordinal(merged[-1][1]) + 1:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return [(first, last) for first, last in merged]


def _ordinal(day: str) -> int:
    return date.fromisoformat(day).toordinal()
