"""What medicines do to a before/after comparison (CLINICAL.md section 4): as-needed doses
per week in each window, and regular medicines started, stopped or changed while the
comparison runs, listed as possible confounders.

Pure: no Flask and no database. The windows are the comparison's own (``analysis.compare``
decided them), and a regular medicine clouds a comparison by the same rule as another
therapy does (``comparison.overlaps``): from the baseline's first day to the last day of a
follow-up window with numbers.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date

from diary.clinical import analysis
from diary.medications import doses as dose_days
from diary.medications.words import as_needed_sentences, confounder_sentences, medication_name
from diary.rounding import half_up

STARTED, STOPPED, DOSE_CHANGED = "started", "stopped", "dose_changed"


def _days_between(first: date, last: date) -> int:
    return max(0, (last - first).days + 1)


def _course(medication: dict, today: date) -> tuple[date, date]:
    end = date.fromisoformat(medication["end_day"]) if medication["end_day"] else today
    return date.fromisoformat(medication["start_day"]), min(end, today)


def taken_days(medications: Iterable[dict], doses: Iterable[dict]) -> dict:
    """``{medication id: sorted local days of its doses}`` for the as-needed medicines,
    each dose's day in the zone it was taken in: worked out once for every comparison of
    a page."""
    taken: dict[str, list[str]] = {m["id"]: [] for m in medications if m["schedule"] == "as_needed"}
    for dose in doses:
        if dose["medication_id"] in taken:
            taken[dose["medication_id"]].append(dose_days.day_of(dose))
    for days in taken.values():
        days.sort()
    return taken


def as_needed_use(
    windows: list[dict], medications: Iterable[dict], taken: dict, *, today: date
) -> dict[str, list[dict]]:
    """Each window's as-needed doses, per medicine taken as needed.

    Returns ``{window name: [{"medication_id", "name", "doses", "days_recorded",
    "per_week"}]}`` for every window, listing each as-needed medicine whose course meets at
    least one window. ``taken`` is ``taken_days``'s. ``days_recorded`` counts the window's
    days up to ``today`` within the medicine's course (before it was in the diary, nothing
    was recorded, which is not the same as none taken); ``per_week`` is doses x 7 /
    days_recorded, rounded to one decimal, and None under ``analysis.MIN_DAYS`` recorded
    days.
    """
    as_needed = [m for m in medications if m["schedule"] == "as_needed"]
    out: dict[str, list[dict]] = {w["name"]: [] for w in windows}
    for medication in as_needed:
        start, end = _course(medication, today)
        rows = {}
        for window in windows:
            if window["from"] is None:
                rows[window["name"]] = (0, 0)
                continue
            first = max(date.fromisoformat(window["from"]), start)
            last = min(date.fromisoformat(window["to"]), end)
            recorded = _days_between(first, last)
            days = taken[medication["id"]]
            count = (
                bisect_right(days, last.isoformat()) - bisect_left(days, first.isoformat())
                if recorded
                else 0
            )
            rows[window["name"]] = (count, recorded)
        if not any(recorded for _, recorded in rows.values()):
            continue
        for name, (count, recorded) in rows.items():
            per_week = half_up(count * 7 / recorded, 1) if recorded >= analysis.MIN_DAYS else None
            out[name].append(
                {
                    "medication_id": medication["id"],
                    "name": medication_name(medication),
                    "doses": count,
                    "days_recorded": recorded,
                    "per_week": per_week,
                }
            )
    return out


def regular_events(medications: Iterable[dict], today: date) -> list[dict]:
    """Every start, stop and dose change of the regular medicines, up to ``today``, by day.

    Returns ``[{"medication_id", "name", "event", "day", "dose"}]``: ``dose`` is the new
    dose of a change, else None. A change on the start day is the starting dose, part of
    the start.
    """
    events = []
    for medication in medications:
        if medication["schedule"] != "regular":
            continue
        events.append(_event(medication, STARTED, medication["start_day"]))
        for change in medication["changes"]:
            if change["day"] != medication["start_day"]:
                events.append(_event(medication, DOSE_CHANGED, change["day"], change["dose"]))
        if medication["end_day"]:
            events.append(_event(medication, STOPPED, medication["end_day"]))
    today_text = today.isoformat()
    return sorted(
        (e for e in events if e["day"] <= today_text), key=lambda e: (e["day"], e["name"])
    )


def _event(medication: dict, kind: str, day: str, dose: str | None = None) -> dict:
    return {
        "medication_id": medication["id"],
        "name": medication_name(medication),
        "event": kind,
        "day": day,
        "dose": dose,
    }


def confounders(windows: list[dict], events: Iterable[dict]) -> list[dict]:
    """The regular-medicine events that cloud a comparison with these ``windows``: those
    from the baseline's first day to the last day of a follow-up window with numbers
    (before there are numbers, no change is claimed, so nothing is clouded yet)."""
    baseline = windows[0]
    with_numbers = [
        w["to"] for w in windows if w["name"] != "baseline" and w["enough_data"] and w["to"]
    ]
    if not baseline["from"] or not with_numbers:
        return []
    last = max(with_numbers)
    return [e for e in events if baseline["from"] <= e["day"] <= last]


def dose_span(windows: list[dict]) -> tuple[str, str] | None:
    """The first and last day of the comparison's windows: the doses worth reading."""
    bounds = [(w["from"], w["to"]) for w in windows if w["from"]]
    if not bounds:
        return None
    return min(b[0] for b in bounds), max(b[1] for b in bounds)


def medicine_facts(windows: list[dict], medications: list[dict], taken: dict, *, today) -> dict:
    """Both facts of one comparison: ``{"as_needed": {window name: [...]},
    "medication_changes": [...]}`` (``as_needed_use`` and ``confounders``)."""
    return {
        "as_needed": as_needed_use(windows, medications, taken, today=today),
        "medication_changes": confounders(windows, regular_events(medications, today)),
    }


def with_medicines(body: dict, medications: list[dict], taken: dict, *, today: date) -> dict:
    """The comparison API's answer with the medicine facts: each window's ``as_needed``,
    and ``medication_changes`` beside the overlapping therapies."""
    facts = medicine_facts(body["windows"], medications, taken, today=today)
    windows = [{**w, "as_needed": facts["as_needed"][w["name"]]} for w in body["windows"]]
    return {**body, "windows": windows, "medication_changes": facts["medication_changes"]}


def with_medicine_panels(
    panels: list[dict], medications: list[dict], taken: dict, *, today: date
) -> list[dict]:
    """The charts page's therapy panels with what medicines say about each: every window's
    ``as_needed``, and ``medicines``: ``{"changes", "sentences", "as_needed"}``, the
    confounders and their words, and the as-needed words (before against the headline)."""
    out = []
    for panel in panels:
        facts = medicine_facts(panel["windows"], medications, taken, today=today)
        windows = [{**w, "as_needed": facts["as_needed"][w["name"]]} for w in panel["windows"]]
        by_name = {w["name"]: w for w in windows}
        headline = by_name[panel["headline"]["name"]] if panel["headline"] else None
        therapy = panel["therapy"]
        out.append(
            {
                **panel,
                "windows": windows,
                "baseline": by_name["baseline"],
                "latest": by_name["latest"],
                "headline": headline,
                "medicines": {
                    "changes": facts["medication_changes"],
                    "sentences": confounder_sentences(therapy, facts["medication_changes"]),
                    "as_needed": as_needed_sentences(therapy, windows, headline),
                    "names": [u["name"] for u in by_name["baseline"]["as_needed"]],
                },
            }
        )
    return out
