"""The declared shapes of the complete copy (format ``diary-export``): the file's records,
as the API shows each kind with its id, version and times, and the import's answer.

They are the OpenAPI document's ``DiaryCopy`` and ``ImportSummary``; the copy's records say
in the document what the import takes because it cleans it (cleaning.document). Building,
reading and importing a copy are in archive.py.
"""

import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
)

from diary.exports import cleaning
from diary.fields import ClientId, Timestamp, Whole, Words, whole_value
from diary.i18n.text import gettext as _
from diary.medications.schemas import (
    DoseChange,
    DoseData,
    DoseOut,
    MedicationData,
    MedicationOut,
)
from diary.questionnaires.schemas import ResponseData, ResponseOut
from diary.schemas import EntryData, EntryOut, Strict, TherapyData, TherapyOut

FORMAT = "diary-export"
VERSION = 5
#: Versions this server imports: 1 (before medicines), 2 (before questionnaires), 3 (before
#: each dose kept its time zone), 4 (before an ODI total could have a decimal) and 5. A
#: server that reads only up to 3 refuses a version 4 copy as a newer version, rather than
#: as a dose with a field it does not know; one that reads up to 4 refuses a version 5 copy
#: the same way, rather than its ODI of 44.4 as "must be a whole number".
READABLE = (1, 2, 3, 4, 5)
#: Records of one kind a copy may hold (50 years of daily entries, several a day).
MAX_RECORDS = 50_000
#: The highest version a copy's record may carry: far more edits than any diary makes, and
#: far from the 64-bit limit that the next edit's version must stay under.
MAX_VERSION = 1_000_000_000


def _cleaned_on_import(model) -> ConfigDict:
    """The configuration of a copy's record made from the API's ``model``: its document
    says what the model's does, then what the import cleans (``cleaning.document``)."""
    own = model.model_config.get("json_schema_extra")

    def document(schema):
        if callable(own):
            own(schema)
        cleaning.document(schema)

    return ConfigDict(json_schema_extra=document)


class CopyUser(Strict):
    """Who the diary belonged to where it was exported (shown, never applied here)."""

    model_config = ConfigDict(json_schema_extra=cleaning.document)

    name: Words(100)
    time_zone: Annotated[str, StringConstraints(max_length=64)]


def _live(deleted: bool) -> bool:
    if deleted:
        raise ValueError(_("must be false (a copy holds no deleted records)"))
    return deleted


#: How far ahead of this server's clock a record's times may be: a copy made on a server
#: whose clock ran a little fast imports; a stamp further ahead would stay "newest" for
#: years and sit at the wrong place in every list ordered by time.
STAMP_AHEAD = datetime.timedelta(days=1)


def _not_ahead(value: str) -> str:
    latest = datetime.datetime.now(datetime.UTC) + STAMP_AHEAD
    if datetime.datetime.fromisoformat(value) > latest:
        raise ValueError(_("is more than a day ahead of this server's clock"))
    return value


#: A record's time in a copy: a Timestamp no more than STAMP_AHEAD after the server's now.
Stamp = Annotated[
    Timestamp,
    Field(description="no more than a day ahead of the server's clock (422 naming it)"),
    AfterValidator(_not_ahead),
]


class _Kept(Strict):
    id: ClientId
    version: Whole(1, MAX_VERSION)
    created_at: Stamp
    updated_at: Stamp
    # A bool that must be false: Literal[False] would also take 0, which JSON tells apart.
    deleted: Annotated[bool, Field(json_schema_extra={"const": False}), AfterValidator(_live)] = (
        False
    )


class CopyEntry(EntryData, _Kept):
    """An entry as the API shows it, with its id, version and times."""

    model_config = _cleaned_on_import(EntryData)


class CopyTherapy(TherapyData, _Kept):
    """A therapy as the API shows it, with its id, version and times."""

    model_config = _cleaned_on_import(TherapyData)


class CopyDoseChange(DoseChange):
    """A medicine's dose change as the API shows it."""

    model_config = _cleaned_on_import(DoseChange)


