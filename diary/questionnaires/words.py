"""Questionnaire results in a patient's words, and the verdict of a window that uses them
beside leg pain ("Leg pain 63% lower; disability (RMDQ) 9 points lower than before the
injection: both clinically important.").

Pure: the numbers come from ``compare``; the pain sentence from ``comparison_words``.
"""

from __future__ import annotations

from diary import analysis
from diary.comparison_words import (
    before_words,
    change_sentence,
    day_words,
    progress_words,
    shown_change,
    therapy_name,
)
from diary.questionnaires import compare, engine
from diary.questionnaires.engine import Definition

NO_ANSWER = "no answer in this period"
NOT_REACHED = "not reached yet"


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def score_words(definition: Definition, score) -> str:
    """A score as people read it: "12 of 24", "46 of 100", or a rating's words."""
    if score is None:
        return "not scored"
    if definition.rates_change:
        return definition.item(definition.scoring_item).words(score) or _number(score)
    return f"{_number(score)} of {_number(definition.high)}"


def _points(points) -> str:
    return f"{_number(abs(points))} {'point' if abs(points) == 1 else 'points'}"


def points_phrase(definition: Definition, points) -> str:
    """ "disability (RMDQ) 9 points lower", or "no change in disability (RMDQ)"."""
    what = f"{definition.measures} ({definition.short})"
    if points == 0:
        return f"no change in {what}"
    return f"{what} {_points(points)} {'lower' if points < 0 else 'higher'}"


def importance(change: dict) -> str:
    """Whether a change reaches the instrument's threshold, in words."""
    if not change["important"]:
        return "not a clinically important change"
    return (
        "clinically important"
        if change["direction"] == "better"
        else ("clinically important worsening")
    )


def rating_importance(rating: dict) -> str:
    """Whether a rating of change is an important improvement, in words."""
    return (
        "clinically important" if rating["important"] else "not a clinically important improvement"
    )


def rating_words(rating: dict) -> str:
    """A rating of change in words: "much improved, clinically important"."""
    return f"{(rating['words'] or '').lower()}, {rating_importance(rating)}"


def result_words(result: dict, window: dict, definitions=None) -> str:
    """One window's result of one instrument, for a table: "3 of 24 on 2 Jun 2026: 9
    points lower than before, clinically important"; "no answer in this period"."""
    definition = (definitions or engine.catalogue())[result["questionnaire"]]
    response = result["response"]
    if response is None:
        return NOT_REACHED if window["from"] is None or window["days_elapsed"] == 0 else NO_ANSWER
    said = f"{score_words(definition, response['score'])} on {day_words(response['day'])}"
    if result["rating"] is not None:
        return f"{said}, {rating_importance(result['rating'])}"
    change = result["change"]
    if change is not None:
        if change["points"] == 0:
            return f"{said}: the same as before, {importance(change)}"
        moved = "lower" if change["points"] < 0 else "higher"
        return f"{said}: {_points(change['points'])} {moved} than before, {importance(change)}"
    if window["name"] != "baseline":
        return f"{said} (no answer before the therapy to compare with)"
    return said


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def verdict(kind: str, window: dict, baseline: dict, definitions=None) -> str | None:
    """The verdict of a follow-up window in words: leg pain and the questionnaires' changes
    together, or None when neither has anything to say.

    Without questionnaire results this is ``comparison_words.change_sentence`` as it is.
    When leg pain and every questionnaire improved importantly, one clause says so
    ("Leg pain 63% lower; disability (RMDQ) 9 points lower than before the injection: both
    clinically important."); otherwise each says its own verdict. A rating of change (the
    PGIC) follows as a sentence of its own.
    """
    definitions = definitions or engine.catalogue()
    pain = change_sentence(kind, window, baseline)
    results = window.get("questionnaires") or []
    changes = [r for r in results if r["change"] is not None]
    ratings = [r for r in results if r["rating"] is not None]
    if not changes and not ratings:
        return pain
    before = f"than before {before_words(kind)}"
    so_far = f" so far ({progress_words(window)})" if window.get("in_progress") else ""
    parts = [
        (points_phrase(definitions[r["questionnaire"]], r["change"]["points"]), r["change"])
        for r in changes
    ]
    sentences = []
    category = (window.get("change") or {}).get("category")
    improved = category in analysis.RESPONDER_CATEGORIES
    if (
        parts
        and all(c["important"] and c["direction"] == "better" for _, c in parts)
        and (pain is None or improved)
    ):
        phrases = [p for p, _ in parts]
        if pain is not None:
            shown = shown_change(baseline["leg"]["mean"], window["leg"]["mean"])
            phrases.insert(0, f"Leg pain {shown['percent']}% lower")
        count = {1: "", 2: "both "}.get(len(phrases), "all ")
        sentences.append(
            f"{_capital('; '.join(phrases))} {before}: {count}clinically important{so_far}."
        )
    elif parts:
        clauses = [f"{p}: {importance(c)}" for p, c in parts]
        if pain is None:
            first, *rest = clauses
            phrase, change = parts[0]
            clauses = [f"{phrase} {before}: {importance(change)}{so_far}", *rest]
            sentences.append(_capital("; ".join(clauses)) + ".")
        else:
            sentences.append(f"{pain.removesuffix('.')}; {'; '.join(clauses)}.")
    elif pain is not None:
        sentences.append(pain)
    for result in ratings:
        definition = definitions[result["questionnaire"]]
        sentences.append(
            f"{_capital(definition.measures)} ({definition.short}): "
            f"{rating_words(result['rating'])}{so_far}."
        )
    return " ".join(sentences)


