"""What Today shows of medicines: each medicine taken when needed whose course includes the
day, with the doses taken that day, for "Took one". Pure: no Flask, nothing stored."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from diary.medications import doses as dose_days
from diary.medications.words import medication_name


def in_course(medication: dict, day: str) -> bool:
    """True when ``day`` (ISO) lies within the medicine's course."""
    return medication["start_day"] <= day and (
        medication["end_day"] is None or day <= medication["end_day"]
    )


def as_needed_today(
    medications: Iterable[dict], doses: Iterable[dict], *, today: date
) -> list[dict]:
    """``[{"medication", "name", "doses": [{"id", "time", "taken_at", "time_zone",
    "version"}]}]``: the medicines taken as needed whose course includes ``today``, by name,
    each with the doses taken on the patient's ``today`` (each in the zone it was taken
    in), earliest first."""
    day = today.isoformat()
    shown = [m for m in medications if m["schedule"] == "as_needed" and in_course(m, day)]
    taken = dose_days.by_medication(
        sorted(
            (d for d in doses if dose_days.day_of(d) == day),
            key=lambda d: d["taken_at"],
        )
    )
    return [
        {
            "medication": medication,
            "name": medication_name(medication),
            "doses": [
                {
                    "id": dose["id"],
                    "time": dose_days.clock_of(dose),
                    "taken_at": dose["taken_at"],
                    "time_zone": dose["time_zone"],
                    "version": dose["version"],
                }
                for dose in taken.get(medication["id"], [])
            ],
        }
        for medication in sorted(shown, key=lambda m: medication_name(m).casefold())
    ]
