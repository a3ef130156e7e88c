"""The cohort table: per window, how many patients have data and what their numbers are.

Pure: patient outcomes (``outcomes.patient_outcome``) in, the API's shape out (DESIGN.md
section 5; docs/api.md lists every field). Means and SDs are of the per-patient window
means. A follow-up window reports two different changes, both labelled: the change of
the group means (this window's mean minus baseline's, each over its own patients, as
trials' tables show) and the mean of each patient's percent reduction (over the patients
with data at both). Responders are counted among those same patients.
"""

from __future__ import annotations

from collections.abc import Sequence

from diary import clinical
from diary.clinical import analysis
from diary.cohorts import stats, words
from diary.cohorts.outcomes import FOLLOW_UPS, OFFSETS, WINDOWS
from diary.i18n.text import gettext
from diary.questionnaires import engine
from diary.rounding import half_up

POPULATIONS = ("all", "completers")


def shown_windows(through: str) -> tuple[str, ...]:
    """Baseline and the follow-up windows up to ``through`` (one of FOLLOW_UPS)."""
    if through not in FOLLOW_UPS:
        raise ValueError(f"through must be one of {', '.join(FOLLOW_UPS)}")
    return WINDOWS[: WINDOWS.index(through) + 1]


def kept(outcome: dict, kind: str, through: str) -> bool:
    """Whether the population ``kind`` keeps this outcome: ``all`` keeps everyone,
    ``completers`` those with data at baseline and at every window shown. Refuses
    (ValueError) another population."""
    if kind not in POPULATIONS:
        raise ValueError(f"population must be one of {', '.join(POPULATIONS)}")
    if kind == "all":
        return True
    return all(outcome["windows"][n]["status"] == "data" for n in shown_windows(through))


def population(outcomes: Sequence[dict], kind: str, through: str) -> list[dict]:
    """The outcomes the population ``kind`` keeps (``kept``), in the order given."""
    return [o for o in outcomes if kept(o, kind, through)]


def _round(value: float | None, digits: int = 2) -> float | None:
    return half_up(value, digits)


def _summary(values: list[float]) -> dict:
    return {
        "mean": _round(stats.mean(values)),
        "sd": _round(stats.sd(values)),
        "n": len(values),
    }


def _responders(flags: list[bool]) -> dict:
    count = sum(flags)
    interval = stats.wilson(count, len(flags))
    return {
        "responders": count if flags else None,
        "responder_rate": _round(count / len(flags), 4) if flags else None,
        "responder_rate_ci95": [_round(interval[0], 4), _round(interval[1], 4)] if flags else None,
    }


def _pain(members: list[dict], name: str, side: str) -> dict:
    here = [o["windows"][name][side] for o in members if o["windows"][name][side] is not None]
    block = _summary(here)
    if name == "baseline":
        return {**block, "change_of_means": None, "mean_of_pct_changes": None, "n_pct": None}
    before = [o["windows"]["baseline"][side] for o in members]
    before_mean = stats.mean([v for v in before if v is not None])
    after_mean = stats.mean(here)
    change = None if before_mean is None or after_mean is None else after_mean - before_mean
    percents = [
        o["windows"][name][f"{side}_pct_reduction"]
        for o in members
        if o["windows"][name][f"{side}_pct_reduction"] is not None
    ]
    return {
        **block,
        "change_of_means": _round(change),
        "mean_of_pct_changes": _round(stats.mean(percents), 1),
        "n_pct": len(percents),
    }


def _window(members: list[dict], name: str) -> dict:
    statuses = [o["windows"][name]["status"] for o in members]
    leg, back = _pain(members, name, "leg"), _pain(members, name, "back")
    paired = [o["windows"][name]["responder"] for o in members]
    paired = [flag for flag in paired if flag is not None]
    window = {
        "name": name,
        "label": words.say(words.WINDOW_HEADINGS[name]),
        "from_day": OFFSETS[name][0],
        "to_day": OFFSETS[name][1],
        "n": statuses.count("data"),
        "n_without_data": len(members) - statuses.count("data"),
        "n_in_progress": statuses.count("in_progress"),
        "n_not_reached": statuses.count("not_reached"),
        "leg": leg,
        "back": back,
        # The DESIGN.md shape: leg pain, the primary outcome, at the top level as well.
        "change_of_means": leg["change_of_means"],
        "mean_of_pct_changes": leg["mean_of_pct_changes"],
        "n_paired": len(paired) if name != "baseline" else None,
        **(_responders(paired) if name != "baseline" else _responders([])),
    }
    return window


