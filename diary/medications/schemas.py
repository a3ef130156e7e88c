"""Declared shapes of medicines and of as-needed doses (DESIGN.md section 5), shared by the
API, the HTML forms, sync and the OpenAPI document.

No drug database: a medicine's name, strength and unit are the patient's own words; the
pages suggest the names they used before.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from diary.clinical.comparison_words import day_words
from diary.fields import (
    AnyDay,
    ClientId,
    EntryDay,
    PastTimestamp,
    TimeZone,
    Trimmed,
    Version,
    Words,
)
from diary.i18n.text import gettext as _
from diary.i18n.text import lazy_gettext as _l
from diary.schemas import Strict

#: Dose changes one medicine may carry: years of monthly changes.
MAX_CHANGES = 200
SCHEDULES = {
    "regular": _l("Regularly (every day, or on a schedule)"),
    "as_needed": _l("Only when needed"),
}


class DoseChange(Strict):
    """A dated event of a medicine's course: from this day on, this dose."""

    day: EntryDay
    dose: Words(100) = Field(
        description='the dose from that day on, in words: "150 mg twice a day"'
    )


def _medication_schema(schema):
    schema["description"] = (
        "A medicine the patient takes (free text: there is no drug database). end_day must "
        "not be before start_day, and every dose change lies within the course (on or after "
        "start_day, not after end_day), one a day: rules between fields that JSON Schema "
        "cannot state, answered 422 naming end_day or changes."
    )


class MedicationData(Strict):
    """A medicine and its course: when it started, when it ended, its dose changes."""

    model_config = ConfigDict(json_schema_extra=_medication_schema)

    name: Words(100)
    strength: Trimmed(40) = Field("", description='as the pack says, "75" or "30/500"')
    unit: Trimmed(20) = Field("", description='"mg", "mcg", "ml", "puffs"...')
    schedule: Literal["regular", "as_needed"]
    start_day: EntryDay
    end_day: AnyDay | None = None
    changes: list[DoseChange] = Field(
        default_factory=list,
        max_length=MAX_CHANGES,
        description="dose changes as dated events, kept in day order",
    )

    @model_validator(mode="after")
    def _within_the_course(self):
        if self.end_day is not None and self.end_day < self.start_day:
            raise ValueError("end_day: " + _("must be on or after the start day"))
        self.changes = sorted(self.changes, key=lambda change: change.day)
        seen = set()
        for change in self.changes:
            when = day_words(change.day)
            if change.day < self.start_day:
                raise ValueError(
                    "changes: " + _("the change of %(day)s is before the start day", day=when)
                )
            if self.end_day is not None and change.day > self.end_day:
                raise ValueError(
                    "changes: " + _("the change of %(day)s is after the end day", day=when)
                )
            if change.day in seen:
                raise ValueError(
                    "changes: " + _("there are two changes on %(day)s; keep one", day=when)
                )
            seen.add(change.day)
        return self


class MedicationCreate(MedicationData):
    id: ClientId | None = None


class MedicationUpdate(MedicationData):
    base_version: Version


class DoseData(Strict):
    """One as-needed dose taken ("took one"): which medicine, and when."""

    medication_id: ClientId = Field(
        description="the medicine's id; a dose is kept even when that medicine is not (yet) "
        "on the server or was deleted (docs/sync-protocol.md)"
    )
    taken_at: PastTimestamp = Field(
        description="when it was taken: a moment no later than an hour ahead of the "
        "server's clock (a later one has not happened: 422 naming taken_at), which the "
        "pattern states only to the day"
    )
    time_zone: TimeZone | None = Field(
        None,
        description="the time zone the dose was taken in, whose clock and calendar show "
        "it; absent or null: on a new dose, the account's time zone when the server "
        "receives it; on an edit, the zone the dose already has",
    )


class DoseCreate(DoseData):
    id: ClientId | None = None


class DoseUpdate(DoseData):
    base_version: Version


class DoseChangeOut(BaseModel):
    day: str
    dose: str


class MedicationOut(BaseModel):
    id: str
    name: str
    strength: str
    unit: str
    schedule: Literal["regular", "as_needed"]
    start_day: str
    end_day: str | None
    changes: list[DoseChangeOut]
    version: int
    created_at: str
    updated_at: str
    deleted: bool


class MedicationList(BaseModel):
    medications: list[MedicationOut]


class DoseOut(BaseModel):
    id: str
    medication_id: str
    taken_at: str
    time_zone: str = Field(description="the time zone the dose was taken in")
    version: int
    created_at: str
    updated_at: str
    deleted: bool


class DoseList(BaseModel):
    doses: list[DoseOut]
