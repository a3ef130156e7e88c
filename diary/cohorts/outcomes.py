"""One patient's outcome after a therapy, window by window: what a cohort table counts.

Pure: daily values in (``analysis.daily_values`` rows), plain dicts out. The windows,
the 5-day rule, the category of a change and the questionnaire rule ("the response inside
the window") are those of the before/after comparison (``analysis``, ``questionnaires.
compare``); one rule is added for cohorts: a window that has not ended yet for the patient
counts as no data, so a table never mixes finished periods with "so far" ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from statistics import fmean

from diary.clinical import analysis, comparison
from diary.questionnaires import compare as questionnaire_compare
from diary.questionnaires import engine

#: The windows a cohort table shows, in order ("latest" differs from patient to patient).
WINDOWS = ("baseline", *(name for name, _lo, _hi in analysis.POST_WINDOWS))
FOLLOW_UPS = WINDOWS[1:]
#: Each window's first and last day relative to the therapy day (0), the same for everyone.
OFFSETS = {
    name: ((begin - date(2000, 1, 1)).days, (end - date(2000, 1, 1)).days)
    for name, begin, end in analysis.windows(date(2000, 1, 1))
    if name in WINDOWS
}
#: Why a patient has a number at a window, or not.
STATUSES = ("data", "not_enough_data", "in_progress", "not_reached")


def _status(days_logged: int, days_in_window: int, days_elapsed: int) -> str:
    if days_elapsed == 0:
        return "not_reached"
    if analysis.in_progress(days_in_window, days_elapsed):
        return "in_progress"
    return "data" if days_logged >= analysis.MIN_DAYS else "not_enough_data"


def _mean_of(values: list[float]) -> float | None:
    # The comparison's rule: a number rests on at least MIN_DAYS days.
    return fmean(values) if len(values) >= analysis.MIN_DAYS else None


def _window(begin, end, start: date, days: Sequence[dict], today: date) -> dict:
    inside = analysis.days_within(days, begin, end)
    leg = [d["leg"] for d in inside if d["leg"] is not None]
    back = [d["back"] for d in inside if d["back"] is not None]
    status = _status(len(leg), *analysis.window_progress(begin, end, today))
    has_data = status == "data"
    return {
        "status": status,
        "from": begin.isoformat() if begin else None,
        "to": end.isoformat() if end else None,
        # Days relative to the therapy day (0): what a de-identified file may carry.
        "from_offset": (begin - start).days if begin else None,
        "to_offset": (end - start).days if end else None,
        "days_logged": len(leg),
        "leg": _mean_of(leg) if has_data else None,
        "back": _mean_of(back) if has_data else None,
    }


def _change(window: dict, baseline: dict, side: str) -> tuple[float | None, float | None]:
    before, after = baseline[side], window[side]
    if before is None or after is None:
        return None, None
    return after - before, analysis.percent_reduction(before, after)


def _questionnaires(therapy: dict, windows: dict, responses: list[dict]) -> None:
    """Add each window's ``questionnaires``: ``{id: {"score", "change", "percent",
    "responder"}}`` for the instruments the patient answered, from the response inside a
    finished window only."""
    shown = [{"name": name, "from": w["from"], "to": w["to"]} for name, w in windows.items()]
    results = questionnaire_compare.window_results(therapy, shown, responses)
    for (_name, window), found in zip(windows.items(), results, strict=True):
        finished = window["status"] in ("data", "not_enough_data")
        window["questionnaires"] = {}
        for result in found:
            response = result["response"]
            score = response["score"] if finished and response else None
            change, rating = result["change"], result["rating"]
            entry = {"score": score, "change": None, "percent": None, "responder": None}
            if score is not None and change is not None:
                entry["change"] = change["points"]
                # Unrounded, so that the cohort's mean of them is not a mean of roundings.
                entry["percent"] = engine.improvement_percent(
                    engine.get(result["questionnaire"]), change["before"], change["after"]
                )
                entry["responder"] = change["important"] and change["direction"] == "better"
            elif score is not None and rating is not None:
                entry["responder"] = rating["important"]
            window["questionnaires"][result["questionnaire"]] = entry


def patient_outcome(
    therapy: dict,
    days: Sequence[dict],
    *,
    today: date,
    responses: Iterable[dict] = (),
    therapies: Iterable[dict] = (),
) -> dict:
    """The patient's outcome after ``therapy`` at every window of ``WINDOWS``.

    Returns ``{"windows": {name: {"status", "from", "to", "from_offset", "to_offset",
    "days_logged", "leg", "back", "leg_change", "leg_pct_reduction", "back_change",
    "back_pct_reduction", "category", "responder", "questionnaires"}}, "other_therapy"}``.
    ``status`` is one of STATUSES; ``leg`` and ``back`` are the unrounded means of the
    window's daily values, None unless the status is ``data`` (and, for back pain, unless
    5 days have a back score); changes are against baseline (points: after - before;
    percent reduction: positive is less pain), the category and responder those of
    ``analysis.category`` on leg pain. ``other_therapy`` says whether another therapy
    started between the baseline and the last window with data (the change may come from
    it). ``days`` are the patient's daily values (at least over the windows' days),
    ``today`` the patient's today, ``responses`` their live responses with scores.
    """
    start = date.fromisoformat(therapy["start_day"])
    windows = {
        name: _window(begin, end, start, days, today)
        for name, begin, end in analysis.windows(start)
        if name in WINDOWS
    }
    baseline = windows["baseline"]
    for name, window in windows.items():
        window["leg_change"] = window["leg_pct_reduction"] = None
        window["back_change"] = window["back_pct_reduction"] = None
        window["category"] = window["responder"] = None
        if name == "baseline":
            continue
        window["leg_change"], window["leg_pct_reduction"] = _change(window, baseline, "leg")
        window["back_change"], window["back_pct_reduction"] = _change(window, baseline, "back")
        if baseline["leg"] is not None and window["leg"] is not None:
            window["category"] = analysis.category(baseline["leg"], window["leg"])
            window["responder"] = window["category"] in analysis.RESPONDER_CATEGORIES
    _questionnaires(therapy, windows, list(responses))
    seen = [
        {"name": name, "from": w["from"], "to": w["to"], "enough_data": w["status"] == "data"}
        for name, w in windows.items()
    ]
    clouded = comparison.overlaps(therapy, therapies, seen)["overlapping_therapies"]
    return {"windows": windows, "other_therapy": bool(clouded)}
