"""Medicines in a patient's words: a medicine's name with its strength, its course, and what
medicines do to a before/after comparison, in the style of the other therapies' sentences
(comparison_words.overlap_sentences).

Pure: no Flask, nothing stored.
"""

from __future__ import annotations

from diary.comparison_words import day_words, relative_day, therapy_words

#: "... 3 doses a week <when>" for each follow-up window.
_WHEN = {
    "2w": "in weeks 2-3",
    "6w": "in weeks 5-8",
    "3m": "at 3 months",
    "6m": "at 6 months",
    "12m": "at 12 months",
    "latest": "in the latest 4 weeks",
}


def medication_name(medication: dict) -> str:
    """ "Pregabalin 75 mg": the name, with the strength and unit when given."""
    strength = " ".join(part for part in (medication["strength"], medication["unit"]) if part)
    return f"{medication['name']} {strength}" if strength else medication["name"]


def course_words(medication: dict) -> str:
    """ "from 3 Mar 2026, ongoing" or "from 3 Mar 2026 to 30 Apr 2026"."""
    start = day_words(medication["start_day"])
    if medication["end_day"]:
        return f"from {start} to {day_words(medication['end_day'])}"
    return f"from {start}, ongoing"


def confounder_sentences(therapy: dict, events: list[dict]) -> list[str]:
    """A regular medicine started, stopped or changed during the comparison, in words:
    "Pregabalin 75 mg was started 12 days after the injection: the change since then may
    come from either." """
    sentences = []
    for event in events:
        when = relative_day(event["day"], therapy)
        if event["event"] == "dose_changed":
            what = f"The dose of {event['name']} changed to “{event['dose']}” {when}"
        else:
            what = f"{event['name']} was {event['event']} {when}"
        sentences.append(f"{what}: the change since then may come from either.")
    return sentences


def _doses(value: float) -> str:
    return "1 dose" if value == 1 else f"{value:g} doses"


def as_needed_sentences(therapy: dict, windows: list[dict], headline: dict | None) -> list[str]:
    """As-needed doses before and after, said as what they are: fewer (or more) doses of a
    medicine taken when needed, never folded into the pain verdict.

    ``windows`` carry ``as_needed`` (medicines.comparison.as_needed_use); the comparison
    is between the baseline and ``headline`` (the window the page leads with), or the
    last follow-up window with a rate when there is no headline.
    """
    by_name = {w["name"]: w for w in windows}
    baseline = {u["medication_id"]: u for u in by_name["baseline"].get("as_needed", [])}
    this = therapy_words(therapy["kind"])
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
        now = f"{_doses(use['per_week'])} a week {_WHEN[after['name']]}"
        if before is None:
            sentences.append(
                f"{use['name']}, taken when needed: {now}; not recorded in the weeks before "
                f"{this}, so there is nothing to compare with."
            )
            continue
        start = f"{use['name']}, taken when needed: {_doses(before)} a week before {this}, {now}"
        difference = round(before - use["per_week"], 1)
        if difference > 0:
            share = f" ({round(100 * difference / before)}% fewer)" if before else ""
            sentences.append(
                f"{start}: {difference:g} fewer a week{share}. Needing less of it is a change "
                "for the better in itself."
            )
        elif difference < 0:
            sentences.append(
                f"{start}: {-difference:g} more a week. Pain may look better than it is "
                "while more of it is taken."
            )
        else:
            sentences.append(f"{start}: the same.")
    return sentences


def _rated(window: dict) -> bool:
    return any(u["per_week"] is not None for u in window.get("as_needed", []))
