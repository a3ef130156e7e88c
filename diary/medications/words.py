"""Medicines in a patient's words: a medicine's name with its strength, its course, and what
medicines do to a before/after comparison, in the style of the other therapies' sentences
(comparison_words.overlap_sentences).

Pure: no Flask, nothing stored.
"""

from __future__ import annotations

from diary.clinical.comparison_words import (
    before_words,
    day_words,
    number_words,
    percent_words,
    relative_day,
)
from diary.i18n.text import gettext, ngettext
from diary.i18n.text import lazy_gettext as _l
from diary.rounding import half_up

#: "... 3 doses a week <when>" for each follow-up window.
_WHEN = {
    "2w": _l("in weeks 2-3"),
    "6w": _l("in weeks 5-8"),
    "3m": _l("at 3 months"),
    "6m": _l("at 6 months"),
    "12m": _l("at 12 months"),
    "latest": _l("in the latest 4 weeks"),
}


def medication_name(medication: dict) -> str:
    """ "Pregabalin 75 mg": the name, with the strength and unit when given."""
    strength = " ".join(part for part in (medication["strength"], medication["unit"]) if part)
    return f"{medication['name']} {strength}" if strength else medication["name"]


def course_words(medication: dict) -> str:
    """ "from 3 Mar 2026, ongoing" or "from 3 Mar 2026 to 30 Apr 2026"."""
    start = day_words(medication["start_day"])
    if medication["end_day"]:
        return gettext(
            "from %(start)s to %(end)s", start=start, end=day_words(medication["end_day"])
        )
    return gettext("from %(start)s, ongoing", start=start)


def confounder_sentences(therapy: dict, events: list[dict]) -> list[str]:
    """A regular medicine started, stopped or changed during the comparison, in words:
    "Pregabalin 75 mg was started 12 days after the injection: the change since then may
    come from either." """
    sentences = []
    for event in events:
        when = relative_day(event["day"], therapy)
        sentences.append(_event_sentence(event, when))
    return sentences


def _event_sentence(event: dict, when: str) -> str:
    name = event["name"]
    if event["event"] == "dose_changed":
        return gettext(
            "The dose of %(name)s changed to “%(dose)s” %(when)s: the change since then may "
            "come from either.",
            name=name,
            dose=event["dose"],
            when=when,
        )
    if event["event"] == "started":
        return gettext(
            "%(name)s was started %(when)s: the change since then may come from either.",
            name=name,
            when=when,
        )
    return gettext(
        "%(name)s was stopped %(when)s: the change since then may come from either.",
        name=name,
        when=when,
    )


def _doses_a_week(value: float, when) -> str:
    return ngettext(
        "%(doses)s dose a week %(when)s",
        "%(doses)s doses a week %(when)s",
        value,
        doses=number_words(value),
        when=when,
    )


def as_needed_sentences(therapy: dict, windows: list[dict], headline: dict | None) -> list[str]:
    """As-needed doses before and after, said as what they are: fewer (or more) doses of a
    medicine taken when needed, never folded into the pain verdict.

    ``windows`` carry ``as_needed`` (medicines.comparison.as_needed_use); the comparison
    is between the baseline and ``headline`` (the window the page leads with), or the
    last follow-up window with a rate when there is no headline.
    """
    by_name = {w["name"]: w for w in windows}
    baseline = {u["medication_id"]: u for u in by_name["baseline"].get("as_needed", [])}
    this = before_words(therapy["kind"])
    after = headline
    if after is None:
        rated = [w for w in windows if w["name"] != "baseline" and _rated(w)]
        after = rated[-1] if rated else None
    if after is None:
        return []
    sentences = []
    for use in after.get("as_needed", []):
        if use["per_week"] is None:
            continue
        before = baseline.get(use["medication_id"], {}).get("per_week")
        now = _doses_a_week(use["per_week"], _WHEN[after["name"]])
        if before is None:
            sentences.append(
                gettext(
                    "%(name)s, taken when needed: %(now)s; not recorded in the weeks "
                    "%(before)s, so there is nothing to compare with.",
                    name=use["name"],
                    now=now,
                    before=this,
                )
            )
            continue
        start = gettext(
            "%(name)s, taken when needed: %(then)s, %(now)s",
            name=use["name"],
            then=_doses_a_week(before, this),
            now=now,
        )
        difference = half_up(before - use["per_week"], 1)
        if difference > 0:
            fewer = number_words(difference)
            if before:
                share = percent_words(half_up(100 * difference / before))
                sentences.append(
                    gettext(
                        "%(start)s: %(fewer)s fewer a week (%(share)s fewer). Needing less of "
                        "it is a change for the better in itself.",
                        start=start,
                        fewer=fewer,
                        share=share,
                    )
                )
            else:
                sentences.append(
                    gettext(
                        "%(start)s: %(fewer)s fewer a week. Needing less of it is a change for "
                        "the better in itself.",
                        start=start,
                        fewer=fewer,
                    )
                )
        elif difference < 0:
            sentences.append(
                gettext(
                    "%(start)s: %(more)s more a week. Pain may look better than it is while "
                    "more of it is taken.",
                    start=start,
                    more=number_words(-difference),
                )
            )
        else:
            sentences.append(gettext("%(start)s: the same.", start=start))
    return sentences


def _rated(window: dict) -> bool:
    return any(u["per_week"] is not None for u in window.get("as_needed", []))
