"""Declared request shapes (pydantic), shared by the API, the HTML forms and the OpenAPI file.

Validation and documentation come from the same declarations so they cannot drift apart.
"""

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from diary import clinical
from diary.clinical import regions
from diary.errors import ApiError
from diary.fields import (
    AnyDay,
    ClientId,
    Email,
    EntryDay,
    LocalTime,
    Note,
    TimeZone,
    Trimmed,
    Version,
    Whole,
    Words,
)
from diary.i18n import SUPPORTED as SUPPORTED_LOCALES
from diary.i18n.text import gettext as _
from diary.i18n.text import lazy_gettext as _l
from diary.i18n.text import or_list
from diary.sync.cursors import SEQ_CURSOR_PATTERN


class Strict(BaseModel):
    """Unknown fields are refused and types are not coerced ("3" is not 3)."""

    model_config = ConfigDict(extra="forbid", strict=True)


#: A sync batch holds at most this many changes (and 2 MB): a larger one is 413.
MAX_SYNC_CHANGES = 1000
Password = Annotated[str, StringConstraints(max_length=256)]
NewPassword = Annotated[str, StringConstraints(min_length=10, max_length=256)]


class UserCreate(Strict):
    """A new account. A refused registration is 400 whatever the reason (a taken email
    looks like any other refusal), so a schema-valid body may still be refused."""

    email: Email
    password: NewPassword
    role: Literal["patient", "physician"] = "patient"
    name: Words(100)
    time_zone: TimeZone = "UTC"


class SessionCreate(Strict):
    email: Annotated[str, StringConstraints(max_length=254)]
    password: Password
    remember: bool = False


class PasswordChange(Strict):
    current_password: Password
    new_password: NewPassword


class AccountDeletion(Strict):
    """The password asked again before an account and all its data are deleted (a borrowed,
    unlocked phone must not be enough to erase a diary)."""

    password: Password


class EmailChange(Strict):
    """A new email to sign in with, and the password asked again. With email configured,
    the change waits for the link sent to the new address (docs/api.md)."""

    email: Email
    password: Password


class PasswordReset(Strict):
    """The new password a reset link sets (the same rules as at registration)."""

    new_password: NewPassword


class ResetRequest(Strict):
    """The address to send a reset link to (the answer is the same whether or not an
    account uses it)."""

    email: Email


FRIENDLY = {
    "missing": _l("is required"),
    "extra_forbidden": _l("is not a field we know"),
    "int_type": _l("must be a whole number"),
    "string_type": _l("must be text"),
    "bool_type": _l("must be true or false"),
    "int_parsing": _l("must be a whole number"),
    "int_from_float": _l("must be a whole number"),
    "float_type": _l("must be a number"),
    "float_parsing": _l("must be a number"),
    "bool_parsing": _l("must be true or false"),
    "dict_type": _l("must be an object"),
    "model_type": _l("must be an object"),
    "list_type": _l("must be a list"),
}

#: One allowed value as pydantic writes it in a literal's choices: a quoted string (quotes
#: inside escaped) or a bare word (a number, None).
_CHOICE = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s,]+""")


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Map a pydantic error to ``{"field.path": "plain message"}``, first error per field.

    A whole-model rule names its field by starting its message with ``"field: "`` (or a
    path into it, ``"answers.3: "``); for a model inside a list (``entries.3``) the field
    joins the path (``entries.3.leg_pain``).
    """
    fields = {}
    for error in exc.errors(include_url=False):
        path = error["loc"]
        loc = ".".join(str(p) for p in path)
        message = _message(error)
        if not path or isinstance(path[-1], int):
            name, sep, rest = message.partition(": ")
            if sep and _field_path(name):
                loc, message = (f"{loc}.{name}" if loc else name), rest
            elif not loc:
                loc = "body"
        fields.setdefault(loc, message)
    return fields


def _field_path(name: str) -> bool:
    # "leg_pain", or a path into a field: "answers.3", "answers.total".
    head, *rest = name.split(".")
    return head.isidentifier() and all(p.isidentifier() or p.isdigit() for p in rest)


def _message(error) -> str:
    ctx = error.get("ctx") or {}
    kind = error["type"]
    if kind == "less_than_equal":
        return _("must be at most %(limit)s", limit=ctx["le"])
    if kind == "greater_than_equal":
        return _("must be at least %(limit)s", limit=ctx["ge"])
    if kind == "string_too_long":
        return _("is too long (at most %(count)s characters)", count=ctx.get("max_length"))
    if kind == "too_long":
        return _("is too long (at most %(count)s items)", count=ctx.get("max_length"))
    if kind == "string_too_short":
        shortest = ctx.get("min_length", 1)
        if shortest == 1:
            return _("must not be empty")
        return _("must be at least %(count)s characters long", count=shortest)
    if kind == "literal_error":
        return _("must be one of %(allowed)s", allowed=_choices(ctx.get("expected", "")))
    return str(FRIENDLY.get(kind) or _clean(error["msg"]))


