"""A made-up diary of three years, written straight to the store, with four therapies (one
long before the last year): the ``diary`` fixture of the tests of the charts' reads
(tests/test_charts_reads.py) and of the read-only charts (tests/test_readonly_charts.py).
Registered for every test module by tests/conftest.py."""

import random
import uuid
from datetime import timedelta

import pytest

from diary.db import get_db, write
from diary.schemas import EntryData
from diary.sync import queries, store
from tests.clock import TODAY  # the run's day (the test patients live in UTC)

YEARS = 3
FIRST = TODAY - timedelta(days=365 * YEARS - 1)
SHOWN_FROM = TODAY - timedelta(days=365)
LEGS = ("l_buttock", "l_thigh_back", "l_calf_back", "l_sole_heel")


def diary_rows(seed=16):
    """Three years of made-up entries: gaps, days of two or three entries, back pain alone on
    some days, body maps and activities of varying reach."""
    rng = random.Random(seed)  # nosec B311 - made-up data, the same on every run
    rows = []
    for index in range(365 * YEARS):
        if rng.random() < 0.07:
            continue
        level = 3 + 4 * ((index // 150) % 2)
        for _ in range(rng.choice((1, 1, 1, 1, 2, 3))):
            rows.append(
                {
                    "day": (FIRST + timedelta(days=index)).isoformat(),
                    "leg_pain": None if rng.random() < 0.05 else rng.randint(level - 2, level + 2),
                    "back_pain": rng.randint(0, 6),
                    "regions": {code: "pain" for code in LEGS[: rng.randint(0, len(LEGS))]},
                    "activities": {
                        code: rng.randint(0, 4)
                        for code in rng.sample(["sitting", "walking", "standing", "sleeping"], 4)
                    },
                }
            )
    return rows


THERAPY_STARTS = (  # long before the last year, on its edge, inside it, and last month
    (TODAY - timedelta(days=800), "msc_injection"),
    (TODAY - timedelta(days=370), "epidural_steroid"),
    (TODAY - timedelta(days=150), "physiotherapy"),
    (TODAY - timedelta(days=30), "surgery"),
)


@pytest.fixture
def diary(app, patient):
    """``(db, patient id, therapies)`` of the three-year diary."""
    with app.app_context():
        db = get_db()
        user_id = patient.user["id"]
        with write(db):
            for row in diary_rows():
                if row["leg_pain"] is None and row["back_pain"] is None:
                    continue
                data = EntryData.model_validate(row)
                store.apply_change(db, user_id, "entry", uuid.uuid4(), None, False, data)
        for start, kind in THERAPY_STARTS:
            patient.post("/api/v1/therapies", {"kind": kind, "start_day": start.isoformat()})
        yield db, user_id, queries.list_therapies(db, user_id)
