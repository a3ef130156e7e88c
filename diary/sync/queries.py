"""The read queries of the synced kinds: one record, the lists the pages and the API show,
the days a comparison needs, and what changed since a sync cursor.

Reads only: the writes are in ``store`` (the one write path) and ``tombstones``. A deleted
record is left out of every list; only ``changes_since`` (a phone must hear of the delete) and
``get(..., include_deleted=True)`` return tombstones.
"""

import json

from diary.clinical.comparison import entry_spans
from diary.db import fetch_all
from diary.sync import cursors
from diary.sync.rows import JSON_COLUMNS, KINDS, data_fields, get_row, row_to_json


def get(db, kind, patient_id, object_id, include_deleted=False):
    """One of the patient's rows as JSON, or None (another patient's rows are None too)."""
    row = get_row(db, kind, str(object_id))
    if row is None or row["patient_id"] != patient_id or (row["deleted"] and not include_deleted):
        return None
    return row_to_json(kind, row)


def list_entries(db, patient_id, *, day_from=None, day_to=None, limit=1000, after=None):
    """The patient's live entries newest first, a page at a time.

    Returns ``(entries, next)``: ``next`` is the cursor of the following page, or None.
    ``after`` is a cursor from a previous page (keyset paging: fast on any page).
    """
    where = ["patient_id = ?", "deleted = 0"]
    params: list = [patient_id]
    if day_from:
        where.append("day >= ?")
        params.append(day_from)
    if day_to:
        where.append("day <= ?")
        params.append(day_to)
    if after:
        day, created_at, object_id = after
        where.append("(day, created_at, id) < (?, ?, ?)")
        params += [day, created_at, object_id]
    sql = (
        f"SELECT * FROM entries WHERE {' AND '.join(where)} "  # noqa: S608  # nosec B608
        "ORDER BY day DESC, created_at DESC, id DESC LIMIT ?"
    )
    rows = fetch_all(db, sql, [*params, limit + 1])
    page = [row_to_json("entry", r) for r in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = cursors.encode_page(last["day"], last["created_at"], last["id"])
    return page, next_cursor


def list_therapies(db, patient_id):
    """The patient's live therapies, by start day."""
    rows = fetch_all(
        db,
        "SELECT * FROM therapies WHERE patient_id = ? AND deleted = 0 "
        "ORDER BY start_day, created_at, id",
        [patient_id],
    )
    return [row_to_json("therapy", r) for r in rows]


def all_entries(db, patient_id):
    """Every live entry of the patient, oldest first (for analysis and exports); the id
    breaks ties, so that a diary and its imported copy list them in the same order."""
    rows = fetch_all(
        db,
        "SELECT * FROM entries WHERE patient_id = ? AND deleted = 0 ORDER BY day, created_at, id",
        [patient_id],
    )
    return [row_to_json("entry", r) for r in rows]


def list_responses(db, patient_id, *, questionnaire=None, day_from=None, day_to=None):
    """The patient's live questionnaire responses, oldest first (by day, then time saved),
    of one questionnaire when given, between two days (inclusive) when given."""
    where = ["patient_id = ?", "deleted = 0"]
    params: list = [patient_id]
    for clause, value in (
        ("questionnaire = ?", questionnaire),
        ("day >= ?", day_from),
        ("day <= ?", day_to),
    ):
        if value is not None:
            where.append(clause)
            params.append(value)
    rows = fetch_all(
        db,
        f"SELECT * FROM responses WHERE {' AND '.join(where)} "  # noqa: S608  # nosec B608
        "ORDER BY day, created_at, id",
        params,
    )
    return [row_to_json("response", r) for r in rows]


def latest_entry(db, patient_id, before_day=None):
    """The most recent live entry (on or before ``before_day`` when given), or None."""
    sql = "SELECT * FROM entries WHERE patient_id = ? AND deleted = 0"
    params = [patient_id]
    if before_day:
        sql += " AND day <= ?"
        params.append(before_day)
    rows = fetch_all(db, sql + " ORDER BY day DESC, created_at DESC LIMIT 1", params)
    return row_to_json("entry", rows[0]) if rows else None


def last_seq(db, patient_id) -> int:
    """The sequence number of the patient's latest change of any kind (0 before the first):
    what a sync cursor that has pulled everything says (see changes_since)."""
    parts = " UNION ALL ".join(
        f"SELECT MAX(seq) FROM {spec['table']} WHERE patient_id = :patient"  # noqa: S608  # nosec B608
        for spec in KINDS.values()
    )
    return max((row[0] or 0 for row in db.execute(parts, {"patient": patient_id})), default=0)


def changes_since(db, patient_id, seq, limit=5000):
    """Rows of every kind (tombstones included) changed after ``seq``, in order.

    Returns ``(changes, last_seq, more)``.
    """
    found = []
    for kind, spec in KINDS.items():
        fields = data_fields(kind)
        plain = [f for f in fields if f not in JSON_COLUMNS]
        packed = [f for f in fields if f in JSON_COLUMNS]
        # The JSON columns come back as one JSON array text: one decode a row, not three.
        pack = "'[' || " + " || ',' || ".join(packed) + " || ']'" if packed else "'[]'"
        cursor = db.execute(
            f"SELECT seq, id, version, deleted, updated_at, {', '.join(plain)}, {pack} "  # noqa: S608  # nosec B608
            f"FROM {spec['table']} WHERE patient_id = ? AND seq > ? ORDER BY seq LIMIT ?",
            [patient_id, seq, limit + 1],
        )
        found += [(row[0], kind, plain, packed, row) for row in cursor]
    found.sort(key=lambda item: item[0])
    more = len(found) > limit
    found = found[:limit]
    changes = []
    for _seq, kind, plain, packed, row in found:
        data = dict(zip(plain, row[5:-1], strict=True))
        data.update(zip(packed, json.loads(row[-1]), strict=True))
        changes.append(
            {
                "kind": kind,
                "id": row[1],
                "version": row[2],
                "deleted": bool(row[3]),
                "updated_at": row[4],
                "data": data,
            }
        )
    last = found[-1][0] if found else seq
    return changes, last, more


def entries_for_comparison(db, patient_id, therapy_start, *, baseline_days=28, exclusion_days=7):
    """The patient's live entries a comparison of a therapy starting ``therapy_start`` can
    see, oldest first.

    Only the days of its windows are read: reading and decoding every stored row of five
    years costs more than all the statistics (docs/benchmarks.md).
    """
    last = latest_entry(db, patient_id)
    spans = entry_spans(
        therapy_start,
        last["day"] if last else None,
        baseline_days=baseline_days,
        exclusion_days=exclusion_days,
    )
    entries = []
    for first, final in spans:
        page, _next = list_entries(db, patient_id, day_from=first, day_to=final, limit=10**9)
        entries += reversed(page)  # list_entries is newest first
    return entries
