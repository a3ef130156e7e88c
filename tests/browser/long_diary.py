"""A patient with three years of daily entries on the live server, sent as the phone would
(sync batches): the ``long_diary`` fixture of the charts' older days in the browser, the
patient's (test_charts_older.py) and the physician's and view link's
(test_readonly_charts_older.py). Registered for every test module by tests/conftest.py."""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

import pytest

from tests.browser.conftest import register_via_api

YEARS = 3


class LongDiary(NamedTuple):
    """The patient's id, the day the diary was made for (its last; the test users live in
    UTC) and its first day. Taken when the test runs: a run may cross midnight."""

    id: int
    today: date
    first: date


# What the timeline chart holds: the first point of the 7-day mean and of the single days,
# the span's start, and how the older days are drawn.
CHART = """() => {
    const chart = Chart.getChart(document.getElementById('timeline-chart'));
    const [mean, , dots] = chart.data.datasets;
    const day = (p) => p && new Date(p.x).toDateString();
    return {
        older: document.querySelector('[data-chart-area]').dataset.older,
        pressed: document.querySelector('[data-range-days][aria-pressed=true]')?.dataset.rangeDays,
        min: new Date(chart.options.scales.x.min).toDateString(),
        firstMean: day(mean.data[0]),
        firstDot: day(dots.data[0]),
        dots: dots.data.length,
    };
}"""


def js_day(day):
    """A day as the chart's script writes it (Date.toDateString)."""
    return day.strftime("%a %b %d %Y")


@pytest.fixture
def long_diary(page, live_server, new_user):
    """A patient with three years of daily entries (two sync batches) and two therapies, one
    long before the last year; a LongDiary."""
    today = datetime.now(UTC).date()
    first = today - timedelta(days=365 * YEARS - 1)
    url = live_server.url
    user = register_via_api(page, url, new_user())
    entries = [
        {
            "day": (first + timedelta(days=n)).isoformat(),
            "leg_pain": 3 + (n // 90) % 5,
            "back_pain": 2 + (n // 60) % 4,
        }
        for n in range(365 * YEARS)
    ]
    therapies = [
        {"kind": "epidural_steroid", "start_day": (today - timedelta(days=700)).isoformat()},
        {"kind": "physiotherapy", "start_day": (today - timedelta(days=90)).isoformat()},
    ]
    changes = [
        {"kind": "entry", "id": str(uuid.uuid4()), "base_version": None, "data": e} for e in entries
    ] + [
        {"kind": "therapy", "id": str(uuid.uuid4()), "base_version": None, "data": t}
        for t in therapies
    ]
    token = page.request.get(url + "/api/v1/session").json()["csrf_token"]
    for start in range(0, len(changes), 1000):
        response = page.request.post(
            url + "/api/v1/sync",
            data={"cursor": None, "changes": changes[start : start + 1000]},
            headers={"X-CSRFToken": token},
        )
        assert response.ok, response.text()
    return LongDiary(user["id"], today, first)
