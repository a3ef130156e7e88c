"""The diary as spreadsheets: one CSV of the entries (a row each), one of the therapies,
one of the medicines, one of their dose changes, one of the doses taken when needed and one
of the questionnaire responses.

RFC 4180 (commas, double quotes, CRLF between records), UTF-8 with a byte-order mark so that
spreadsheet programs read accents right, days as ISO dates (2026-03-31). A cell that begins
with a character a spreadsheet takes for the start of a formula (``= + - @``, a tab or a
carriage return) gets a leading apostrophe, so a note such as ``=HYPERLINK(...)`` is shown
as text and never runs (OWASP's advice against CSV injection). docs/exports.md lists the
columns.
"""

import csv
import io
import json
import re

from diary import clinical
from diary.clinical import regions
from diary.clinical.comparison_words import therapy_name
from diary.fields import NOTE_CONTROLS
from diary.medications import doses as dose_days
from diary.medications.schemas import SCHEDULES
from diary.medications.words import medication_name
from diary.questionnaires import engine, words

#: What a spreadsheet may read as a formula when a cell starts with it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"
# Control characters a cell must not carry (an escape sequence, a bell): the fields refuse
# them, but text saved before they did may hold some. Line breaks and tabs stay.
_CONTROL = re.compile(f"[{NOTE_CONTROLS}]")
_C1 = re.compile("[\x7f-\x9f]")

REGION_COLUMNS = [f"region_{r.code}" for r in regions.REGIONS]
ACTIVITY_COLUMNS = [f"activity_{code}" for code in clinical.ACTIVITIES]
RED_FLAG_COLUMNS = [f"red_flag_{code}" for code in clinical.RED_FLAGS]


def entry_columns(include_notes: bool = True) -> list[str]:
    """The header of the entries CSV; without ``note`` when notes are not shared."""
    return [
        "day",
        "leg_pain",
        "back_pain",
        "worst_leg_pain",
        "most_distal_level",
        *REGION_COLUMNS,
        *ACTIVITY_COLUMNS,
        "sitting_tolerance_min",
        "walking_tolerance_min",
        *RED_FLAG_COLUMNS,
        *(["note"] if include_notes else []),
        "id",
        "created_at",
        "updated_at",
    ]


def therapy_columns(include_notes: bool = True) -> list[str]:
    """The header of the therapies CSV; without ``notes`` when notes are not shared."""
    return [
        "start_day",
        "end_day",
        "kind",
        "kind_name",
        "label",
        *(["notes"] if include_notes else []),
        "id",
        "created_at",
        "updated_at",
    ]


#: The header of the responses CSV.
RESPONSE_COLUMNS = [
    "day",
    "questionnaire",
    "questionnaire_title",
    "score",
    "score_words",
    "therapy_id",
    "therapy",
    "answers",
    "id",
    "created_at",
    "updated_at",
]


