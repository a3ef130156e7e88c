"""The suite's day: the tests that run the app in this process see one day, at noon.

Tests compute dates ("today", "a year ago") when their module is imported, and the app
computes its own when a request comes; a run that crossed midnight (UTC, the test users'
zone) used to meet two different days, and a dozen tests failed. Every test but the
browser ones now runs with the clock moved to noon of the day the run started, ticking
from there (tests/conftest.py), so the dates a test made at import and the app's agree,
whatever the hour. The browser tests drive a live server and Chromium on the real clock:
they compute their dates when they run, not when they are imported.

Tests about the hour itself (time zones, a session's idle limit) pass their own times.
"""

from datetime import UTC, datetime, time

#: The day the run started, in UTC.
TODAY = datetime.now(UTC).date()
#: Where the clock of every in-process test starts.
NOON = datetime.combine(TODAY, time(12), tzinfo=UTC)
