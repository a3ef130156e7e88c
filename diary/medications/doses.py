"""As-needed doses on the patient's calendar: which local day and clock a dose was taken
at, the UTC moments that may hold the doses of a range of local days, and the doses of one
day by medicine.

Pure: no Flask, nothing stored. A dose's ``taken_at`` is a UTC moment and its
``time_zone`` the zone it was taken in (the account's when it was recorded): its day and
clock are read in that zone, so a dose stays where it was taken when the account's zone
changes later, as an entry's ``day`` does.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from diary.accounts import iso
from diary.clinical.comparison import patient_today, zone_of

#: No zone is further than this from UTC (Pacific/Kiritimati is +14, Etc/GMT+12 is -12):
#: the doses of a local day, whatever each one's zone, lie within this of that day in UTC.
WIDEST_OFFSET = timedelta(hours=14)


def moment(taken_at: str) -> datetime:
    """A stored ``taken_at`` ("2026-03-03T08:15:00.000Z") as an aware UTC datetime."""
    return datetime.fromisoformat(taken_at.replace("Z", "+00:00"))


def local_day(taken_at: str, time_zone: str) -> str:
    """The calendar day (ISO) in ``time_zone`` of the moment ``taken_at``."""
    return patient_today(time_zone, moment(taken_at)).isoformat()


def local_time(taken_at: str, time_zone: str) -> str:
    """The clock time ("08:15") in ``time_zone`` of the moment ``taken_at``."""
    return f"{moment(taken_at).astimezone(zone_of(time_zone)):%H:%M}"


def day_of(dose: dict) -> str:
    """The day (ISO) the dose was taken on, in the zone it was taken in."""
    return local_day(dose["taken_at"], dose["time_zone"])


def clock_of(dose: dict) -> str:
    """The clock time ("23:30") the dose was taken at, in the zone it was taken in."""
    return local_time(dose["taken_at"], dose["time_zone"])


def local_moment(dose: dict) -> str:
    """``taken_at`` with the offset of the dose's zone ("2026-03-02T23:30:00+01:00"): the
    same moment, read as the patient's clock showed it (FHIR's effectiveDateTime)."""
    return moment(dose["taken_at"]).astimezone(zone_of(dose["time_zone"])).isoformat()


def day_bounds(first: str | date | None, last: str | date | None) -> tuple[str | None, str | None]:
    """``(since, until)``: UTC moments (as stored; ``since`` inclusive, ``until`` exclusive,
    None for an open end) within which every dose taken on a local day ``first``..``last``
    lies, whatever zone it was taken in. Wider than those days: keep only the doses whose
    ``day_of`` is within them (``within``)."""
    since = until = None
    if first is not None:
        first = first if isinstance(first, date) else date.fromisoformat(first)
        since = iso(datetime.combine(first, time(0), tzinfo=UTC) - WIDEST_OFFSET)
    if last is not None:
        last = last if isinstance(last, date) else date.fromisoformat(last)
        end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=UTC)
        until = iso(end + WIDEST_OFFSET)
    return since, until


def within(doses: Iterable[dict], first: str | date | None, last: str | date | None) -> list:
    """The doses taken on a day ``first``..``last`` (inclusive; None: open), each in its
    own zone, in the order given."""
    first = first.isoformat() if isinstance(first, date) else first
    last = last.isoformat() if isinstance(last, date) else last
    return [
        dose
        for dose in doses
        if (first is None or first <= day_of(dose)) and (last is None or day_of(dose) <= last)
    ]


def at_local(day: str, clock: str, time_zone: str) -> str:
    """The UTC moment (as stored) of ``day`` at ``clock`` ("08:15") in ``time_zone``.

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
