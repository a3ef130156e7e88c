"""When a patient's daily reminder is due: the scheduling rule, pure (no I/O, no Flask).

A reminder is due on the patient's calendar day (in their time zone) from their reminder
time until ``grace`` later, and never after that day ends. Whether it is sent also needs
nothing logged for that day and no reminder claimed for it yet (reminders/sender.py).
Because the claim is per day, a day whose clock changes sends once: on the day clocks go
forward a reminder time that does not exist (02:30 in Paris) falls just after the change
(03:30), and on the day they go back a time that happens twice counts the first time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from diary.clinical.comparison import zone_of


def reminder_moment(day: date, clock: str, time_zone: str) -> datetime:
    """The UTC moment of ``clock`` ("20:30") on the patient's ``day``."""
    hours, minutes = (int(part) for part in clock.split(":"))
    local = datetime.combine(day, time(hours, minutes), tzinfo=zone_of(time_zone))
    return local.astimezone(UTC)


def day_end(day: date, time_zone: str) -> datetime:
    """The UTC moment at which the patient's ``day`` ends (the next day's midnight)."""
    midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone_of(time_zone))
    return midnight.astimezone(UTC)


def due_day(now: datetime, time_zone: str, clock: str, grace: timedelta) -> date | None:
    """The patient's day whose reminder is due at ``now`` (aware), or None.

    Due from ``clock`` on that day until ``grace`` later or the end of the day, whichever
    comes first.
    """
    today = now.astimezone(zone_of(time_zone)).date()
    start = reminder_moment(today, clock, time_zone)
    if start <= now < min(start + grace, day_end(today, time_zone)):
        return today
    return None


def time_to_live(now: datetime, day: date, time_zone: str) -> int:
    """Seconds a push service may hold the reminder for a phone that is off: until the
    patient's day ends (a reminder for yesterday is no use), at least one minute."""
    return max(60, int((day_end(day, time_zone) - now).total_seconds()))
