"""Declared shapes of questionnaire responses (DESIGN.md section 5) and of the definitions.

A response: ``{id, questionnaire, day, answers, therapy_id?}``; the answers fit the
questionnaire's definition (engine.check_answers), and the OpenAPI document states each
questionnaire's answers exactly, from the same definitions.
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from diary.fields import UUID_PATTERN, ClientId, EntryDay, Version
from diary.i18n.text import gettext as _
from diary.questionnaires import engine
from diary.schemas import Strict


def _response_schema(schema):
    # Each questionnaire's answers, exactly: the one rule between fields JSON Schema can
    # state (the answers depend on the questionnaire), and a therapy where it is required.
    branches = []
    for definition in engine.catalogue().values():
        branch = {
            "properties": {
                "questionnaire": {"const": definition.id},
                "answers": engine.answers_schema(definition),
            },
        }
        if definition.anchored:
            branch["properties"]["therapy_id"] = {"type": "string", "pattern": UUID_PATTERN}
            branch["required"] = ["therapy_id"]
        else:
            branch["properties"]["therapy_id"] = {"type": "null"}
        branches.append(branch)
    schema["anyOf"] = branches
    schema["description"] = (
        "A questionnaire response. answers maps each item's linkId to its answer: RMDQ "
        '{"1": true, ..., "24": false} (the statements ticked; one left out is not ticked), '
        'PGIC {"1": 2} (1 very much improved ... 7 very much worse), ODI {"total": 44.4} '
        "(0-100, at most one decimal). A PGIC names the therapy it is about (therapy_id); "
        "the others are about no therapy, and a therapy_id other than null is refused "
        "(422 naming therapy_id)."
    )


class ResponseData(Strict):
    """One questionnaire response's content; its answers normalised (docs/questionnaires.md)."""

    model_config = ConfigDict(json_schema_extra=_response_schema)

    questionnaire: Literal[tuple(engine.catalogue())]  # type: ignore[valid-type]
    day: EntryDay
    answers: dict[str, Any] = Field(description="linkId -> answer, as the definition says")
    therapy_id: ClientId | None = Field(
        None,
        description="the therapy the answer is about: required for a PGIC, one of the "
        "patient's therapies, a deleted one included; null for the other questionnaires "
        "(422 naming therapy_id otherwise)",
    )

    @model_validator(mode="after")
    def _answers_fit(self):
        definition = engine.get(self.questionnaire)
        try:
            self.answers = engine.check_answers(definition, self.answers)
        except engine.AnswerError as err:
            raise ValueError(f"{err.field}: {err.message}") from None
        if definition.anchored and self.therapy_id is None:
            raise ValueError("therapy_id: " + _("is required (the therapy this answer is about)"))
        if not definition.anchored and self.therapy_id is not None:
            # Only an answer asked after a therapy is about one: a link stored anyway would
            # be shown and exported as if it meant something.
            raise ValueError(
                "therapy_id: "
                + _(
                    "must be null: %(short)s is not about a therapy",
                    short=definition.short,
                )
            )
        return self


class ResponseCreate(ResponseData):
    id: ClientId | None = None


class ResponseUpdate(ResponseData):
    base_version: Version


class ResponseOut(BaseModel):
    id: str
    questionnaire: str
    day: str
    answers: dict[str, bool | int | float]
    therapy_id: str | None
    score: int | float | None = Field(description="by the questionnaire's scoring rule")
    version: int
    created_at: str
    updated_at: str
    deleted: bool


class ResponseList(BaseModel):
    responses: list[ResponseOut]


class AnswerCoding(BaseModel):
    system: str
    code: str
    display: str


class AnswerOption(BaseModel):
    valueCoding: AnswerCoding  # noqa: N815 - FHIR's name


class ItemExtension(BaseModel):
    """A FHIR extension of an item: its range (minValue, maxValue) or the decimals its
    answer may have (maxDecimalPlaces)."""

    url: Literal[engine.MIN_VALUE, engine.MAX_VALUE, engine.MAX_DECIMAL_PLACES]
    valueInteger: int | None = None  # noqa: N815 - FHIR's name
    valueDecimal: float | None = None  # noqa: N815 - FHIR's name


