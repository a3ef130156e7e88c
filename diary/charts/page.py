"""What the charts pages show: each therapy's panel, the timeline and its weekly table, and
the JSON the charts script draws from.

Pure: no Flask and no database (``diary/charts/reads.py`` reads what this needs). The
patient's Charts page and the read-only pages of physicians and view links show the same;
each panel's numbers come from ``comparison`` and ``analysis``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from statistics import fmean

from diary.clinical import analysis
from diary.clinical.comparison import (
    analysis_rows,
    entry_spans,
    merge_spans,
    therapy_panel,
    with_questionnaires,
)
from diary.clinical.comparison_words import therapy_name
from diary.rounding import half_up


def weekly_means(days: Iterable[dict]) -> list[dict]:
    """Weekly averages of daily pain, newest week first (the charts' table).

    ``days`` are ``analysis.timeline`` rows or ``daily.pain_values``' (a day as an ISO
    string or a date), oldest first, each day's value taken as the timeline shows it
    (``analysis.PAIN_DIGITS`` decimals). Returns ``[{"week": Monday's ISO date, "days", "leg",
    "back"}]``: the mean of the week's daily values (rounded to 1 decimal, halves up, None when none
    was logged) and its logged days.
    """
    weeks = []
    monday = None
    for row in days:  # oldest first: a week's days come together (this runs over years)
        day = row["day"]
        if isinstance(day, str):
            day = date.fromisoformat(day)
        if monday is None or day.toordinal() - day.weekday() != monday:
            monday = day.toordinal() - day.weekday()
            leg, back = [], []
            weeks.append((monday, leg, back, []))
        weeks[-1][3].append(day)
        if row["leg"] is not None:
            leg.append(half_up(row["leg"], analysis.PAIN_DIGITS))
        if row["back"] is not None:
            back.append(half_up(row["back"], analysis.PAIN_DIGITS))
    return [
        {
            "week": date.fromordinal(monday).isoformat(),
            "days": len(logged),
            "leg": half_up(fmean(leg), 1) if leg else None,
            "back": half_up(fmean(back), 1) if back else None,
        }
        for monday, leg, back, logged in reversed(weeks)
    ]


def charts_page(
    therapies: list[dict],
    entries: list[dict],
    *,
    today: date,
    days: list[dict] | None = None,
    responses: Iterable[dict] = (),
    pain_days: list[dict] | None = None,
    shown_from: date | None = None,
    shared: bool = False,
) -> dict:
    """What the charts page shows: one panel per therapy, the timeline and its weekly table.

    Daily values are computed once and shared by every therapy's comparison and the
    timeline. ``days`` may carry them (``daily.daily_values``, from SQLite); then
    ``entries`` need only cover ``map_spans`` (the body maps and activity limits of each
    therapy's baseline and latest weeks). ``pain_days`` are the whole diary's leg and back
    by day (``daily.pain_values``), for the weekly table and the diary's first and last
    day; with them, ``days`` need only cover ``page_spans``. ``shown_from`` (a date) starts
    the timeline on that day (None: the whole diary). ``entries`` are stored entries oldest
    first; ``therapies`` in the order they are shown; ``responses`` the patient's live
    questionnaire responses, shown in each window beside the pain. ``shared``: the page is
    read by someone the patient shares with (``comparison.therapy_panel``).

    Returns ``{"panels", "timeline", "weeks", "shown_from", "first_day", "last_day",
    "days_logged"}`` (days as ISO strings, None without entries).
    """
    if days is None:
        days = analysis.daily_values(analysis_rows(entries))
    if pain_days is None:
        pain_days = days
    responses = list(responses)
    panels = [
        therapy_panel(
            therapy,
            entries,
            with_questionnaires(
                therapy,
                analysis.compare(therapy["start_day"], None, today=today, days=days),
                responses,
            ),
            therapies,
            today=today,
            shared=shared,
        )
        for therapy in therapies
    ]
    return {
        "panels": panels,
        "timeline": analysis.timeline(days=days, first_day=shown_from),
        "weeks": weekly_means(pain_days),
        "shown_from": shown_from.isoformat() if shown_from else None,
        "first_day": pain_days[0]["day"].isoformat() if pain_days else None,
        "last_day": pain_days[-1]["day"].isoformat() if pain_days else None,
        "days_logged": len(pain_days),
    }


def panel_spans(therapies: Iterable[dict], last_day: str | None) -> list[tuple[str, str]]:
    """The days the charts page's panels compare (every therapy's windows at the page's
    default lengths), merged: ``[(first, last)]`` ISO pairs, sorted, not overlapping."""
    return merge_spans(
        span
        for therapy in therapies
        for span in entry_spans(therapy["start_day"], last_day, baseline_days=28, exclusion_days=7)
    )


def map_spans(therapies: Iterable[dict], last_day: str | None) -> list[tuple[str, str]]:
    """The days whose entries the panels read: each therapy's baseline and latest window,
    where its body maps and activity limits are shown (``therapy_panel``), at the page's
    default lengths; merged as ``panel_spans``."""
    spans = []
    for therapy in therapies:
        for name, begin, end in analysis.windows(therapy["start_day"], last_entry_day=last_day):
            if name in ("baseline", "latest") and begin is not None:
                spans.append((begin.isoformat(), end.isoformat()))
    return merge_spans(spans)


def page_spans(
    therapies: Iterable[dict], last_day: str | None, shown_from: date | None
) -> list[tuple[str, str]]:
    """The days whose daily values ``charts_page`` needs: the panels' (``panel_spans``),
    the diary's last day (it places every "latest" window) and the timeline's, from
    ``analysis.averages_from(shown_from)`` on (every day when ``shown_from`` is None).
    Merged, as ``merge_spans``; empty without a last day (no entries)."""
    if last_day is None:
        return []
    first = analysis.averages_from(shown_from) if shown_from else date.min
    shown = (first.isoformat(), date.max.isoformat())
    return merge_spans([*panel_spans(therapies, last_day), (last_day, last_day), shown])


def chart_data(page: dict, *, today: date, older_url: str | None = None) -> dict:
    """The JSON the charts script draws from: compact columns for the timeline, the diary's
    first day (where the "All" span starts), and for each therapy its start, label and the
    median and quartiles of each window, rounded to the 1 decimal its table shows (from
    the 2 the API publishes), so the chart's tooltip reads as the table does.

    When the timeline starts after the diary's first day (``charts_page``'s
    ``shown_from``), ``older`` says how to draw the days before it (``before``: that first
    day): ``url`` (``older_url``: where the script fetches their daily rows, or None) and,
    until then or when that fails, the
    weekly averages of every week that ends before the timeline starts (``weeks``: each
    on its Sunday, where a week's mean is the 7-day mean of that day, oldest first).
    """
    timeline = page["timeline"]
    columns = ("day", "leg", "back", "leg_avg7", "back_avg7")
    older = None
    shown_from = page.get("shown_from")
    if shown_from and page["first_day"] and page["first_day"] < shown_from:
        sundays = [
            (date.fromisoformat(w["week"]) + timedelta(days=6), w) for w in reversed(page["weeks"])
        ]
        weeks = [
            (sunday.isoformat(), w) for sunday, w in sundays if sunday.isoformat() < shown_from
        ]
        older = {
            "url": older_url,
            "before": shown_from,
            "weeks": {
                "day": [day for day, _ in weeks],
                "leg": [w["leg"] for _, w in weeks],
                "back": [w["back"] for _, w in weeks],
            },
        }
    return {
        "today": today.isoformat(),
        "first_day": page["first_day"],
        "timeline": {name: [row[name] for row in timeline] for name in columns},
        "older": older,
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
                        "in_progress": w["in_progress"],
                        "leg": {k: half_up(w["leg"][k], 1) for k in ("median", "q1", "q3")},
                        "back": {k: half_up(w["back"][k], 1) for k in ("median", "q1", "q3")},
                    }
                    for w in panel["windows"]
                ],
            }
            for panel in page["panels"]
        ],
    }
