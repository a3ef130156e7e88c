"""Questionnaire results in a patient's words, and the verdict of a window that uses them
beside leg pain ("Leg pain 63% lower; disability (RMDQ) 9 points lower than before the
injection: both clinically important.").

Pure: the numbers come from ``compare``; the pain sentence from ``comparison_words``.
"""

from __future__ import annotations

from diary.clinical import analysis
from diary.clinical.comparison_words import (
    before_words,
    change_sentence,
    day_words,
    percent_words,
    shown_change,
    so_far_words,
    therapy_name,
    therapy_of_day,
)
from diary.i18n.text import format_decimal, gettext, ngettext, or_list
from diary.i18n.text import lazy_gettext as _l
from diary.questionnaires import compare, engine
from diary.questionnaires.engine import Definition

NO_ANSWER = _l("no answer in this period")
NOT_REACHED = _l("not reached yet")


def _number(value) -> str:
    return format_decimal(value) if isinstance(value, (int, float)) else str(value)


def score_words(definition: Definition, score) -> str:
    """A score as people read it: "12 of 24", "46 of 100", or a rating's words."""
    if score is None:
        return gettext("not scored")
    if definition.rates_change:
        return definition.item(definition.scoring_item).words(score) or _number(score)
    return gettext("%(score)s of %(high)s", score=_number(score), high=_number(definition.high))


def points_phrase(definition: Definition, points) -> str:
    """ "disability (RMDQ) 9 points lower", or "no change in disability (RMDQ)"."""
    what, short = definition.measures, definition.short
    if points == 0:
        return gettext("no change in %(what)s (%(short)s)", what=what, short=short)
    count = _number(abs(points))
    if points < 0:
        return ngettext(
            "%(what)s (%(short)s) %(count)s point lower",
            "%(what)s (%(short)s) %(count)s points lower",
            abs(points),
            what=what,
            short=short,
            count=count,
        )
    return ngettext(
        "%(what)s (%(short)s) %(count)s point higher",
        "%(what)s (%(short)s) %(count)s points higher",
        abs(points),
        what=what,
        short=short,
        count=count,
    )


def importance(change: dict) -> str:
    """Whether a change reaches the instrument's threshold, in words."""
    if not change["important"]:
        return gettext("not a clinically important change")
    if change["direction"] == "better":
        return gettext("clinically important")
    return gettext("clinically important worsening")


def rating_importance(rating: dict) -> str:
    """Whether a rating of change is an important improvement, in words."""
    if rating["important"]:
        return gettext("clinically important")
    return gettext("not a clinically important improvement")


def rating_words(rating: dict) -> str:
    """A rating of change in words: "much improved, clinically important"."""
    return gettext(
        "%(rating)s, %(importance)s",
        rating=(rating["words"] or "").lower(),
        importance=rating_importance(rating),
    )