def _choices(expected: str) -> str:
    """A literal's allowed values joined in the reader's language ("'en' o 'es'").

    pydantic gives them only as its English sentence ("'en', 'es' or 'fr'"): the values are
    taken back out of it, the "or" between them left behind."""
    values = [value for value in _CHOICE.findall(expected) if value != "or"]
    return or_list(values) if values else expected


def _clean(message: str) -> str:
    # "Value error, must be ..." -> "must be ..."
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def validate(model: type[BaseModel], data, *, strict=True):
    """Return ``model`` validated from ``data`` or raise ApiError 422 naming the fields.

    ``strict=False`` is for HTML forms, whose values all arrive as text.
    """
    if not isinstance(data, dict):
        raise ApiError(
            422, "invalid", _("The body must be a JSON object."), {"body": _("must be an object")}
        )
    try:
        return model.model_validate(data, strict=strict)
    except ValidationError as exc:
        raise ApiError(422, "invalid", _("Some fields are not valid."), field_errors(exc)) from None


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
    in_cohorts: bool = Field(
        description="whether the patient's numbers count, de-identified and aggregated, in "
        "the cohort tables of the physicians they share with (docs/cohorts.md)"
    )
    reminder_time: str | None = Field(
        description="HH:MM in the user's time zone for the daily reminder; null: none"
    )
    locale: Literal[SUPPORTED_LOCALES] | None = Field(
        None,
        description="the language chosen for pages, messages and e-mails; null: the "
        "browser's Accept-Language decides",
    )


class UserUpdate(Strict):
    """The account fields a user may change; those left out stay as they are (and so does
    a null, except reminder_time, where null turns the daily reminder off)."""

    name: Words(100) | None = None
    time_zone: TimeZone | None = None
    share_notes: bool | None = None
    in_cohorts: bool | None = Field(
        None,
        description="false leaves the patient's numbers out of the cohort tables of the "
        "physicians they share with, while they still share for care",
    )
    reminder_time: LocalTime | None = Field(
        None,
        description="HH:MM on the user's clock (time_zone) for the daily reminder, sent only "
        "when nothing is logged for that day; null turns it off (docs/reminders.md)",
    )
    locale: Literal[SUPPORTED_LOCALES] | None = Field(
        None,
        description="the language of pages, messages and e-mails (docs/translations.md); "
        "null goes back to the browser's Accept-Language",
    )


class EmailChangeWaiting(BaseModel):
    email: str = Field(description="the address a confirmation link was sent to")
    expires_at: str = Field(description="when the link stops working (ISO 8601, UTC)")


class EmailChangePending(EmailChangeWaiting):
    asked_at: str = Field(description="when the change was asked for (ISO 8601, UTC)")


class EmailState(BaseModel):
    """The account's sign-in email, and the change waiting for its link, if any."""

    email: str = Field(description="the address the account signs in with now")
    change: EmailChangePending | None = Field(
        description="the change waiting for the link sent to its address; null without one "
        "(none asked, confirmed, cancelled, or its link expired)"
    )


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

Score = Whole(0, 10)
Limit = Whole(0, 4)
Minutes = Whole(0, clinical.TOLERANCE_MAX_MIN)


def _one_of(codes):
    """JSON Schema for a dict keyed by these codes (what the key validators below check)."""
    return {"propertyNames": {"enum": list(codes)}}


def _entry_schema(schema):
    # The whole-entry rule, in the document too: a leg or a back score, or both.
    schema["anyOf"] = [
        {"required": [name], "properties": {name: {"type": "integer"}}}
        for name in ("leg_pain", "back_pain")
    ]


# Catalogue order, the order an entry's areas and activities are stored and listed in
# (worked out once: a 1,000-change sync validates 1,000 entries).
_REGION_ORDER = {r.code: i for i, r in enumerate(regions.REGIONS)}
_ACTIVITY_ORDER = {code: i for i, code in enumerate(clinical.ACTIVITIES)}


