"""The cohort table in the trials' layout: a row per measure, a column per window, each
cell's text with the number of patients it rests on (what small-cell suppression reads).

Pure: ``table.cohort_table``'s answer in, ``[{"key", "label", "cells": [{"text", "n"}]}]``
out, the words from ``words``. The page shows every cell; the CSV suppresses small ones.
"""

from __future__ import annotations

from diary.cohorts import words
from diary.i18n.text import format_fixed
from diary.rounding import half_up

#: A cell resting on fewer patients than this (but some) is suppressed in the export.
MIN_CELL = 5


def _shows_zero(value: float, digits: int) -> bool:
    # By the rule the figure is written with: -0.05 shows "0.1", so it keeps its sign.
    return half_up(abs(value), digits) == 0


def _number(value: float, digits: int = 1) -> str:
    # Rounded first, so that -0.04 is "0.0", never "−0.0"; then written as the reader's
    # language writes it ("7,5"); a file for programs is built in English.
    shown = format_fixed(abs(value), digits)
    return f"\u2212{shown}" if value < 0 and not _shows_zero(value, digits) else shown


def _signed(value: float, digits: int = 1) -> str:
    # The sign from the number, not from its text: "2,0" is not a number to Python.
    text = _number(value, digits)
    return f"+{text}" if value > 0 and not _shows_zero(value, digits) else text


def _cell(text: str, n: int | None) -> dict:
    return {"text": text, "n": n}


def mean_cell(block: dict) -> dict:
    """``mean ± SD (n)`` of a summary (``{"mean", "sd", "n"}``); a dash without data."""
    if not block["n"]:
        return _cell(words.NO_NUMBER, 0)
    if block["sd"] is None:
        return _cell(words.say(words.MEAN_CELL_ONE, mean=_number(block["mean"]), n=block["n"]), 1)
    text = words.say(
        words.MEAN_CELL, mean=_number(block["mean"]), sd=_number(block["sd"]), n=block["n"]
    )
    return _cell(text, block["n"])


def change_cell(change: float | None, n: int | None) -> dict:
    """A change of the means in points, signed; it rests on the window's patients."""
    if change is None:
        return _cell(words.NO_NUMBER, None)
    return _cell(_signed(change), n)


def percent_cell(percent: float | None, n: int | None) -> dict:
    if percent is None:
        return _cell(words.NO_NUMBER, None)
    return _cell(words.say(words.PCT_CELL, pct=_number(percent), n=n), n)


def responder_cell(block: dict) -> dict:
    """``count of n (rate%, lo-hi%)``; a dash where nobody could be compared."""
    if not block.get("n_paired"):
        return _cell(words.NO_NUMBER, None)
    lo, hi = block["responder_rate_ci95"]
    text = words.say(
        words.RESPONDER_CELL,
        count=block["responders"],
        n=block["n_paired"],
        rate=_number(100 * block["responder_rate"], 0),
        lo=_number(100 * lo, 0),
        hi=_number(100 * hi, 0),
    )
    return _cell(text, block["n_paired"])


def count_cell(count: int) -> dict:
    return _cell(str(count), count)


def _pain_rows(windows: list[dict]) -> list[dict]:
    baseline = windows[0]

    def row(key, make):
        return {
            "key": key,
            "label": words.say(words.ROW_LABELS[key]),
            "cells": [make(w) for w in windows],
        }

    def change(side):
        # The change of the means rests on the patients at baseline and those at the window.
        return lambda w: change_cell(
            w[side]["change_of_means"], min(w[side]["n"], baseline[side]["n"])
        )

    def percent(side):
        return lambda w: percent_cell(w[side]["mean_of_pct_changes"], w[side]["n_pct"])

    return [
        row("leg", lambda w: mean_cell(w["leg"])),
        row("back", lambda w: mean_cell(w["back"])),
        row("leg_change_of_means", change("leg")),
        row("leg_mean_of_pct", percent("leg")),
        row("responders", responder_cell),
        row("back_change_of_means", change("back")),
        row("back_mean_of_pct", percent("back")),
        row("without_data", lambda w: count_cell(w["n_without_data"])),
        row("in_progress", lambda w: count_cell(w["n_in_progress"])),
    ]


def _questionnaire_rows(block: dict, names: list[str]) -> list[dict]:
    labels = words.QUESTIONNAIRE_ROWS.get(block["questionnaire"])
    if labels is None:
        return []
    by_name = {w["name"]: w for w in block["windows"]}
    baseline_n = by_name["baseline"]["n"] if "baseline" in by_name else 0

    def cells(make):
        return [
            make(by_name[name]) if name in by_name else _cell(words.NO_NUMBER, None)
            for name in names
        ]

    makers = {
        "mean": mean_cell,
        "change_of_means": lambda w: change_cell(w["change_of_means"], min(w["n"], baseline_n)),
        "mean_of_pct": lambda w: percent_cell(w["mean_of_pct_changes"], w["n_pct"]),
        "responders": responder_cell,
    }
    return [
        {
            "key": f"{block['questionnaire']}_{key}",
            "label": words.say(label),
            "cells": cells(makers[key]),
        }
        for key, label in labels.items()
    ]


def table_rows(table: dict) -> list[dict]:
    """Every row of the table, pain first, then each questionnaire answered."""
    names = [w["name"] for w in table["windows"]]
    out = _pain_rows(table["windows"])
    for block in table["questionnaires"]:
        out += _questionnaire_rows(block, names)
    return out


def suppressed(cell: dict) -> str:
    """The cell's text for a file leaving the clinic: "fewer than 5" when it rests on 1 to
    MIN_CELL - 1 patients."""
    n = cell["n"]
    return words.say(words.SUPPRESSED) if n is not None and 0 < n < MIN_CELL else cell["text"]


def window_notes(table: dict) -> list[str]:
    """The footnote lines saying which days each column covers."""
    notes = []
    for window in table["windows"]:
        if window["name"] == "baseline":
            notes.append(words.say(words.BASELINE_SPAN, days=-window["from_day"]))
        else:
            notes.append(
                words.say(
                    words.WINDOW_SPAN,
                    heading=window["label"],
                    first=window["from_day"],
                    last=window["to_day"],
                )
            )
    return notes