def threshold_words(definition: Definition) -> str:
    """The instrument's important change in words: "5 points or 30%", "much improved or
    very much improved"."""
    limit = definition.threshold
    if limit.answers:
        item = definition.item(definition.scoring_item)
        # Nearest the middle of the scale first: "much improved or very much improved".
        chosen = [o.words.lower() for o in item.options if o.value in limit.answers]
        return " or ".join(reversed(chosen))
    parts = []
    if limit.points is not None:
        parts.append(f"{_number(limit.points)} points")
    if limit.percent is not None:
        parts.append(f"{_number(limit.percent)}%")
    return " or ".join(parts)


def scale_words(definition: Definition) -> str:
    """ "0 to 24, lower is better" (a rating of change: its answers, first to last)."""
    if definition.rates_change:
        item = definition.item(definition.scoring_item)
        return f"from {item.options[0].words.lower()} to {item.options[-1].words.lower()}"
    low, high = _number(definition.low), _number(definition.high)
    return f"{low} to {high}, {definition.better} is better"


def latest_sentence(result: dict, definitions=None) -> str:
    """One instrument's latest answer and its change (``compare.latest``), in a sentence:
    "RMDQ 5 of 24 on 2 Jun 2026: 9 points lower than before the injection (14 of 24 on
    3 Mar 2026), clinically important." """
    definition = (definitions or engine.catalogue())[result["questionnaire"]]
    response = result["response"]
    when = day_words(response["day"])
    if result["rating"] is not None:
        about = ""
        if result["therapy"] is not None:
            therapy = result["therapy"]
            about = f" about {before_words(therapy['kind'])} of {day_words(therapy['start_day'])}"
        return f"{definition.short} on {when}{about}: {rating_words(result['rating'])}."
    said = f"{definition.short} {score_words(definition, response['score'])} on {when}"
    change, against = result["change"], result["against"]
    if change is None:
        return f"{said} (nothing earlier to compare with)."
    reference = (
        f"before {before_words(against['therapy']['kind'])}"
        if against["therapy"] is not None
        else "the first answer"
    )
    earlier = f"{score_words(definition, against['score'])} on {day_words(against['day'])}"
    if change["points"] == 0:
        return f"{said}: the same as {reference} ({earlier}), {importance(change)}."
    moved = "lower" if change["points"] < 0 else "higher"
    than = f"than {reference}"
    return f"{said}: {_points(change['points'])} {moved} {than} ({earlier}), {importance(change)}."


def instruments_shown(windows: list[dict], definitions=None) -> list[dict]:
    """The instruments a panel's windows show, in catalogue order, each with what a reader
    needs beside the numbers: ``{"id", "short", "title", "measures", "scale", "threshold"}``."""
    definitions = definitions or engine.catalogue()
    seen = {r["questionnaire"] for w in windows for r in w.get("questionnaires") or ()}
    return [
        {
            "id": d.id,
            "short": d.short,
            "title": d.title,
            "measures": d.measures,
            "scale": scale_words(d),
            "threshold": threshold_words(d),
        }
        for d in definitions.values()
        if d.id in seen
    ]


def _about(therapy: dict | None) -> dict | None:
    if therapy is None:
        return None
    return {"id": therapy["id"], "name": therapy_name(therapy), "start_day": therapy["start_day"]}


def latest_answers(responses: list[dict], therapies: list[dict], definitions=None) -> list[dict]:
    """``compare.latest``'s results as a physician reads them (the list of patients, the
    printable summary): each therapy named (``{"id", "name", "start_day"}``), the whole
    result said in a ``sentence``, and the instrument's important change (``threshold``)."""
    out = []
    for result in compare.latest(responses, therapies, definitions):
        against = result["against"]
        out.append(
            {
                **result,
                "therapy": _about(result["therapy"]),
                "against": None
                if against is None
                else {**against, "therapy": _about(against["therapy"])},
                "sentence": latest_sentence(result, definitions),
                "threshold": threshold_words(
                    (definitions or engine.catalogue())[result["questionnaire"]]
                ),
            }
        )
    return out


def short_words(result: dict) -> str:
    """A window's result in a few words, for a printed table: "RMDQ 5 (−9, important)",
    "PGIC: much improved (important)", "RMDQ: none"."""
    definition = engine.catalogue()[result["questionnaire"]]
    response = result["response"]
    if response is None:
        return f"{definition.short}: none"
    if result["rating"] is not None:
        mark = " (important)" if result["rating"]["important"] else ""
        return f"{definition.short}: {(result['rating']['words'] or '').lower()}{mark}"
    said = f"{definition.short} {_number(response['score'])}"
    change = result["change"]
    if change is None:
        return said
    sign = "+" if change["points"] > 0 else "\u2212" if change["points"] < 0 else "\u00b1"
    mark = ", important" if change["important"] else ""
    return f"{said} ({sign}{_number(abs(change['points']))}{mark})"