class EntryData(Strict):
    """One diary entry's content (CLINICAL.md section 1); defaults filled in."""

    model_config = ConfigDict(json_schema_extra=_entry_schema)

    day: EntryDay
    leg_pain: Score | None = None
    back_pain: Score | None = None
    worst_leg_pain: Score | None = None
    regions: dict[str, Literal["pain", "numb"]] = Field(
        default_factory=dict, json_schema_extra=_one_of(r.code for r in regions.REGIONS)
    )
    activities: dict[str, Limit] = Field(
        default_factory=dict, json_schema_extra=_one_of(clinical.ACTIVITIES)
    )
    sitting_tolerance_min: Minutes | None = None
    walking_tolerance_min: Minutes | None = None
    red_flags: list[str] = Field(
        default_factory=list,
        max_length=len(clinical.RED_FLAGS),
        json_schema_extra={"items": {"type": "string", "enum": list(clinical.RED_FLAGS)}},
    )
    note: Note(clinical.NOTE_MAX) = ""

    @field_validator("regions")
    @classmethod
    def _known_regions(cls, value):
        unknown = sorted(set(value) - regions.CODES)
        if unknown:
            raise ValueError(_("has unknown region codes: %(codes)s", codes=", ".join(unknown[:5])))
        return {code: value[code] for code in sorted(value, key=_REGION_ORDER.__getitem__)}

    @field_validator("activities")
    @classmethod
    def _known_activities(cls, value):
        unknown = sorted(set(value) - set(clinical.ACTIVITIES))
        if unknown:
            raise ValueError(
                _("has unknown activity codes: %(codes)s", codes=", ".join(unknown[:5]))
            )
        return {code: value[code] for code in sorted(value, key=_ACTIVITY_ORDER.__getitem__)}

    @field_validator("red_flags")
    @classmethod
    def _known_flags(cls, value):
        unknown = sorted(set(value) - set(clinical.RED_FLAGS))
        if unknown:
            raise ValueError(_("has unknown red flags: %(codes)s", codes=", ".join(unknown)))
        return [f for f in clinical.RED_FLAGS if f in value]

    @model_validator(mode="after")
    def _some_pain_score(self):
        if self.leg_pain is None and self.back_pain is None:
            raise ValueError("leg_pain: " + _("give a leg pain or a back pain score (or both)"))
        return self


class EntryCreate(EntryData):
    id: ClientId | None = None


class EntryUpdate(EntryData):
    base_version: Version


def _therapy_schema(schema):
    # The end-day rule, in the document too: only courses have one. That the end is not
    # before the start is a rule between two fields that JSON Schema cannot state.
    schema["anyOf"] = [
        {"properties": {"kind": {"enum": list(clinical.COURSE_KINDS)}}},
        {"properties": {"end_day": {"type": "null"}}},
    ]
    schema["description"] = (
        "A therapy (CLINICAL.md section 3). end_day is only for courses, and must not be "
        "before start_day (422 naming end_day otherwise)."
    )


class TherapyData(Strict):
    """A therapy (CLINICAL.md section 3)."""

    model_config = ConfigDict(json_schema_extra=_therapy_schema)

    kind: Literal[tuple(clinical.THERAPY_KINDS)]  # type: ignore[valid-type]
    label: Trimmed(200) = ""
    start_day: EntryDay
    end_day: AnyDay | None = None
    notes: Note(2000) = ""

    @model_validator(mode="after")
    def _end_after_start(self):
        if self.end_day is not None and self.kind not in clinical.COURSE_KINDS:
            raise ValueError(
                "end_day: "
                + _(
                    "is only for courses (physiotherapy, a medication change or other); "
                    "clear it to save this kind"
                )
            )
        if self.end_day is not None and self.end_day < self.start_day:
            raise ValueError("end_day: " + _("must be on or after the start day"))
        return self


class TherapyCreate(TherapyData):
    id: ClientId | None = None


class TherapyUpdate(TherapyData):
    base_version: Version


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


class TherapyRef(BaseModel):
    """Another therapy named beside a comparison (its overlaps)."""

    id: str
    label: str = Field(description="the therapy's label, or its kind in words")
    start_day: str


class SyncChange(Strict):
    """One change in a sync batch; checked on its own (a bad one is rejected alone)."""

    kind: Literal["entry", "therapy", "medication", "dose", "response"]
    id: ClientId
    base_version: Version | None = None
    deleted: bool = False
    data: dict | None = None


class SyncRequest(BaseModel):
    # Not strict about each change here: each change is validated on its own so one bad
    # change is "rejected" without refusing the whole batch.
    model_config = ConfigDict(extra="forbid")
    # The pattern is documented, and checked by cursors.decode_seq, which also still reads
    # the cursors phones kept from before it (api/sync.py).
    cursor: (
        Annotated[
            str,
            Field(
                json_schema_extra={"pattern": SEQ_CURSOR_PATTERN},
                description="the cursor of this database's previous sync answer, or null to "
                "pull from the start; one it did not give out (another sync epoch: a restored "
                "database) is 422 naming cursor, and the phone then pulls from the start",
            ),
        ]
        | None
    ) = None
    changes: list[Any] = Field(
        default_factory=list,
        # Documented, not validated here: a longer batch is 413 with the limits (api/sync.py).
        json_schema_extra={"maxItems": MAX_SYNC_CHANGES},
        description="Each item is checked on its own against SyncChange: one that is not "
        "valid is answered 'rejected' and the rest of the batch still applies.",
    )


class SyncResult(BaseModel):
    id: str | None
    kind: str | None
    status: Literal["applied", "duplicate", "conflict", "rejected"]
    version: int | None = None
    server: dict | None = None
    error: dict | None = None


class SyncChangeOut(BaseModel):
    kind: Literal["entry", "therapy", "medication", "dose", "response"]
    id: str
    version: int
    deleted: bool
    updated_at: str = Field(
        description="when the server wrote this version, by its clock: after a restore, the "
        "phone tells a version the backup copy brought back from one another device wrote since"
    )
    data: dict


class SyncResponse(BaseModel):
    results: list[SyncResult]
    changes: list[SyncChangeOut]
    cursor: str
    more: bool
