"""A run that crosses midnight (UTC) meets one day, not two (tests/clock.py).

Tests take dates when their module is imported and the app takes its own per request; the
in-process tests run at noon of the run's day, so the two agree whatever the hour. Here a
second pytest run is collected a minute before midnight and runs its tests five seconds
after it, on tests that take their dates at import.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ACROSS_MIDNIGHT = '''
"""Collect a minute before the next midnight (UTC), run five seconds after it."""
import datetime as dt

import time_machine

DAY = dt.datetime.now(dt.UTC).date()
_before = time_machine.travel(dt.datetime.combine(DAY, dt.time(23, 59), tzinfo=dt.UTC))
_before.start()


def pytest_collection_finish(session):
    _before.stop()
    after = dt.datetime.combine(DAY + dt.timedelta(days=1), dt.time(0, 0, 5), tzinfo=dt.UTC)
    time_machine.travel(after).start()
    print(f"collected on {DAY}, running on {after.date()}")
'''

# Tests whose module takes "today" at import, compared with the app's today.
DATED = [
    "tests/test_comparison.py::test_timeline_for_the_charts",
    "tests/test_comparison.py::test_windows_not_yet_reached_have_no_numbers",
    "tests/test_therapies_pages.py::test_the_kind_comes_first_and_decides_whether_an_end_day_is_offered",
    "tests/test_charts_reads.py::test_the_charts_page_carries_its_last_year_of_days_and_weeks_before_it",
]


def test_a_run_collected_before_midnight_and_run_after_it_meets_one_day(tmp_path):
    (tmp_path / "across_midnight.py").write_text(ACROSS_MIDNIGHT)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider"]
        + ["-p", "across_midnight", *DATED],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "collected on " in run.stdout and ", running on " in run.stdout, run.stdout
    assert run.returncode == 0, run.stdout[-3000:]
    assert f"{len(DATED)} passed" in run.stdout
