"""As-needed doses on the patient's calendar: which local day a dose was taken on, the UTC
moments a range of local days spans, and the doses of one day by medicine.

Pure: no Flask, nothing stored. A dose's ``taken_at`` is a UTC moment; the patient's days
are calendar days in their time zone, as an entry's ``day`` is.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from diary.accounts import iso
from diary.clinical.comparison import patient_today, zone_of


def moment(taken_at: str) -> datetime:
    """A stored ``taken_at`` ("2026-03-03T08:15:00.000Z") as an aware UTC datetime."""
    return datetime.fromisoformat(taken_at.replace("Z", "+00:00"))


def local_day(taken_at: str, time_zone: str) -> str:
    """The patient's calendar day (ISO) on which a dose taken at ``taken_at`` was taken."""
    return patient_today(time_zone, moment(taken_at)).isoformat()


def local_time(taken_at: str, time_zone: str) -> str:
    """The patient's clock time ("08:15") at which the dose was taken."""
    return f"{moment(taken_at).astimezone(zone_of(time_zone)):%H:%M}"


def day_start(day: str | date, time_zone: str) -> str:
    """The UTC moment (as stored) at which the patient's ``day`` begins."""
    day = day if isinstance(day, date) else date.fromisoformat(day)
    return iso(datetime.combine(day, time(0), tzinfo=zone_of(time_zone)))


def day_bounds(first: str | date, last: str | date, time_zone: str) -> tuple[str, str]:
    """``(since, until)``: the UTC moments spanning the patient's days ``first``..``last``
    (``since`` inclusive, ``until`` exclusive), for ``records.list_doses``."""
    last = last if isinstance(last, date) else date.fromisoformat(last)
    return day_start(first, time_zone), day_start(last + timedelta(days=1), time_zone)


def at_local(day: str, clock: str, time_zone: str) -> str:
    """The UTC moment (as stored) of the patient's ``day`` at ``clock`` ("08:15").

    A clock time the day skips (the hour lost when clocks go forward) is read as the
    same time before the change, which lands just after it, as a phone does.
    """
    hours, minutes = (int(part) for part in clock.split(":"))
    local = datetime.combine(date.fromisoformat(day), time(hours, minutes))
    return iso(local.replace(tzinfo=zone_of(time_zone)))


def now_iso() -> str:
    """Now, as a dose's ``taken_at`` is stored."""
    return iso(datetime.now(UTC))


def by_medication(doses: Iterable[dict]) -> dict[str, list[dict]]:
    """Doses grouped by their medicine's id, each group in the order given."""
    groups: dict[str, list[dict]] = {}
    for dose in doses:
        groups.setdefault(dose["medication_id"], []).append(dose)
    return groups
