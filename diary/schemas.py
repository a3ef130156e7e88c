"""Declared request shapes (pydantic), shared by the API, the HTML forms and the OpenAPI file.

Validation and documentation come from the same declarations so they cannot drift apart.
"""

import datetime as _dt
import re
from typing import Annotated, Literal
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from diary import clinical, regions
from diary.errors import ApiError

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Strict(BaseModel):
    """Unknown fields are refused and types are not coerced ("3" is not 3)."""

    model_config = ConfigDict(extra="forbid", strict=True)


def _email(value: str) -> str:
    if not EMAIL_RE.match(value.strip()):
        raise ValueError("must be an email address like name@example.org")
    return value.strip()


def _time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("must be a time zone name like Europe/Paris") from None
    return value


Email = Annotated[str, StringConstraints(max_length=254), AfterValidator(_email)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
TimeZone = Annotated[str, StringConstraints(max_length=64), AfterValidator(_time_zone)]
Password = Annotated[str, StringConstraints(max_length=256)]


class UserCreate(Strict):
    email: Email
    password: Password
    role: Literal["patient", "physician"] = "patient"
    name: Name
    time_zone: TimeZone = "UTC"


class SessionCreate(Strict):
    email: Annotated[str, StringConstraints(max_length=254)]
    password: Password
    remember: bool = False


class PasswordChange(Strict):
    current_password: Password
    new_password: Password


FRIENDLY = {
    "missing": "is required",
    "extra_forbidden": "is not a field we know",
    "int_type": "must be a whole number",
    "string_type": "must be text",
    "bool_type": "must be true or false",
    "literal_error": None,  # pydantic's message lists the allowed values: keep it
}


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Map a pydantic error to ``{"field.path": "plain message"}``, first error per field.

    A whole-model rule names its field by starting its message with ``"field: "``.
    """
    fields = {}
    for error in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in error["loc"])
        message = _message(error)
        if not loc:
            loc, sep, rest = message.partition(": ")
            loc, message = (loc, rest) if sep and loc.isidentifier() else ("body", message)
        fields.setdefault(loc, message)
    return fields


def _message(error) -> str:
    ctx = error.get("ctx") or {}
    kind = error["type"]
    if kind == "less_than_equal":
        return f"must be at most {ctx['le']}"
    if kind == "greater_than_equal":
        return f"must be at least {ctx['ge']}"
    if kind in ("too_long", "string_too_long"):
        unit = "characters" if kind == "string_too_long" else "items"
        return f"is too long (at most {ctx.get('max_length')} {unit})"
    if kind == "string_too_short":
        return "must not be empty"
    return FRIENDLY.get(kind) or _clean(error["msg"])


def _clean(message: str) -> str:
    # "Value error, must be ..." -> "must be ..."
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def validate(model: type[BaseModel], data, *, strict=True):
    """Return ``model`` validated from ``data`` or raise ApiError 422 naming the fields.

    ``strict=False`` is for HTML forms, whose values all arrive as text.
    """
    if not isinstance(data, dict):
        raise ApiError(
            422, "invalid", "The body must be a JSON object.", {"body": "must be an object"}
        )
    try:
        return model.model_validate(data, strict=strict)
    except ValidationError as exc:
        raise ApiError(422, "invalid", "Some fields are not valid.", field_errors(exc)) from None


class UserOut(BaseModel):
    id: int
    email: str
    role: Literal["patient", "physician"]
    name: str
    time_zone: str
    created_at: str
    share_notes: bool = Field(
        description="whether people the patient shares with see their free-text notes"
    )


class UserUpdate(Strict):
    """The account fields a user may change; those left out stay as they are."""

    name: Name | None = None
    time_zone: TimeZone | None = None
    share_notes: bool | None = None


class SessionOut(BaseModel):
    user: UserOut | None
    csrf_token: str


class DeviceSession(BaseModel):
    id: int
    device: str
    created_at: str
    last_seen_at: str
    expires_at: str
    current: bool


class SessionList(BaseModel):
    sessions: list[DeviceSession]


# Entries and therapies.

Score = Annotated[int, Field(ge=0, le=10)]
Limit = Annotated[int, Field(ge=0, le=4)]
Minutes = Annotated[int, Field(ge=0, le=clinical.TOLERANCE_MAX_MIN)]
EARLIEST_DAY = _dt.date(2000, 1, 1)


def latest_allowed_day(today_utc: _dt.date | None = None) -> _dt.date:
    """The last day an entry may carry: one day after the server's UTC date (UTC+14 phones)."""
    today_utc = today_utc or _dt.datetime.now(_dt.UTC).date()
    return today_utc + _dt.timedelta(days=1)


def _parse_day(value) -> _dt.date:
    if isinstance(value, _dt.date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("must be a date like 2026-03-31")
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a real calendar date like 2026-03-31") from None


def _check_day(value) -> str:
    day = _parse_day(value)
    if day > latest_allowed_day():
        raise ValueError("is in the future; you can log today or earlier days")
    if day < EARLIEST_DAY:
        raise ValueError("is too far in the past")
    return day.isoformat()


Day = Annotated[str, AfterValidator(_check_day)]
AnyDay = Annotated[str, AfterValidator(lambda v: _parse_day(v).isoformat())]


class EntryData(Strict):
    """One diary entry's content (CLINICAL.md section 1); defaults filled in."""

    day: Day
    leg_pain: Score | None = None
    back_pain: Score | None = None
    worst_leg_pain: Score | None = None
    regions: dict[str, Literal["pain", "numb"]] = Field(default_factory=dict)
    activities: dict[str, Limit] = Field(default_factory=dict)
    sitting_tolerance_min: Minutes | None = None
    walking_tolerance_min: Minutes | None = None
    red_flags: list[str] = Field(default_factory=list, max_length=len(clinical.RED_FLAGS))
    note: Annotated[str, StringConstraints(max_length=clinical.NOTE_MAX)] = ""

    @field_validator("regions")
    @classmethod
    def _known_regions(cls, value):
        unknown = sorted(set(value) - regions.CODES)
        if unknown:
            raise ValueError(f"has unknown region codes: {', '.join(unknown[:5])}")
        order = {r.code: i for i, r in enumerate(regions.REGIONS)}
        return dict(sorted(value.items(), key=lambda kv: order[kv[0]]))

    @field_validator("activities")
    @classmethod
    def _known_activities(cls, value):
        unknown = sorted(set(value) - set(clinical.ACTIVITIES))
        if unknown:
            raise ValueError(f"has unknown activity codes: {', '.join(unknown[:5])}")
        order = list(clinical.ACTIVITIES)
        return dict(sorted(value.items(), key=lambda kv: order.index(kv[0])))

    @field_validator("red_flags")
    @classmethod
    def _known_flags(cls, value):
        unknown = sorted(set(value) - set(clinical.RED_FLAGS))
        if unknown:
            raise ValueError(f"has unknown red flags: {', '.join(unknown)}")
        return [f for f in clinical.RED_FLAGS if f in value]

    @field_validator("note")
    @classmethod
    def _tidy_note(cls, value):
        return value.strip()

    @model_validator(mode="after")
    def _some_pain_score(self):
        if self.leg_pain is None and self.back_pain is None:
            raise ValueError("leg_pain: give a leg pain or a back pain score (or both)")
        return self


def _uuid_text(value: str) -> str:
    try:
        return str(UUID(value))
    except ValueError:
        raise ValueError("must be a UUID like 3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f") from None


# JSON has no UUID type: a client id is text in UUID form, kept in canonical lower case.
ClientId = Annotated[str, Field(json_schema_extra={"format": "uuid"}), AfterValidator(_uuid_text)]


class EntryCreate(EntryData):
    id: ClientId | None = None


class EntryUpdate(EntryData):
    base_version: Annotated[int, Field(ge=1)]


class TherapyData(Strict):
    """A therapy (CLINICAL.md section 3)."""

    kind: Literal[tuple(clinical.THERAPY_KINDS)]  # type: ignore[valid-type]
    label: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    start_day: Day
    end_day: AnyDay | None = None
    notes: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""

    @model_validator(mode="after")
    def _end_after_start(self):
        if self.end_day is not None and self.kind not in clinical.COURSE_KINDS:
            raise ValueError(
                "end_day: is only for courses (physiotherapy, a medication change or other); "
                "clear it to save this kind"
            )
        if self.end_day is not None and self.end_day < self.start_day:
            raise ValueError("end_day: must be on or after the start day")
        return self


class TherapyCreate(TherapyData):
    id: ClientId | None = None


class TherapyUpdate(TherapyData):
    base_version: Annotated[int, Field(ge=1)]


class EntryOut(BaseModel):
    id: str
    day: str
    leg_pain: int | None
    back_pain: int | None
    worst_leg_pain: int | None
    regions: dict[str, str]
    activities: dict[str, int]
    sitting_tolerance_min: int | None
    walking_tolerance_min: int | None
    red_flags: list[str]
    note: str
    version: int
    created_at: str
    updated_at: str
    deleted: bool


class EntryList(BaseModel):
    entries: list[EntryOut]
    next: str | None


class TherapyOut(BaseModel):
    id: str
    kind: str
    label: str
    start_day: str
    end_day: str | None
    notes: str
    version: int
    created_at: str
    updated_at: str
    deleted: bool


class TherapyList(BaseModel):
    therapies: list[TherapyOut]


class SyncChange(Strict):
    kind: Literal["entry", "therapy"]
    id: UUID
    base_version: Annotated[int, Field(ge=1)] | None = None
    deleted: bool = False
    data: dict | None = None


class SyncRequest(BaseModel):
    # Not strict about each change here: each change is validated on its own so one bad
    # change is "rejected" without refusing the whole batch.
    model_config = ConfigDict(extra="forbid")
    cursor: str | None = None
    changes: list[dict] = Field(default_factory=list)


class SyncResult(BaseModel):
    id: str | None
    kind: str | None
    status: Literal["applied", "duplicate", "conflict", "rejected"]
    version: int | None = None
    server: dict | None = None
    error: dict | None = None


class SyncChangeOut(BaseModel):
    kind: Literal["entry", "therapy"]
    id: str
    version: int
    deleted: bool
    data: dict


class SyncResponse(BaseModel):
    results: list[SyncResult]
    changes: list[SyncChangeOut]
    cursor: str
    more: bool
