"""The charts pages' numbers, read from the database: the days they show, no more.

The patient's Charts page and the read-only pages of physicians and view links show the
same thing (``charts.page.charts_page``). This reads it: every day's full definition
(``daily.daily_values_within``) only over the days the comparisons and the timeline
need, the leg and back columns alone over the whole diary (its weekly averages and first
and last days), and the entries themselves only where the panels show body maps and
activity limits. Five years of a diary then cost the page little more than one.
"""

from datetime import date, timedelta

from diary.charts import page as charts
from diary.clinical import analysis, daily
from diary.medications import records
from diary.sync import queries

#: The charts pages carry the single days of the chart's longest default span ("1 year", the
#: chart's first view of a longer diary) and one more; older days come as weekly averages,
#: and their single days from a timeline read when the reader picks "All"
#: (static/js/charts.js). The patient's page and the read-only pages of physicians and view
#: links alike, so none of them grows with the whole diary.
SHOWN_DAYS = 366


def shown_from(today: date) -> date:
    """The first day whose single days a charts page carries (``SHOWN_DAYS`` to ``today``)."""
    return today - timedelta(days=SHOWN_DAYS - 1)


def older_until(first_shown: date) -> str:
    """The last day (ISO) a page starting on ``first_shown`` asks for in its older days."""
    return (first_shown - timedelta(days=1)).isoformat()


def timeline(db, patient_id, first: date | None = None, last: date | None = None) -> list[dict]:
    """``analysis.timeline`` rows of the patient's days from ``first`` to ``last`` (inclusive;
    None: from the first, to the last): only those days are read, and the six before
    ``first`` that its 7-day means need, so each day's means are the same whatever the span."""
    days = daily.daily_values(
        db,
        patient_id,
        analysis.averages_from(first).isoformat() if first else "0000-00-00",
        last.isoformat() if last else "9999-99-99",
    )
    return analysis.timeline(days=days, first_day=first)


def read(
    db,
    patient_id,
    therapies,
    *,
    today: date,
    shown_from: date | None = None,
    responses: list[dict] | None = None,
    shared: bool = False,
) -> dict:
    """``charts.charts_page`` of the patient's diary, with each panel's medicines
    (``records.medicine_panels``). ``therapies`` are the patient's, as the page shows them;
    ``shown_from`` starts the timeline on that day (None: the whole diary); ``responses``
    the patient's questionnaire responses when the caller has read them already;
    ``shared``: read by someone the patient shares with, not the patient."""
    if shown_from is None:
        days = daily.daily_values(db, patient_id)
        pain_days = days
    else:
        pain_days = daily.pain_values(db, patient_id)
    last_day = pain_days[-1]["day"].isoformat() if pain_days else None
    if shown_from is not None:
        spans = charts.page_spans(therapies, last_day, shown_from)
        days = daily.daily_values_within(db, patient_id, spans)
    entries = daily.entries_within(db, patient_id, charts.map_spans(therapies, last_day))
    page = charts.charts_page(
        therapies,
        entries,
        today=today,
        days=days,
        pain_days=pain_days,
        shown_from=shown_from,
        responses=queries.list_responses(db, patient_id) if responses is None else responses,
        shared=shared,
    )
    page["panels"] = records.medicine_panels(db, patient_id, page["panels"], today=today)
    return page
