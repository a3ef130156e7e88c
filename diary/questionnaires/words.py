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
)
from diary.questionnaires import engine
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


def rating_words(rating: dict) -> str:
    """A rating of change in words: "much improved: clinically important"."""
    verdict = "clinically important" if rating["important"] else "not clinically important"
    return f"{(rating['words'] or '').lower()}: {verdict}"


def result_words(result: dict, window: dict, definitions=None) -> str:
    """One window's result of one instrument, for a table: "3 of 24 on 2 Jun 2026: 9
    points lower than before, clinically important"; "no answer in this period"."""
    definition = (definitions or engine.catalogue())[result["questionnaire"]]
    response = result["response"]
    if response is None:
        return NOT_REACHED if window["from"] is None or window["days_elapsed"] == 0 else NO_ANSWER
    said = f"{score_words(definition, response['score'])} on {day_words(response['day'])}"
    if result["rating"] is not None:
        return f"{said}: {rating_words(result['rating'])}"
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