def result_words(result: dict, window: dict, definitions=None) -> str:
    """One window's result of one instrument, for a table: "3 of 24 on 2 Jun 2026: 9
    points lower than before, clinically important"; "no answer in this period"."""
    definition = (definitions or engine.catalogue())[result["questionnaire"]]
    response = result["response"]
    if response is None:
        reached = not (window["from"] is None or window["days_elapsed"] == 0)
        return str(NO_ANSWER if reached else NOT_REACHED)
    said = gettext(
        "%(score)s on %(day)s",
        score=score_words(definition, response["score"]),
        day=day_words(response["day"]),
    )
    if result["rating"] is not None:
        return gettext(
            "%(said)s, %(importance)s", said=said, importance=rating_importance(result["rating"])
        )
    change = result["change"]
    if change is not None:
        points, verdict = change["points"], importance(change)
        if points == 0:
            return gettext(
                "%(said)s: the same as before, %(importance)s", said=said, importance=verdict
            )
        if points < 0:
            return ngettext(
                "%(said)s: %(count)s point lower than before, %(importance)s",
                "%(said)s: %(count)s points lower than before, %(importance)s",
                abs(points),
                said=said,
                count=_number(abs(points)),
                importance=verdict,
            )
        return ngettext(
            "%(said)s: %(count)s point higher than before, %(importance)s",
            "%(said)s: %(count)s points higher than before, %(importance)s",
            abs(points),
            said=said,
            count=_number(abs(points)),
            importance=verdict,
        )
    if window["name"] != "baseline":
        return gettext("%(said)s (no answer before the therapy to compare with)", said=said)
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
    before = before_words(kind)
    in_progress = bool(window.get("in_progress"))

    def so_far(verdict: str) -> str:
        return so_far_words(verdict, window) if in_progress else verdict

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
            shown = shown_change(
                baseline["leg"]["mean"], window["leg"]["mean"], window.get("change")
            )
            phrases.insert(
                0, gettext("Leg pain %(percent)s lower", percent=percent_words(shown["percent"]))
            )
        if len(phrases) == 1:
            verdict = so_far(gettext("clinically important"))
        elif len(phrases) == 2:
            verdict = so_far(gettext("both clinically important"))
        else:
            verdict = so_far(gettext("all clinically important"))
        sentences.append(
            gettext(
                "%(changes)s than %(before)s: %(verdict)s.",
                changes=_capital("; ".join(phrases)),
                before=before,
                verdict=verdict,
            )
        )
    elif parts:
        clauses = [
            gettext("%(change)s: %(importance)s", change=p, importance=importance(c))
            for p, c in parts
        ]
        if pain is None:
            first, *rest = clauses
            phrase, change = parts[0]
            first = gettext(
                "%(change)s than %(before)s: %(importance)s",
                change=phrase,
                before=before,
                importance=so_far(importance(change)),
            )
            sentences.append(_capital("; ".join([first, *rest])) + ".")
        else:
            sentences.append(f"{pain.removesuffix('.')}; {'; '.join(clauses)}.")
    elif pain is not None:
        sentences.append(pain)
    for result in ratings:
        definition = definitions[result["questionnaire"]]
        sentences.append(
            gettext(
                "%(measures)s (%(short)s): %(rating)s.",
                measures=_capital(definition.measures),
                short=definition.short,
                rating=so_far(rating_words(result["rating"])),
            )
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
        return _or(list(reversed(chosen)))
    parts = []
    if limit.points is not None:
        parts.append(
            ngettext(
                "%(count)s point", "%(count)s points", limit.points, count=_number(limit.points)
            )
        )
    if limit.percent is not None:
        parts.append(percent_words(limit.percent))
    return _or(parts)


def _or(choices: list[str]) -> str:
    # "5 points or 30%"
    return or_list(choices)


def scale_words(definition: Definition) -> str:
    """ "0 to 24, lower is better" (a rating of change: its answers, first to last)."""
    if definition.rates_change:
        item = definition.item(definition.scoring_item)
        return gettext(
            "from %(first)s to %(last)s",
            first=item.options[0].words.lower(),
            last=item.options[-1].words.lower(),
        )
    low, high = _number(definition.low), _number(definition.high)
    if definition.better == "lower":
        return gettext("%(low)s to %(high)s, lower is better", low=low, high=high)
    return gettext("%(low)s to %(high)s, higher is better", low=low, high=high)


def latest_sentence(result: dict, definitions=None) -> str:
    """One instrument's latest answer and its change (``compare.latest``), in a sentence:
    "RMDQ 5 of 24 on 2 Jun 2026: 9 points lower than before the injection (14 of 24 on
    3 Mar 2026), clinically important." """
    definition = (definitions or engine.catalogue())[result["questionnaire"]]
    response = result["response"]
    when = day_words(response["day"])
    if result["rating"] is not None:
        rating = rating_words(result["rating"])
        if result["therapy"] is not None:
            therapy = result["therapy"]
            return gettext(
                "%(short)s on %(when)s about %(therapy)s: %(rating)s.",
                short=definition.short,
                when=when,
                therapy=therapy_of_day(therapy["kind"], day_words(therapy["start_day"])),
                rating=rating,
            )
        return gettext(
            "%(short)s on %(when)s: %(rating)s.", short=definition.short, when=when, rating=rating
        )
    said = gettext(
        "%(short)s %(score)s on %(when)s",
        short=definition.short,
        score=score_words(definition, response["score"]),
        when=when,
    )
    change, against = result["change"], result["against"]
    if change is None:
        return gettext("%(said)s (nothing earlier to compare with).", said=said)
    earlier = gettext(
        "%(score)s on %(day)s",
        score=score_words(definition, against["score"]),
        day=day_words(against["day"]),
    )
    words = {"said": said, "earlier": earlier, "importance": importance(change)}
    points = change["points"]
    words["count"] = _number(abs(points))
    if against["therapy"] is not None:
        words["before"] = before_words(against["therapy"]["kind"])
        if points == 0:
            return gettext(
                "%(said)s: the same as %(before)s (%(earlier)s), %(importance)s.", **words
            )
        if points < 0:
            return ngettext(
                "%(said)s: %(count)s point lower than %(before)s (%(earlier)s), %(importance)s.",
                "%(said)s: %(count)s points lower than %(before)s (%(earlier)s), %(importance)s.",
                abs(points),
                **words,
            )
        return ngettext(
            "%(said)s: %(count)s point higher than %(before)s (%(earlier)s), %(importance)s.",
            "%(said)s: %(count)s points higher than %(before)s (%(earlier)s), %(importance)s.",
            abs(points),
            **words,
        )
    if points == 0:
        return gettext(
            "%(said)s: the same as the first answer (%(earlier)s), %(importance)s.", **words
        )
    if points < 0:
        return ngettext(
            "%(said)s: %(count)s point lower than the first answer (%(earlier)s), %(importance)s.",
            "%(said)s: %(count)s points lower than the first answer (%(earlier)s), %(importance)s.",
            abs(points),
            **words,
        )
    return ngettext(
        "%(said)s: %(count)s point higher than the first answer (%(earlier)s), %(importance)s.",
        "%(said)s: %(count)s points higher than the first answer (%(earlier)s), %(importance)s.",
        abs(points),
        **words,
    )


def instruments_shown(windows: list[dict], definitions=None) -> list[dict]:
    """The instruments a panel's windows show, in catalogue order, each with what a reader
    needs beside the numbers: ``{"id", "short", "title", "language", "measures", "scale",
    "threshold"}`` (``language``: the one its title is written in)."""
    definitions = definitions or engine.catalogue()
    seen = {r["questionnaire"] for w in windows for r in w.get("questionnaires") or ()}
    return [
        {
            "id": d.id,
            "short": d.short,
            "title": d.title,
            "language": d.language,
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
        return gettext("%(short)s: none", short=definition.short)
    if result["rating"] is not None:
        rating = (result["rating"]["words"] or "").lower()
        if result["rating"]["important"]:
            return gettext(
                "%(short)s: %(rating)s (important)", short=definition.short, rating=rating
            )
        return gettext("%(short)s: %(rating)s", short=definition.short, rating=rating)
    said = f"{definition.short} {_number(response['score'])}"
    change = result["change"]
    if change is None:
        return said
    sign = "+" if change["points"] > 0 else "\u2212" if change["points"] < 0 else "\u00b1"
    moved = f"{sign}{_number(abs(change['points']))}"
    if change["important"]:
        return gettext("%(said)s (%(moved)s, important)", said=said, moved=moved)
    return f"{said} ({moved})"