def inert(value) -> str:
    """``value`` as the text of a cell no spreadsheet evaluates: None is empty, text
    starting like a formula gets a leading apostrophe (which spreadsheets show as text), and
    a control character other than a line break or a tab becomes U+FFFD."""
    if value is None:
        return ""
    text = _CONTROL.sub("\ufffd", str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _entry_cells(entry: dict) -> dict:
    marked = entry["regions"]
    cells = {
        "day": entry["day"],
        "leg_pain": entry["leg_pain"],
        "back_pain": entry["back_pain"],
        "worst_leg_pain": entry["worst_leg_pain"],
        "most_distal_level": regions.most_distal_level(marked),
        "sitting_tolerance_min": entry["sitting_tolerance_min"],
        "walking_tolerance_min": entry["walking_tolerance_min"],
        "note": entry["note"],
        "id": entry["id"],
        "created_at": entry["created_at"],
        "updated_at": entry["updated_at"],
    }
    for region in regions.REGIONS:
        cells[f"region_{region.code}"] = marked.get(region.code)
    for code in clinical.ACTIVITIES:
        # Unanswered stays empty: unknown, not zero (CLINICAL.md section 1).
        cells[f"activity_{code}"] = entry["activities"].get(code)
    for code in clinical.RED_FLAGS:
        cells[f"red_flag_{code}"] = "yes" if code in entry["red_flags"] else "no"
    return cells


def _therapy_cells(therapy: dict) -> dict:
    return {
        **{name: therapy[name] for name in ("start_day", "end_day", "kind", "label", "notes")},
        "kind_name": clinical.THERAPY_KINDS[therapy["kind"]],
        "id": therapy["id"],
        "created_at": therapy["created_at"],
        "updated_at": therapy["updated_at"],
    }


def _response_cells(response: dict, therapies: dict) -> dict:
    definition = engine.catalogue().get(response["questionnaire"])
    therapy = therapies.get(response["therapy_id"])
    return {
        **{name: response[name] for name in ("day", "questionnaire", "score", "therapy_id")},
        "questionnaire_title": definition.title if definition else "",
        "score_words": words.score_words(definition, response["score"]) if definition else "",
        "therapy": therapy_name(therapy) if therapy else "",
        # Every answer exactly, by item (linkId), as JSON: one column whatever the instrument.
        "answers": json.dumps(response["answers"], separators=(",", ":")),
        "id": response["id"],
        "created_at": response["created_at"],
        "updated_at": response["updated_at"],
    }


def _table(columns: list[str], rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for cells in rows:
        writer.writerow([inert(cells[name]) for name in columns])
    return BYTE_ORDER_MARK + out.getvalue()


def entries_csv(entries: list[dict], *, include_notes: bool = True) -> str:
    """The entries (as the API shows them), one row each in the order given, as CSV text
    starting with the byte-order mark. Without the note column when ``include_notes`` is
    false. Refuses (ValueError) an entry with an unknown body-map region."""
    return _table(entry_columns(include_notes), (_entry_cells(e) for e in entries))


def therapies_csv(therapies: list[dict], *, include_notes: bool = True) -> str:
    """The therapies (as the API shows them), one row each, as CSV text like entries_csv."""
    return _table(therapy_columns(include_notes), (_therapy_cells(t) for t in therapies))


def responses_csv(responses: list[dict], therapies: list[dict]) -> str:
    """The questionnaire responses (as the API shows them, with their scores), one row each
    in the order given, as CSV text like entries_csv; ``therapies`` name the therapy a
    response is about (one no longer among them is left unnamed)."""
    by_id = {t["id"]: t for t in therapies}
    return _table(RESPONSE_COLUMNS, (_response_cells(r, by_id) for r in responses))


MEDICATION_COLUMNS = [
    "start_day",
    "end_day",
    "name",
    "strength",
    "unit",
    "schedule",
    "schedule_words",
    "dose_changes",
    "id",
    "created_at",
    "updated_at",
]
DOSE_COLUMNS = [
    "day",
    "time",
    "time_zone",
    "medication",
    "taken_at",
    "medication_id",
    "id",
    "created_at",
    "updated_at",
]


DOSE_CHANGE_COLUMNS = ["day", "medication", "dose", "medication_id"]


def dose_changes_cell(changes: list[dict]) -> str:
    """A medicine's dose changes in one cell, as a JSON array in day order:
    ``[{"day":"2026-02-01","dose":"150 mg; twice a day"}]`` (``[]`` without any).

    JSON, not the changes joined with a separator: a dose is free text and may hold any
    separator, and ``json.loads`` gives the changes back exactly (as the responses'
    ``answers`` column does). It starts with ``[``, so no spreadsheet takes it for a formula.
    """
    text = json.dumps(
        [{"day": c["day"], "dose": c["dose"]} for c in changes],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    # JSON escapes C0 controls itself; DEL and C1 ones too here, so the cell holds no
    # control character (inert would mark one) and still reads back exactly.
    return _C1.sub(lambda found: f"\\u{ord(found.group(0)):04x}", text)


def _medication_cells(medication: dict) -> dict:
    return {
        **{name: medication[name] for name in MEDICATION_COLUMNS if name in medication},
        "schedule_words": SCHEDULES[medication["schedule"]],
        "dose_changes": dose_changes_cell(medication["changes"]),
    }


def medications_csv(medications: list[dict]) -> str:
    """The medicines (as the API shows them), one row each, as CSV text like entries_csv."""
    return _table(MEDICATION_COLUMNS, (_medication_cells(m) for m in medications))


def dose_changes_csv(medications: list[dict]) -> str:
    """Every dose change of the medicines (as the API shows them), one row each, by day
    (on one day, in the medicines' order), as CSV text like entries_csv: the readable form
    of the medicines CSV's ``dose_changes`` cell."""
    rows = [
        {
            "day": change["day"],
            "medication": medication_name(medication),
            "dose": change["dose"],
            "medication_id": medication["id"],
        }
        for medication in medications
        for change in medication["changes"]
    ]
    rows.sort(key=lambda row: row["day"])  # stable: a day's changes keep the medicines' order
    return _table(DOSE_CHANGE_COLUMNS, rows)


def doses_csv(doses: list[dict], medications: list[dict]) -> str:
    """The doses (as the API shows them), one row each in the order given, as CSV text like
    entries_csv: the day and time on the clock of the zone each was taken in (and that
    zone) beside the UTC moment, and the medicine's name (empty for a medicine deleted
    since, or not on the server yet)."""
    names = {m["id"]: medication_name(m) for m in medications}

    def cells(dose):
        return {
            **dose,
            "day": dose_days.day_of(dose),
            "time": dose_days.clock_of(dose),
            "medication": names.get(dose["medication_id"], ""),
        }

    return _table(DOSE_COLUMNS, (cells(d) for d in doses))
