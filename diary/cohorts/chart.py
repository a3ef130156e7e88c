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
from diary.rounding import half_up

#: The decimals the chart's tooltips say, as the table beside it does.
SHOWN_DIGITS = 1


def _shown(value: float | None) -> float | None:
    # Rounded here from the figure the table and the files publish (2 decimals), as the
    # table's cells are, so the tooltip reads the same: the browser only writes it.
    return half_up(half_up(value, 2), SHOWN_DIGITS)


def chart_data(
    table: dict, members: Sequence[tuple[str, dict]], *, rng: random.Random | None = None
) -> dict:
    """The chart's JSON: ``{"windows": [names], "labels": [headings], "leg": {"mean",
    "sd", "n"}, "back": {...}, "patients": [{"label", "name", "leg": [mean or None]}]}``
    for ``table`` (``cohort_table``'s answer) and the ``(name, outcome)`` of each patient
    counted before the population is chosen; the population's patients get a line, in
    the order of their labels. Means and SDs are rounded to the 1 decimal the table
    shows (``SHOWN_DIGITS``), from the 2 it publishes."""
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
            side: {
                "mean": [_shown(w[side]["mean"]) for w in windows],
                "sd": [_shown(w[side]["sd"]) for w in windows],
                "n": [w[side]["n"] for w in windows],
            }
            for side in ("leg", "back")
        },
        "patients": [
            {
                "label": f"P{number}",
                "name": name,
                "leg": [_shown(outcome["windows"][n]["leg"]) for n in names],
            }
            for number, (name, outcome) in enumerate(kept, start=1)
        ],
    }
