"""Reading a patient's medicines and doses. Every write goes through ``store.apply_change``
(the one write path, with the sync rules), so only reads live here.
"""

from diary.db import fetch_all
from diary.medications import comparison, doses
from diary.medications import today as block
from diary.sync.rows import row_to_json


def list_medications(db, patient_id) -> list[dict]:
    """The patient's live medicines as the API shows them: by start day, then name."""
    rows = fetch_all(
        db,
        "SELECT * FROM medications WHERE patient_id = ? AND deleted = 0 "
        "ORDER BY start_day, name COLLATE NOCASE, id",
        [patient_id],
    )
    return [row_to_json("medication", r) for r in rows]


def list_doses(db, patient_id, *, first=None, last=None) -> list:
    """The patient's live doses, newest first; ``first``/``last`` (ISO days or dates,
    inclusive) keep those taken on those days, each dose's day read in the zone it was
    taken in (``doses.day_of``), whatever the account's zone is now."""
    sql = "SELECT * FROM doses WHERE patient_id = ? AND deleted = 0"
    params: list = [patient_id]
    # The stored moments are UTC: read a span wide enough for any zone, then keep the
    # doses whose own day is within the days asked for.
    since, until = doses.day_bounds(first, last)
    if since is not None:
        sql += " AND taken_at >= ?"
        params.append(since)
    if until is not None:
        sql += " AND taken_at < ?"
        params.append(until)
    rows = fetch_all(db, sql + " ORDER BY taken_at DESC, id DESC", params)
    found = [row_to_json("dose", r) for r in rows]
    return found if first is None and last is None else doses.within(found, first, last)


def earlier_names(db, patient_id) -> list[str]:
    """Every name the patient gave a medicine, deleted ones too, for the form's suggestions
    (there is no drug database): most recently used first, each once."""
    rows = db.execute(
        "SELECT name FROM medications WHERE patient_id = ? GROUP BY name COLLATE NOCASE "
        "ORDER BY MAX(updated_at) DESC LIMIT 200",
        [patient_id],
    ).fetchall()
    return [row[0] for row in rows]


def orphan_dose_count(db, patient_id) -> int:
    """Live doses whose medicine is not one of the patient's live medicines (not synced yet,
    or deleted): kept, exported, but shown under no medicine."""
    return db.execute(
        "SELECT COUNT(*) FROM doses d WHERE d.patient_id = ? AND d.deleted = 0 AND NOT EXISTS "
        "(SELECT 1 FROM medications m WHERE m.id = d.medication_id AND m.patient_id = ? "
        "AND m.deleted = 0)",
        [patient_id, patient_id],
    ).fetchone()[0]


def taken_days_in_windows(db, patient_id, medications, windows) -> dict:
    """``comparison.taken_days`` of the doses within one comparison's windows (only those
    are read)."""
    span = comparison.dose_span(windows)
    found = []
    if span is not None and any(m["schedule"] == "as_needed" for m in medications):
        found = list_doses(db, patient_id, first=span[0], last=span[1])
    return comparison.taken_days(medications, found)


def medicine_panels(db, patient_id, panels, *, today) -> list[dict]:
    """The charts page's therapy panels (``charts.page.charts_page``) with their medicines;
    only the doses within the panels' windows are read."""
    medications = list_medications(db, patient_id)
    windows = [window for panel in panels for window in panel["windows"]]
    taken = taken_days_in_windows(db, patient_id, medications, windows)
    return comparison.with_medicine_panels(panels, medications, taken, today=today)


def as_needed_today(db, patient_id, *, today) -> list[dict]:
    """Today's "Took one" block (``today.as_needed_today``), read from the store."""
    medications = list_medications(db, patient_id)
    if not any(m["schedule"] == "as_needed" for m in medications):
        return []
    found = list_doses(db, patient_id, first=today, last=today)
    return block.as_needed_today(medications, found, today=today)
