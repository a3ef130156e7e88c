"""Who a physician's cohort counts, read from the database.

A patient counts when they share with the physician now (an accepted share, not revoked,
not expired: ``sharing.invites.patients_of``, the same rule as every physician's read),
have not left themselves out of cohorts (``users.in_cohorts``) and had a therapy of the
kind (their first one of it, by start day). No Flask: the routes hand in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from diary import clinical
from diary.clinical import comparison, daily
from diary.cohorts.outcomes import OFFSETS, patient_outcome
from diary.cohorts.table import cohort_table, kept
from diary.sharing import invites, log
from diary.sync import queries


@dataclass(frozen=True)
class Member:
    """A patient the cohort counts: who (for the physician's own screen and the access
    log, never for a file) and their outcome after the therapy."""

    patient_id: int
    name: str
    outcome: dict


def _sharing(db, physician_id: int, now: datetime | None) -> list[dict]:
    return [p for p in invites.patients_of(db, physician_id, now=now) if p["in_cohorts"]]


def first_of_kind(therapies: list[dict], kind: str) -> dict | None:
    """The patient's first live therapy of ``kind`` (by start day, then when it was
    recorded), or None. ``therapies`` as ``queries.list_therapies`` gives them."""
    mine = [t for t in therapies if t["kind"] == kind]
    return min(mine, key=lambda t: (t["start_day"], t["created_at"], t["id"])) if mine else None


def members(db, physician_id: int, kind: str, *, now: datetime | None = None) -> list[Member]:
    """The patients the physician's cohort of ``kind`` counts, with their outcomes, by
    name. Refuses (ValueError) a kind that is not a therapy kind."""
    if kind not in clinical.THERAPY_KINDS:
        raise ValueError(f"kind must be one of {', '.join(clinical.THERAPY_KINDS)}")
    found = []
    for patient in _sharing(db, physician_id, now):
        therapies = queries.list_therapies(db, patient["id"])
        therapy = first_of_kind(therapies, kind)
        if therapy is None:
            continue
        start = date.fromisoformat(therapy["start_day"])
        first = start.toordinal() + min(lo for lo, _hi in OFFSETS.values())
        last = start.toordinal() + max(hi for _lo, hi in OFFSETS.values())
        days = daily.daily_values(
            db,
            patient["id"],
            date.fromordinal(first).isoformat(),
            date.fromordinal(last).isoformat(),
        )
        outcome = patient_outcome(
            therapy,
            days,
            today=comparison.patient_today(patient["time_zone"]),
            responses=queries.list_responses(db, patient["id"]),
            therapies=therapies,
        )
        found.append(Member(patient["id"], patient["name"], outcome))
    return found


def kinds_counted(db, physician_id: int, *, now: datetime | None = None) -> dict[str, int]:
    """How many patients each therapy kind's cohort would count (every kind, 0 for none)."""
    counts = dict.fromkeys(clinical.THERAPY_KINDS, 0)
    for patient in _sharing(db, physician_id, now):
        for kind in {t["kind"] for t in queries.list_therapies(db, patient["id"])}:
            counts[kind] += 1
    return counts


def cohort(
    db, physician_id: int, *, kind: str, population: str, through: str
) -> tuple[list[Member], dict]:
    """The physician's cohort of ``kind``: its members (everyone counted, before the
    population is chosen) and its table (``table.cohort_table``). Refuses (ValueError)
    what they refuse."""
    found = members(db, physician_id, kind)
    table = cohort_table(
        [m.outcome for m in found], kind=kind, population_kind=population, through=through
    )
    return found, table


def in_table(found: list[Member], table: dict) -> list[Member]:
    """The members whose numbers ``table`` rests on (for completers, only those)."""
    return [m for m in found if kept(m.outcome, table["population"], table["through"])]


def log_counted(db, physician, found: list[Member], what: str) -> None:
    """Write to each counted patient's access log that the physician's cohort page or file
    included them (``what``: ``cohort`` or ``cohort_export``; once per few minutes)."""
    for member in found:
        viewer = log.Viewer(
            patient_id=member.patient_id, physician_id=physician.id, physician_name=physician.name
        )
        log.record(db, viewer, what, collapse=True)