def _instrument_window(members: list[dict], definition, name: str) -> dict:
    entries = [o["windows"][name]["questionnaires"].get(definition.id) for o in members]
    scores = [e["score"] for e in entries if e and e["score"] is not None]
    block = {
        "name": name,
        "n": len(scores),
        "n_without_data": len(members) - len(scores),
        "mean": _round(stats.mean(scores)),
        "sd": _round(stats.sd(scores)),
        "change_of_means": None,
        "mean_of_pct_changes": None,
        "n_pct": None,
        "n_paired": None,
        **_responders([]),
    }
    if name == "baseline":
        return block
    flags = [e["responder"] for e in entries if e and e["responder"] is not None]
    if not definition.rates_change:
        before = [o["windows"]["baseline"]["questionnaires"].get(definition.id) for o in members]
        before_mean = stats.mean([e["score"] for e in before if e and e["score"] is not None])
        after_mean = stats.mean(scores)
        if before_mean is not None and after_mean is not None:
            block["change_of_means"] = _round(after_mean - before_mean)
        # A baseline score of 0 has no percent: the mean and its n leave that patient out.
        percents = [e["percent"] for e in entries if e and e["percent"] is not None]
        block["mean_of_pct_changes"] = _round(stats.mean(percents), 1)
        block["n_pct"] = len(percents)
    block["n_paired"] = len(flags)
    block.update(_responders(flags))
    return block


def _questionnaires(members: list[dict], names: tuple[str, ...]) -> list[dict]:
    answered = {
        qid
        for o in members
        for name in names
        for qid, entry in o["windows"][name]["questionnaires"].items()
        if entry["score"] is not None
    }
    out = []
    for definition in engine.catalogue().values():
        if definition.id not in answered:
            continue
        out.append(
            {
                "questionnaire": definition.id,
                "short": definition.short,
                "rates_change": definition.rates_change,
                "better": definition.better,
                "windows": [
                    _instrument_window(members, definition, name)
                    for name in names
                    # A rating of change (the PGIC) is asked after the therapy only.
                    if not (definition.rates_change and name == "baseline")
                ],
            }
        )
    return out


def cohort_table(
    outcomes: Sequence[dict], *, kind: str, population_kind: str = "all", through: str = "12m"
) -> dict:
    """The cohort table of ``outcomes`` (one per patient counted, in any order).

    Returns ``{"kind", "kind_name", "population", "through", "patients", "with_other_therapies",
    "windows": [...], "questionnaires": [...], "caution": [...]}``: ``patients`` is the
    number the population keeps; each window has ``n`` (patients with data there),
    ``n_without_data`` (the others: ``n_in_progress`` not finished yet, ``n_not_reached``
    not reached yet, the rest too few days or lost to follow-up), ``leg`` and ``back``
    (``mean`` and ``sd`` of the per-patient means over their ``n``, ``change_of_means``,
    ``mean_of_pct_changes`` over ``n_pct`` patients), the leg pain's change at the top
    level as well, and responders among the ``n_paired`` patients with data here and at
    baseline, with the rate's 95% Wilson interval. Each questionnaire answered inside a
    shown window has the same per window. Refuses (ValueError) an unknown kind,
    population or window.
    """
    if kind not in clinical.THERAPY_KINDS:
        raise ValueError(f"kind must be one of {', '.join(clinical.THERAPY_KINDS)}")
    if population_kind not in POPULATIONS:
        raise ValueError(f"population must be one of {', '.join(POPULATIONS)}")
    names = shown_windows(through)
    members = population(outcomes, population_kind, through)
    return {
        "kind": kind,
        "kind_name": gettext(clinical.THERAPY_KINDS[kind]),
        "population": population_kind,
        "through": through,
        "patients": len(members),
        "with_other_therapies": sum(1 for o in members if o["other_therapy"]),
        "windows": [_window(members, name) for name in names],
        "questionnaires": _questionnaires(members, names),
        "caution": words.caution(
            gettext(clinical.THERAPY_KINDS[kind]), population_kind, min_days=analysis.MIN_DAYS
        ),
    }
