"""The cohort API's query (checked here, documented from the same lists) and its answer's
declared shape (the OpenAPI document is generated from these models)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from diary import clinical
from diary.cohorts.outcomes import FOLLOW_UPS, WINDOWS
from diary.cohorts.table import POPULATIONS
from diary.i18n.text import gettext as _

#: Each query parameter: its allowed values, its default (None: required) and the words
#: of its error.
PARAMETERS = {
    "kind": (tuple(clinical.THERAPY_KINDS), None),
    "population": (POPULATIONS, "all"),
    "through": (FOLLOW_UPS, "12m"),
}
DESCRIPTIONS = {
    "kind": "the therapy kind: each sharing patient's first therapy of this kind",
    "population": "all: everyone with data at each window; completers: only the patients "
    "with data at baseline and at every window shown",
    "through": "the last follow-up window shown (completers need data up to it)",
}
QUERY_DOC = {
    name: {
        "type": "string",
        "enum": list(allowed),
        "description": DESCRIPTIONS[name],
        **({"required": True} if default is None else {"default": default}),
    }
    for name, (allowed, default) in PARAMETERS.items()
}


def read_query(args: dict[str, list[str]], *, need_kind: bool = True) -> tuple[dict, dict]:
    """The query's values and the errors by parameter, from every value given of each
    (``request.args.to_dict(flat=False)``). A parameter given twice, a value outside its
    list, or a missing kind (when ``need_kind``) is an error naming the parameter; a
    missing kind otherwise is None. Other parameters are ignored."""
    values, errors = {}, {}
    for name, (allowed, default) in PARAMETERS.items():
        given = args.get(name) or []
        if len(given) > 1:
            errors[name] = _("must be given once")
        elif not given or given[0] == "" and default is None:
            if default is None and need_kind:
                errors[name] = _("is required: one of %(allowed)s", allowed=", ".join(allowed))
            values[name] = default
        elif given[0] not in allowed:
            errors[name] = _("must be one of %(allowed)s", allowed=", ".join(allowed))
        else:
            values[name] = given[0]
    return values, errors


Window = Literal[WINDOWS]  # type: ignore[valid-type]


class PainBlock(BaseModel):
    """One pain score at one window, over the per-patient window means."""

    mean: float | None = Field(description="mean of the per-patient means; null for n = 0")
    sd: float | None = Field(description="their sample SD; null under 2 patients")
    n: int = Field(description="patients with this score at this window")
    change_of_means: float | None = Field(
        description="this window's mean minus baseline's mean (each over its own patients); "
        "negative: less pain. Null at baseline"
    )
    mean_of_pct_changes: float | None = Field(
        description="mean of each patient's percent reduction 100 x (baseline - window) / "
        "baseline over n_pct patients; positive: less pain. Null at baseline"
    )
    n_pct: int | None = Field(
        description="patients with both means and a baseline above 0 (null at baseline)"
    )


class Responders(BaseModel):
    n_paired: int | None = Field(
        description="patients with data here and at baseline: the responders' denominator"
    )
    responders: int | None
    responder_rate: float | None = Field(description="responders / n_paired, 0-1")
    responder_rate_ci95: list[float] | None = Field(
        description="95% Wilson score interval of the rate", min_length=2, max_length=2
    )


class CohortWindow(Responders):
    name: Window
    label: str
    from_day: int = Field(description="first day, counted from the therapy day (0)")
    to_day: int = Field(description="last day, counted from the therapy day (0)")
    n: int = Field(description="patients with at least 5 logged days in the finished window")
    n_without_data: int = Field(description="the other patients counted")
    n_in_progress: int = Field(description="of those: the window has not ended yet for them")
    n_not_reached: int = Field(description="of those: the window has not begun yet for them")
    leg: PainBlock
    back: PainBlock
    change_of_means: float | None = Field(description="leg pain's, as in leg")
    mean_of_pct_changes: float | None = Field(description="leg pain's, as in leg")


class QuestionnaireWindow(Responders):
    name: Window
    n: int = Field(description="patients with a response inside the finished window")
    n_without_data: int
    mean: float | None
    sd: float | None
    change_of_means: float | None = Field(
        description="this window's mean score minus baseline's (null for a rating of change)"
    )
    mean_of_pct_changes: float | None = Field(
        description="mean of each patient's percent improvement against their baseline answer "
        "over n_pct patients"
    )
    n_pct: int | None = Field(
        description="patients with an answer here and at baseline and a baseline score that "
        "has a percent (not 0); null at baseline and for a rating of change"
    )


class CohortQuestionnaire(BaseModel):
    questionnaire: str
    short: str
    rates_change: bool = Field(description="a rating of change (PGIC): no baseline")
    better: Literal["lower", "higher"]
    windows: list[QuestionnaireWindow]


class CohortOut(BaseModel):
    """A physician's cohort table (docs/api.md, docs/cohorts.md)."""

    kind: Literal[tuple(clinical.THERAPY_KINDS)]  # type: ignore[valid-type]
    kind_name: str
    population: Literal[POPULATIONS]  # type: ignore[valid-type]
    through: Literal[FOLLOW_UPS]  # type: ignore[valid-type]
    patients: int = Field(description="patients the population keeps")
    with_other_therapies: int = Field(
        description="of them, those with another therapy during the follow-up"
    )
    windows: list[CohortWindow]
    questionnaires: list[CohortQuestionnaire]
    caution: list[str] = Field(description="what every view of the table says with it")
