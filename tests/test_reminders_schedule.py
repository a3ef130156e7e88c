"""The scheduling rule of the daily reminder (diary/reminders/schedule.py), pure: at the
patient's time in their time zone, within the grace period, never after their day ends, and
one day, one reminder across the clock changes."""

from datetime import UTC, date, datetime, timedelta

import pytest

from diary.reminders import schedule

GRACE = timedelta(hours=3)


def utc(text):
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "clock", "first_due_utc", "local_day"),
    [
        ("UTC", "20:00", "2026-06-10T20:00", "2026-06-10"),
        ("Asia/Tokyo", "20:00", "2026-06-10T11:00", "2026-06-10"),
        ("America/Los_Angeles", "20:00", "2026-06-11T03:00", "2026-06-10"),
        ("Pacific/Kiritimati", "07:30", "2026-06-09T17:30", "2026-06-10"),
        ("Asia/Kolkata", "08:15", "2026-06-10T02:45", "2026-06-10"),
    ],
)
def test_due_from_the_patients_time_in_their_zone(zone, clock, first_due_utc, local_day):
    start = utc(first_due_utc)
    assert schedule.due_day(start - timedelta(minutes=1), zone, clock, GRACE) is None
    assert schedule.due_day(start, zone, clock, GRACE) == date.fromisoformat(local_day)
    assert schedule.due_day(start + GRACE - timedelta(seconds=1), zone, clock, GRACE) == (
        date.fromisoformat(local_day)
    )
    assert schedule.due_day(start + GRACE, zone, clock, GRACE) is None


def test_never_after_the_patients_day_has_ended():
    # 23:00 in Paris (summer, UTC+2) is 21:00 UTC; the day ends at 22:00 UTC, before the grace.
    assert schedule.due_day(utc("2026-06-10T21:59"), "Europe/Paris", "23:00", GRACE) == date(
        2026, 6, 10
    )
    assert schedule.due_day(utc("2026-06-10T22:00"), "Europe/Paris", "23:00", GRACE) is None


def test_clocks_going_forward_move_a_missing_time_just_after_the_change():
    # Paris, 29 March 2026: 02:00 becomes 03:00; 02:30 does not exist that night.
    at = schedule.reminder_moment(date(2026, 3, 29), "02:30", "Europe/Paris")
    assert at == utc("2026-03-29T01:30")  # 03:30 summer time
    assert schedule.due_day(utc("2026-03-29T01:29"), "Europe/Paris", "02:30", GRACE) is None
    assert schedule.due_day(utc("2026-03-29T01:30"), "Europe/Paris", "02:30", GRACE) == date(
        2026, 3, 29
    )


def test_clocks_going_back_count_a_time_that_happens_twice_the_first_time():
    # Paris, 25 October 2026: 03:00 becomes 02:00; 02:30 happens at 00:30 and at 01:30 UTC.
    at = schedule.reminder_moment(date(2026, 10, 25), "02:30", "Europe/Paris")
    assert at == utc("2026-10-25T00:30")


def test_a_reminder_waits_for_a_phone_that_is_off_until_the_day_ends_only():
    now = utc("2026-06-10T18:00")
    assert schedule.time_to_live(now, date(2026, 6, 10), "UTC") == 6 * 3600
    late = utc("2026-06-10T23:59:30")
    assert schedule.time_to_live(late, date(2026, 6, 10), "UTC") == 60