class QuestionnaireItem(BaseModel):
    linkId: str  # noqa: N815 - FHIR's name
    type: Literal[tuple(engine.ITEM_TYPES)]  # type: ignore[valid-type]
    text: str
    required: bool | None = None
    answerOption: list[AnswerOption] | None = None  # noqa: N815 - FHIR's name
    extension: list[ItemExtension] | None = Field(
        None, description="an integer or decimal item's range, and a decimal's decimals"
    )


class Scoring(BaseModel):
    rule: Literal[tuple(engine.RULES)]  # type: ignore[valid-type]
    item: str | None = None
    min: float
    max: float
    better: Literal["lower", "higher"]


class ImportantChange(BaseModel):
    points: float | None = None
    percent: float | None = None
    answers: list[int] | None = None


class DiaryBlock(BaseModel):
    """What FHIR has no element for: scoring, range, threshold, when it is asked, sources."""

    short: str
    measures: str = Field(description="what it measures, as the verdict names it")
    scoring: Scoring
    important_change: ImportantChange = Field(
        description="points or percent of the baseline score (either is enough), or the "
        "answers that are an important improvement"
    )
    asked: Literal[tuple(sorted(engine.ASKED))]  # type: ignore[valid-type]
    prompt: str | None = None
    source: str
    licence: str


class QuestionnaireOut(BaseModel):
    """A definition: a FHIR Questionnaire with a ``diary`` block."""

    resourceType: Literal["Questionnaire"]  # noqa: N815 - FHIR's name
    id: str
    url: str = Field(description="the canonical URL a QuestionnaireResponse names")
    version: str
    name: str
    title: str
    status: str
    description: str
    copyright: str
    item: list[QuestionnaireItem]
    diary: DiaryBlock


class QuestionnaireList(BaseModel):
    questionnaires: list[QuestionnaireOut]


# ---- a window's results, in the comparison (diary/api/comparison.py) -------------------


class ResponseRef(BaseModel):
    id: str
    day: str
    score: int | float | None


class ScoreChange(BaseModel):
    """One score against an earlier one, judged by the instrument's threshold."""

    points: float = Field(description="after - before")
    percent: float | None = Field(
        description="the improvement as a percent of before (positive when better); null at 0"
    )
    direction: Literal["better", "worse", "same"]
    important: bool = Field(
        description="reaches the instrument's threshold (points or percent) in that direction"
    )


class QuestionnaireChange(ScoreChange):
    """A follow-up window's score against the baseline window's."""

    before: float
    after: float


class QuestionnaireRating(BaseModel):
    """An answer that rates the change itself (PGIC)."""

    value: int
    words: str | None
    important: bool = Field(description="one of the answers the definition counts as important")


class QuestionnaireResult(BaseModel):
    """One instrument in one window: the response given inside the window (the last one
    when there are several), else null."""

    questionnaire: str
    short: str
    response: ResponseRef | None
    responses_in_window: int
    change: QuestionnaireChange | None = Field(
        description="against the response inside the baseline window; null without both"
    )
    rating: QuestionnaireRating | None


# ---- the latest answers, for a physician (diary/sharing/dashboard.py) --------------------


class AnsweredAbout(BaseModel):
    id: str
    name: str
    start_day: str


class EarlierAnswer(ResponseRef):
    therapy: AnsweredAbout | None = Field(
        description="the therapy whose baseline window holds it; null: the first answer"
    )


class LatestQuestionnaire(BaseModel):
    """An instrument's latest answer and its change (docs/clinical-method.md)."""

    questionnaire: str
    short: str
    response: ResponseRef
    therapy: AnsweredAbout | None = Field(description="what a rating of change is about")
    against: EarlierAnswer | None = Field(description="what the change is measured from")
    change: ScoreChange | None
    rating: QuestionnaireRating | None
    sentence: str
    threshold: str = Field(description="the instrument's important change, in words")
