"""What the cohort page's chart draws: the group's mean and SD per window for leg and
back pain, and one faint line per patient (leg pain), labelled P1, P2 ...

Pure. The labels are drawn at random on each view, so a label says nothing about who a
patient is; the name rides along only for the physician's own tooltip on this page (the
API and the files never carry it).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from diary.cohorts import table as cohort_table


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def chart_data(
    table: dict, members: Sequence[tuple[str, dict]], *, rng: random.Random | None = None
) -> dict:
    """The chart's JSON: ``{"windows": [names], "labels": [headings], "leg": {"mean",
    "sd", "n"}, "back": {...}, "patients": [{"label", "name", "leg": [mean or None]}]}``
    for ``table`` (``cohort_table``'s answer) and the ``(name, outcome)`` of each patient
    counted before the population is chosen; the population's patients get a line, in
    the order of their labels."""
    windows = table["windows"]
    names = [w["name"] for w in windows]
    kept = [
        (name, outcome)
        for name, outcome in members
        if cohort_table.kept(outcome, table["population"], table["through"])
    ]
    (rng or random.SystemRandom()).shuffle(kept)
    return {
        "windows": names,
        "labels": [w["label"] for w in windows],
        **{
            side: {key: [w[side][key] for w in windows] for key in ("mean", "sd", "n")}
            for side in ("leg", "back")
        },
        "patients": [
            {
                "label": f"P{number}",
                "name": name,
                "leg": [_round(outcome["windows"][n]["leg"]) for n in names],
            }
            for number, (name, outcome) in enumerate(kept, start=1)
        ],
    }
