"""The cohort's two files: the table as CSV (small cells suppressed) and a de-identified
per-patient CSV for research. docs/exports.md describes both.

Both are RFC 4180 CSV in UTF-8 with a byte-order mark, cells made inert against formula
injection (``exports.spreadsheet.inert``), and open with the cautions as comment lines
starting with ``#`` (``pandas.read_csv(path, comment="#")`` skips them).

The research file carries nothing that leads back to a patient: no name, email, note,
free text (not even the therapy's label), no id of ours and no calendar day. Patients are
P1, P2 ... drawn at random for each file (never from an id), days are counted from the
therapy day, and only the window's numbers leave, never the days themselves.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence

from diary.cohorts import rows as table_rows
from diary.cohorts import table as cohort_table
from diary.cohorts import words
from diary.exports.spreadsheet import BYTE_ORDER_MARK, inert
from diary.questionnaires import engine
from diary.rounding import half_up

#: A research file of fewer patients would point at the few: it is not made.
MIN_RESEARCH_PATIENTS = 5


def _comment(text: str) -> str:
    # Written as it is, not quoted: a reader that skips "#" lines sees the line start
    # with it. Our own words, which never hold a quote or a line break.
    if '"' in text or "\n" in text or "\r" in text:
        raise ValueError("a comment line cannot hold a quote or a line break")
    return f"# {text}\r\n"


def _csv(comments: list[str], header: list[str], body: list[list]) -> str:
    out = io.StringIO()
    out.write("".join(_comment(line) for line in comments))
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for cells in body:
        # Text is made inert; a number stays a number (a negative day offset is no formula).
        writer.writerow(
            [inert(cell) if isinstance(cell, str) or cell is None else cell for cell in cells]
        )
    return BYTE_ORDER_MARK + out.getvalue()


def _title(table: dict) -> list[str]:
    return [
        words.say(words.TABLE_TITLE, kind=table["kind_name"]),
        words.say(words.POPULATIONS[table["population"]]),
    ]


def table_csv(table: dict) -> str:
    """The table (``table.cohort_table``'s answer) in the trials' layout: a row per
    measure, a column per window; every cell resting on 1 to 4 patients reads "fewer
    than 5", and so does the count of patients when it is that small."""
    patients = table_rows.suppressed({"text": str(table["patients"]), "n": table["patients"]})
    comments = [
        *_title(table),
        words.say(words.PATIENTS_COUNTED, n=patients),
        *table["caution"],
        words.say(words.SUPPRESSION_NOTE),
        *table_rows.window_notes(table),
    ]
    header = [words.say(words.MEASURE), *(w["label"] for w in table["windows"])]
    body = [
        [row["label"], *(table_rows.suppressed(cell) for cell in row["cells"])]
        for row in table_rows.table_rows(table)
    ]
    return _csv(comments, header, body)


def research_columns() -> list[str]:
    """The research file's header."""
    questionnaires = [
        f"{definition.id}_{column}"
        for definition in engine.catalogue().values()
        for column in ("score", "responder")
    ]
    return [
        "patient",
        "therapy_kind",
        "window",
        "first_day",
        "last_day",
        "status",
        "days_logged",
        "leg_pain_mean",
        "back_pain_mean",
        "leg_change",
        "leg_pct_reduction",
        "leg_category",
        "responder",
        "back_change",
        "back_pct_reduction",
        "other_therapy",
        *questionnaires,
    ]


def _yes_no(flag: bool | None) -> str | None:
    return None if flag is None else ("yes" if flag else "no")


def _number(value: float | None, digits: int = 2) -> float | None:
    return half_up(value, digits)


def _research_row(label: str, kind: str, name: str, outcome: dict) -> list:
    window = outcome["windows"][name]
    cells = [
        label,
        kind,
        name,
        window["from_offset"],
        window["to_offset"],
        window["status"],
        window["days_logged"],
        _number(window["leg"]),
        _number(window["back"]),
        _number(window["leg_change"]),
        _number(window["leg_pct_reduction"], 1),
        window["category"],
        _yes_no(window["responder"]),
        _number(window["back_change"]),
        _number(window["back_pct_reduction"], 1),
        _yes_no(outcome["other_therapy"]),
    ]
    for definition in engine.catalogue().values():
        entry = window["questionnaires"].get(definition.id) or {}
        cells += [entry.get("score"), _yes_no(entry.get("responder"))]
    return cells


def research_csv(outcomes: Sequence[dict], table: dict, *, rng: random.Random | None = None) -> str:
    """The de-identified file: a row per patient of the table's population and window
    shown (``research_columns``), patients as P1, P2 ... in a random order drawn for this
    file. ``outcomes`` are ``outcomes.patient_outcome``'s, without anything else."""
    names = [w["name"] for w in table["windows"]]
    kept = cohort_table.population(outcomes, table["population"], table["through"])
    (rng or random.SystemRandom()).shuffle(kept)
    body = [
        _research_row(f"P{number}", table["kind"], name, outcome)
        for number, outcome in enumerate(kept, start=1)
        for name in names
    ]
    comments = [*_title(table), *table["caution"], words.say(words.RESEARCH_NOTE)]
    return _csv(comments, research_columns(), body)
