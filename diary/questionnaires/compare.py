"""The questionnaire results of each window of a therapy's before/after comparison.

The rule (docs/clinical-method.md): a window's result is the response given inside that
window (its days as ``analysis.windows`` sets them; the last one when there are several),
else none, and the views say so. Never a response from outside the window: a disability
score from a month before the injection is not "before" it, and one from the flare week
after it is no follow-up. Pure: no Flask, nothing stored.
"""

from __future__ import annotations

from collections.abc import Iterable

from diary.clinical import analysis
from diary.questionnaires import engine
from diary.questionnaires.engine import Definition


def instruments(
    therapy: dict, responses: Iterable[dict], definitions: dict[str, Definition] | None = None
) -> list[Definition]:
    """The instruments a therapy's comparison shows: those the patient has answered at
    least once (an anchored one, the PGIC: about this therapy), in catalogue order."""
    definitions = definitions or engine.catalogue()
    used = set()
    for response in responses:
        definition = definitions.get(response["questionnaire"])
        if definition and (not definition.anchored or response.get("therapy_id") == therapy["id"]):
            used.add(definition.id)
    return [d for d in definitions.values() if d.id in used]


def _inside(responses: list[dict], definition: Definition, therapy: dict, window: dict):
    if window["from"] is None or window["to"] is None:
        return []
    return [
        r
        for r in responses
        if r["questionnaire"] == definition.id
        and window["from"] <= r["day"] <= window["to"]
        and (not definition.anchored or r.get("therapy_id") == therapy["id"])
    ]


def _shown(response: dict | None) -> dict | None:
    if response is None:
        return None
    return {"id": response["id"], "day": response["day"], "score": response["score"]}


def window_results(
    therapy: dict,
    windows: list[dict],
    responses: list[dict],
    definitions: dict[str, Definition] | None = None,
) -> list[list[dict]]:
    """For each of ``windows`` (``analysis.compare``'s, baseline first), the results of
    ``instruments(therapy, responses)``.

    Each result: ``{"questionnaire", "short", "response": {"id", "day", "score"} or None,
    "responses_in_window", "change", "rating"}``. ``change`` (an instrument compared with
    its baseline, on a follow-up window with a response here and at baseline) is
    ``engine.change``'s with ``before`` and ``after`` added; ``rating`` (an instrument that
    rates change itself) is ``engine.rating``'s. An anchored instrument has no result at
    baseline (it is asked after the therapy). ``responses`` are the patient's live
    responses with their scores.
    """
    definitions = definitions or engine.catalogue()
    shown = instruments(therapy, responses, definitions)
    ordered = sorted(responses, key=lambda r: (r["day"], r.get("created_at") or "", r["id"]))
    baseline: dict[str, dict | None] = {}
    out = []
    for window in windows:
        results = []
        for definition in shown:
            if window["name"] == "baseline" and definition.rates_change:
                continue
            inside = _inside(ordered, definition, therapy, window)
            response = inside[-1] if inside else None
            result = {
                "questionnaire": definition.id,
                "short": definition.short,
                "response": _shown(response),
                "responses_in_window": len(inside),
                "change": None,
                "rating": None,
            }
            if window["name"] == "baseline":
                baseline[definition.id] = response
            elif response is not None and response["score"] is not None:
                if definition.rates_change:
                    result["rating"] = engine.rating(definition, response["score"])
                elif (before := baseline.get(definition.id)) and before["score"] is not None:
                    result["change"] = {
                        "before": before["score"],
                        "after": response["score"],
                        **engine.change(definition, before["score"], response["score"]),
                    }
            results.append(result)
        out.append(results)
    return out


def _baseline_of(therapy: dict) -> tuple[str, str]:
    _name, begin, end = analysis.windows(therapy["start_day"])[0]
    return begin.isoformat(), end.isoformat()


def _before_its_therapy(response: dict, therapies_by_id: dict) -> bool:
    # A rating of the change since a therapy, dated before the therapy began (saved before
    # its start day was moved later): it says nothing about that therapy.
    therapy = therapies_by_id.get(response.get("therapy_id"))
    return therapy is not None and response["day"] < therapy["start_day"]


def latest(
    responses: list[dict],
    therapies: list[dict],
    definitions: dict[str, Definition] | None = None,
) -> list[dict]:
    """The latest response of each instrument the patient answers, with its change, for a
    physician's list and the printable summary.

    Each: ``{"questionnaire", "short", "response": {"id", "day", "score"}, "therapy", "against",
    "change", "rating"}``. An instrument compared with a baseline is compared with the
    response inside the baseline window of the latest therapy that started before it
    (``against`` says which: ``{"id", "day", "score", "therapy"}``), else with the
    patient's first response (``therapy`` None); ``change`` is None with nothing to compare
    with. A rating of change (the PGIC) carries its ``rating`` and the ``therapy`` it is
    about (None when that therapy is gone); one dated before its therapy began is passed
    over. ``responses`` are live, with their scores.
    """
    definitions = definitions or engine.catalogue()
    ordered = sorted(responses, key=lambda r: (r["day"], r.get("created_at") or "", r["id"]))
    by_id = {t["id"]: t for t in therapies}
    out = []
    for definition in definitions.values():
        mine = [
            r
            for r in ordered
            if r["questionnaire"] == definition.id
            and not (definition.anchored and _before_its_therapy(r, by_id))
        ]
        if not mine:
            continue
        last = mine[-1]
        result = {
            "questionnaire": definition.id,
            "short": definition.short,
            "response": _shown(last),
            "therapy": by_id.get(last.get("therapy_id")) if definition.anchored else None,
            "against": None,
            "change": None,
            "rating": None,
        }
        if last["score"] is None:
            pass
        elif definition.rates_change:
            result["rating"] = engine.rating(definition, last["score"])
        else:
            before = _reference(mine, last, therapies)
            if before is not None:
                response, therapy = before
                result["against"] = {**_shown(response), "therapy": therapy}
                result["change"] = engine.change(definition, response["score"], last["score"])
        out.append(result)
    return out


def _reference(mine: list[dict], last: dict, therapies: list[dict]):
    # The latest therapy that started before the latest answer, with an answer in its
    # baseline window: the before/after the physician asks about. Else the first answer.
    for therapy in sorted(therapies, key=lambda t: t["start_day"], reverse=True):
        if therapy["start_day"] >= last["day"]:
            continue
        begin, end = _baseline_of(therapy)
        inside = [r for r in mine if begin <= r["day"] <= end and r["score"] is not None]
        if inside:
            return inside[-1], therapy
    first = mine[0]
    if first is last or first["score"] is None:
        return None
    return first, None
