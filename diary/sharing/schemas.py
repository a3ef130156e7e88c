"""Declared shapes of the sharing API: request bodies (validated) and answers (documented).

The OpenAPI document is generated from these, so what is validated and what is described
cannot drift apart. Every request field is exact: a well-formed request is accepted (or
answers 404/409/429 for what it names), any other is refused with 422 naming the field.
"""

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field

from diary.fields import UUID_PATTERN, Whole
from diary.i18n.text import gettext as _
from diary.questionnaires.schemas import LatestQuestionnaire
from diary.schemas import Strict, TherapyRef
from diary.sharing import invites, links

DateTime = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
Uuid = Annotated[str, Field(json_schema_extra={"format": "uuid", "pattern": UUID_PATTERN})]


def _code(value: str) -> str:
    # Python's re on the documented pattern: the document and the check are the same rule.
    if not re.fullmatch(invites.CODE_PATTERN, value) or invites.normalise(value) is None:
        raise ValueError(
            _(
                "must be the %(count)s letters and digits of an invite code, like 7KQ2M-XH4PB",
                count=invites.CODE_LENGTH,
            )
        )
    return value


InviteCode = Annotated[
    str,
    Field(
        max_length=invites.CODE_MAX_LENGTH,
        json_schema_extra={"pattern": invites.CODE_PATTERN},
        description="the code as the patient read it: case, spaces and dashes do not matter",
    ),
    AfterValidator(_code),
]


class InviteAccept(Strict):
    code: InviteCode


class InviteCreated(BaseModel):
    id: Uuid
    code: str = Field(description="shown once: only its hash is kept")
    expires_at: DateTime


class Person(BaseModel):
    id: int | None = Field(description="null once the account is deleted")
    name: str


class ShareOut(BaseModel):
    id: Uuid
    status: Literal["pending", "active", "ended", "lapsed"] = Field(
        description="pending: an invite not used yet; active: the physician sees the diary; "
        "ended: revoked or expired after it was accepted; lapsed: an invite cancelled or "
        "never used in time"
    )
    physician: Person | None
    created_at: DateTime
    expires_at: DateTime
    accepted_at: DateTime | None
    revoked_at: DateTime | None


class ShareList(BaseModel):
    shares: list[ShareOut]


class Accepted(BaseModel):
    patient: Person
    share_id: Uuid
    expires_at: DateTime


def _days(value: int) -> int:
    if value not in links.DAYS_CHOICES:
        raise ValueError(_("must be 1, 7 or 30 (days)"))
    return value


class LinkCreate(Strict):
    # A whole number checked against the choices, not a Literal: true == 1 in Python, and a
    # Literal would take it for one day (7.0 is 7, as in JSON Schema).
    days: Annotated[
        Whole(1, 30),
        Field(
            description="how long the link works: 1, 7 or 30 days",
            json_schema_extra={"enum": list(links.DAYS_CHOICES)},
        ),
        AfterValidator(_days),
    ]


class LinkCreated(BaseModel):
    id: Uuid
    url: str = Field(description="shown once: only its token's hash is kept")
    expires_at: DateTime


class LinkOut(BaseModel):
    id: Uuid
    created_at: DateTime
    expires_at: DateTime
    revoked_at: DateTime | None
    live: bool
    uses: int = Field(
        description="how many times its pages (summary, charts) were opened; not the data "
        "the charts fetch, nor HEAD requests, link previews or the patient's own visits"
    )
    last_used_at: DateTime | None


class LinkList(BaseModel):
    links: list[LinkOut]


class AccessEvent(BaseModel):
    id: int
    at: DateTime
    viewer: Literal["physician", "link"]
    physician: Person | None = Field(description="null when a view link was used")
    link_id: Uuid | None
    what: str
    words: str = Field(description='the event in words, without its time ("Dr Lee viewed ...")')


class AccessLog(BaseModel):
    access_log: list[AccessEvent]
    next: str | None


class RedFlag(BaseModel):
    day: str
    flag: str
    words: str


class LatestTherapy(BaseModel):
    id: Uuid
    name: str
    kind: str
    start_day: str
    window: str | None = Field(
        description='the window the verdict is of: "latest" when it has enough data, else the '
        "last follow-up window that has"
    )
    window_label: str | None = Field(
        description='"Latest 4 weeks", or "4 weeks to <day>" when those weeks are not current'
    )
    window_to: str | None = Field(
        description="that window's last day (for latest: the last entry's)"
    )
    window_current: bool | None = Field(
        description="false when the window is the latest 4 weeks and they end more than 7 days "
        "before the patient's today: the verdict is then not about now; null without a window"
    )
    category: str | None
    category_words: str | None
    overlapping_therapies: list[TherapyRef] = Field(
        description="other therapies begun between this one's baseline start and the last "
        "window with numbers: the change may come from either (as in the comparison)"
    )
    overlap_words: str | None = Field(description="that in a line; null without any")
    baseline_after_therapies: list[TherapyRef] = Field(
        description="earlier therapies whose year of follow-up covers this one's baseline "
        "(as in the comparison): it is not a before-any-therapy baseline"
    )
    baseline_words: list[str] = Field(
        description="that in words, a sentence for each (the charts page's); empty without any"
    )


class PatientSummary(BaseModel):
    id: int
    name: str
    since: DateTime
    until: DateTime
    last_entry_day: str | None
    leg_pain_7d: float | None = Field(description="mean daily leg pain of the last 7 days")
    leg_pain_7d_days: int
    latest_therapy: LatestTherapy | None
    red_flags: list[RedFlag] = Field(description="warning signs of the last 14 days")
    questionnaires: list[LatestQuestionnaire] = Field(
        description="the latest answer to each questionnaire the patient answers, with its change"
    )


class PatientList(BaseModel):
    patients: list[PatientSummary] = Field(
        description="one page of the list: limit patients at most"
    )
    next: str | None = Field(
        description="the after value of the next page, with the same sort and q; null on the "
        "last page"
    )
    sharing: int = Field(description="how many patients share with the physician now")
    matching: int = Field(description="how many of them q keeps (all of them without q)")
