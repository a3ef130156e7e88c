"""The charts page reads the days it shows (diary/charts/reads.py): its numbers are those of a
page computed from every entry, and days nothing shows are never decoded.

A three-year diary with four therapies (one long before the last year) is written to the
store; the page built from the spans it reads must match the page from every entry.
"""

import html
import json
import re
from datetime import timedelta

import pytest

from diary.charts import page as charts
from diary.charts import reads
from diary.clinical import daily
from diary.db import write
from diary.sync import queries
from tests.three_year_diary import FIRST, SHOWN_FROM, TODAY, YEARS


def without_medicines(page):
    """The page's panels without the as-needed medicines of each window (this diary has
    none; ``charts.charts_page`` alone does not add them)."""
    for panel in page["panels"]:
        for window in panel["windows"]:
            assert window.pop("as_needed") == []
    return page["panels"]


def test_the_page_from_the_days_it_shows_is_the_page_from_every_entry(diary):
    db, user_id, therapies = diary
    everything = charts.charts_page(therapies, queries.all_entries(db, user_id), today=TODAY)
    page = reads.read(db, user_id, therapies, today=TODAY, shown_from=SHOWN_FROM)
    for mine, theirs in zip(without_medicines(page), everything["panels"], strict=True):
        for key in ("windows", "headline", "regions", "activities", "overlapping_therapies"):
            assert mine[key] == theirs[key], key
    # The timeline starts on its first shown day, with the 7-day means of the whole diary's
    # timeline as SQLite computes it (the read-only pages' read). (Python's own activity
    # index may differ from SQLite's in the last decimal: tests/test_daily.py.)
    whole = reads.read(db, user_id, therapies, today=TODAY)
    assert [p["windows"] for p in without_medicines(whole)] == [
        p["windows"] for p in page["panels"]
    ]
    shown = SHOWN_FROM.isoformat()
    assert page["timeline"] == [r for r in whole["timeline"] if r["day"] >= shown]
    assert page["timeline"][0]["day"] <= (SHOWN_FROM + timedelta(days=2)).isoformat()
    pain = ("day", "leg", "back", "leg_avg7", "back_avg7")
    assert [[r[k] for k in pain] for r in whole["timeline"]] == [
        [r[k] for k in pain] for r in everything["timeline"]
    ]
    assert page["weeks"] == whole["weeks"] == everything["weeks"]
    logged = [row["day"] for row in everything["timeline"]]
    assert (page["first_day"], page["last_day"]) == (logged[0], logged[-1])
    assert page["days_logged"] == len(logged)


def test_the_weekly_averages_before_the_shown_days_are_the_7_day_means_of_their_sundays(diary):
    db, user_id, therapies = diary
    page = reads.read(db, user_id, therapies, today=TODAY, shown_from=SHOWN_FROM)
    older = charts.chart_data(page, today=TODAY, older_url="/older")["older"]
    assert older["url"] == "/older" and older["before"] == SHOWN_FROM.isoformat()
    weeks = older["weeks"]
    assert weeks["day"] == sorted(weeks["day"]) and weeks["day"][-1] < SHOWN_FROM.isoformat()
    assert weeks["day"][0] <= (FIRST + timedelta(days=13)).isoformat()
    sevens = {
        r["day"]: r
        for r in charts.charts_page(therapies, queries.all_entries(db, user_id), today=TODAY)[
            "timeline"
        ]
    }
    for sunday, leg in zip(weeks["day"], weeks["leg"], strict=True):
        if sunday in sevens and leg is not None:  # a Sunday not logged has no row
            assert leg == pytest.approx(sevens[sunday]["leg_avg7"], abs=0.06)


def test_days_before_the_shown_ones_are_never_decoded(diary):
    """An old day outside every comparison window is read for its leg and back pain alone:
    a body map that cannot even be parsed there does not stop the page."""
    db, user_id, therapies = diary
    old_day = (TODAY - timedelta(days=600)).isoformat()
    with write(db):
        db.conn.execute(
            "UPDATE entries SET regions = '{not json', activities = '[' "
            "WHERE patient_id = ? AND day = ?",
            [user_id, old_day],
        )
    page = reads.read(db, user_id, therapies, today=TODAY, shown_from=SHOWN_FROM)
    spans = charts.page_spans(therapies, page["last_day"], SHOWN_FROM)
    assert not any(first <= old_day <= last for first, last in spans)
    assert page["first_day"] == FIRST.isoformat() and len(page["panels"]) == 4
    # Whereas reading every day's whole definition would have to decode it.
    with pytest.raises(Exception, match="malformed JSON"):
        daily.daily_values(db, user_id)


def test_the_charts_page_carries_its_last_year_of_days_and_weeks_before_it(diary, patient):
    body = patient.get("/charts").get_data(as_text=True)
    data = json.loads(html.unescape(re.search(r"data-chart='([^']*)'", body).group(1)))
    assert data["first_day"] == FIRST.isoformat()
    assert data["timeline"]["day"][0] >= SHOWN_FROM.isoformat()
    assert len(data["timeline"]["day"]) <= 366
    older = data["older"]
    assert older["before"] == SHOWN_FROM.isoformat()
    assert older["url"] == f"/api/v1/timeline?to={(SHOWN_FROM - timedelta(days=1)).isoformat()}"
    assert len(older["weeks"]["day"]) >= 52 * (YEARS - 1) - 1
    # The days the page leaves out come from the timeline API, with the same 7-day means.
    fetched = patient.get(older["url"]).get_json()["days"]
    whole = patient.get("/api/v1/timeline").get_json()["days"]
    assert fetched + [r for r in whole if r["day"] >= older["before"]] == whole
    assert [r["day"] for r in whole if r["day"] >= older["before"]] == data["timeline"]["day"]


def test_a_diary_shorter_than_the_shown_span_is_carried_whole(patient):
    for offset in (40, 3, 0):
        day = (TODAY - timedelta(days=offset)).isoformat()
        patient.post("/api/v1/entries", {"day": day, "leg_pain": 4})
    body = patient.get("/charts").get_data(as_text=True)
    data = json.loads(html.unescape(re.search(r"data-chart='([^']*)'", body).group(1)))
    assert data["older"] is None
    assert data["timeline"]["day"][0] == data["first_day"] == (TODAY - timedelta(40)).isoformat()
