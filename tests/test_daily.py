"""SQLite's per-day values (diary/clinical/daily.py) are analysis.daily_values' on any diary."""

import itertools
import math
import tempfile
import uuid
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diary import accounts, clinical, create_app
from diary.clinical import analysis, comparison, daily, regions
from diary.db import write
from diary.schemas import EntryData
from diary.sync import store
from tests.conftest import PASSWORD, TEST_CONFIG

_app = create_app({**TEST_CONFIG, "DATABASE": str(Path(tempfile.mkdtemp()) / "d.sqlite3")})
_db = _app.extensions["diary.db"].get()
_numbers = itertools.count()

entry = st.fixed_dictionaries(
    {
        "day": st.sampled_from(["2026-01-01", "2026-01-02", "2026-01-05"]),
        "leg_pain": st.none() | st.integers(0, 10),
        "back_pain": st.integers(0, 10),
        "regions": st.dictionaries(
            st.sampled_from(sorted(regions.CODES)), st.sampled_from(["pain", "numb"]), max_size=6
        ),
        "activities": st.dictionaries(
            st.sampled_from(list(clinical.ACTIVITIES)), st.integers(0, 4), max_size=8
        ),
    }
)


def close(a, b):
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(entry, max_size=12), st.booleans())
def test_sqlite_and_python_agree_on_every_day(entries, delete_one):
    with _app.app_context():
        user = accounts.register(
            _db,
            _app.extensions["diary.hasher"],
            email=f"d{next(_numbers)}@example.org",
            password=PASSWORD,
            role="patient",
            name="D",
        )
    stored = []
    with write(_db):
        for data in entries:
            if data["leg_pain"] is None and data["back_pain"] is None:
                continue
            valid = EntryData.model_validate(data)
            outcome = store.apply_change(_db, user.id, "entry", uuid.uuid4(), None, False, valid)
            stored.append(outcome.row)
        if delete_one and stored:  # a tombstone counts for nothing
            gone = stored.pop()
            store.apply_change(_db, user.id, "entry", gone["id"], 1, True, None)
    expected = analysis.daily_values(comparison.analysis_rows(stored))
    found = daily.daily_values(_db, user.id)
    assert [d["day"] for d in found] == [d["day"] for d in expected]
    # The leg and back columns alone give the same days and the same means.
    pain = daily.pain_values(_db, user.id)
    assert pain == [{k: d[k] for k in ("day", "leg", "back")} for d in found]
    for mine, theirs in zip(found, expected, strict=True):
        assert mine["distal_level"] == theirs["distal_level"], (mine, theirs)
        for key in ("leg", "back", "activity_index"):
            assert close(mine[key], theirs[key]), (key, mine, theirs)


def test_a_span_reads_only_its_days(patient, app):
    for day in ("2026-01-01", "2026-01-02", "2026-01-03"):
        patient.post("/api/v1/entries", {"day": day, "leg_pain": 5})
    db = app.extensions["diary.db"].get()
    days = daily.daily_values(db, patient.user["id"], "2026-01-02", "2026-01-03")
    assert [d["day"].isoformat() for d in days] == ["2026-01-02", "2026-01-03"]
    within = daily.entries_within(db, patient.user["id"], [("2026-01-01", "2026-01-01")])
    assert [e["day"] for e in within] == ["2026-01-01"]


def test_several_spans_read_in_one_statement_give_each_spans_days(patient, app):
    days = [f"2026-01-{n:02d}" for n in range(1, 11)]
    for n, day in enumerate(days):
        patient.post("/api/v1/entries", {"day": day, "leg_pain": n, "activities": {}})
    db = app.extensions["diary.db"].get()
    spans = [
        ("2026-01-02", "2026-01-03"),
        ("2026-01-06", "2026-01-06"),
        ("2026-01-09", "2026-02-01"),
    ]
    within = daily.daily_values_within(db, patient.user["id"], spans)
    one_by_one = [d for span in spans for d in daily.daily_values(db, patient.user["id"], *span)]
    assert within == one_by_one
    assert [d["day"].day for d in within] == [2, 3, 6, 9, 10]
    entries = daily.entries_within(db, patient.user["id"], spans)
    assert [e["day"] for e in entries] == [d["day"].isoformat() for d in within]