class CopyMedication(MedicationData, _Kept):
    """A medicine as the API shows it, with its id, version and times."""

    model_config = _cleaned_on_import(MedicationData)

    # The API's field (its limit and words), with changes whose document says what the
    # import cleans.
    changes: list[CopyDoseChange] = MedicationData.model_fields["changes"]


class CopyDose(DoseData, _Kept):
    """An as-needed dose as the API shows it, with its id, version and times. A copy made
    before doses kept their time zone (before version 4) names none: the dose is given the
    account's."""


class CopyResponse(ResponseData, _Kept):
    """A questionnaire response as the API shows it, with its id, version and times (its
    score, worked out from the answers, may be there too and is not read)."""

    model_config = _cleaned_on_import(ResponseData)

    score: int | float | None = Field(None, description="ignored: worked out from answers")


class DiaryCopy(Strict):
    """A complete copy of a diary (docs/exports.md): what GET /api/v1/export.json gives and
    POST /api/v1/import takes. Ids must be unique across the file (422 naming the second).
    A copy made before text refused control characters, or an RMDQ or an ODI a therapy,
    may hold them: the import cleans them as the upgrade did (the answer's cleaned)."""

    format: Literal["diary-export"]
    version: Annotated[Literal[READABLE], BeforeValidator(whole_value)]  # 1.0 is 1 in JSON Schema
    exported_at: Timestamp
    user: CopyUser
    entries: list[CopyEntry] = Field(max_length=MAX_RECORDS)
    therapies: list[CopyTherapy] = Field(max_length=MAX_RECORDS)
    medications: list[CopyMedication] = Field(
        default_factory=list, max_length=MAX_RECORDS, description="absent from version 1"
    )
    doses: list[CopyDose] = Field(
        default_factory=list, max_length=MAX_RECORDS, description="absent from version 1"
    )
    responses: list[CopyResponse] = Field(
        default_factory=list,
        max_length=MAX_RECORDS,
        description="questionnaire answers; absent before version 3",
    )
    # What ``parse`` cleaned of a copy made before an upgrade (cleaning.py), by place in
    # the file; ``apply`` reports it.
    _cleaned: list = PrivateAttr(default_factory=list)


class CleanedRecord(BaseModel):
    kind: Literal["entry", "therapy", "medication", "dose", "response"]
    id: str
    fields: list[str] = Field(
        description="what was cleaned: a text field whose control characters were "
        "removed (changes: a dose's), or therapy_id, cleared from an RMDQ or an ODI"
    )


class ImportCleaned(BaseModel):
    """What a copy made before an upgrade held that this version refuses, and was cleaned on
    the way in as the upgrade cleaned the diaries here (docs/exports.md)."""

    records: list[CleanedRecord]
    sentences: list[str] = Field(
        description="the same in the patient's words and language; empty when nothing was"
    )


class KindCounts(BaseModel):
    applied: int = Field(description="records added to the diary")
    duplicate: int = Field(description="records the diary already held as they are")
    conflict: int = Field(description="records the diary holds differently (kept as they are)")


class ImportConflict(BaseModel):
    kind: Literal["entry", "therapy", "medication", "dose", "response"]
    id: str
    differs: list[str] = Field(
        description="the fields that differ, and deleted when the diary has deleted it"
    )
    file: EntryOut | TherapyOut | MedicationOut | DoseOut | ResponseOut = Field(
        description="the record as the file holds it"
    )
    server: EntryOut | TherapyOut | MedicationOut | DoseOut | ResponseOut = Field(
        description="the record as the diary holds it (kept)"
    )


class ImportSummary(BaseModel):
    entries: KindCounts
    therapies: KindCounts
    medications: KindCounts
    doses: KindCounts
    responses: KindCounts
    conflicts: list[ImportConflict]
    cleaned: ImportCleaned
    exported_at: str = Field(description="when the copy was made")
    user: CopyUser = Field(description="whose diary the copy was, as the file says")
