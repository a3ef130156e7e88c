"""A synced kind's row: the table and content fields of each kind, a row as the API shows
it, and the one way a row is read from and written to its table.

The write path (``store``), the tombstones, the validation of incoming changes and the
reads (``queries``) all build on it, and it imports none of them: the package has no
import cycle.
"""

import json

from diary import json_text
from diary.db import fetch_all
from diary.medications.schemas import DoseData, MedicationData
from diary.questionnaires import engine
from diary.questionnaires.schemas import ResponseData
from diary.schemas import EntryData, TherapyData

KINDS = {
    "entry": {"table": "entries", "model": EntryData},
    "therapy": {"table": "therapies", "model": TherapyData},
    "medication": {"table": "medications", "model": MedicationData},
    "dose": {"table": "doses", "model": DoseData},
    # A response comes back with its score (DESIGN.md section 5), worked out when read.
    "response": {
        "table": "responses",
        "model": ResponseData,
        "derived": lambda out: {"score": engine.score_of(out["questionnaire"], out["answers"])},
    },
}
JSON_COLUMNS = {"regions", "activities", "red_flags", "changes", "answers"}
# Each kind's content fields, in the model's order: worked out once, not on every row.
FIELDS = {kind: tuple(spec["model"].model_fields) for kind, spec in KINDS.items()}
FIELD_SET = {kind: set(fields) for kind, fields in FIELDS.items()}


def data_fields(kind):
    return list(FIELDS[kind])


def row_to_json(kind, row) -> dict:
    """A stored row as the API shows it."""
    out = {"id": row["id"]}
    for name in data_fields(kind):
        if name not in row:
            # A column a later migration adds (a dose's time_zone), read by an earlier
            # migration's repair while upgrading an older database: left out.
            continue
        value = row[name]
        out[name] = json.loads(value) if name in JSON_COLUMNS else value
    out.update(
        version=row["version"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        deleted=bool(row["deleted"]),
    )
    return derived(kind, out)


def derived(kind, out: dict) -> dict:
    """``out`` with what a kind works out from its content when shown (a response's score)."""
    if "derived" in KINDS[kind]:
        out.update(KINDS[kind]["derived"](out))
    return out


def row_data(kind, row) -> dict:
    """Only the content fields of a row (what the content hash covers)."""
    full = row_to_json(kind, row)
    return {name: full[name] for name in data_fields(kind) if name in full}


def get_row(db, kind, object_id):
    """The stored row of ``kind`` with this id, whoever's it is and deleted or not; or None."""
    table = KINDS[kind]["table"]
    rows = fetch_all(db, f"SELECT * FROM {table} WHERE id = ?", [object_id])  # noqa: S608  # nosec B608
    return rows[0] if rows else None


def _statements(kind, fields=None):
    """The INSERT and the UPDATE of a kind's row: content columns (``fields``, all of the
    kind's by default), then the row's own."""
    table, fields = KINDS[kind]["table"], fields or FIELDS[kind]
    own = ("version", "deleted", "updated_at", "seq")
    created = (*fields, *own, "id", "patient_id", "created_at")
    insert = (
        f"INSERT INTO {table} ({', '.join(created)}) "  # noqa: S608  # nosec B608
        f"VALUES ({', '.join('?' for _ in created)})"
    )
    assignments = ", ".join(f"{name} = ?" for name in (*fields, *own))
    update = f"UPDATE {table} SET {assignments} WHERE id = ?"  # noqa: S608  # nosec B608
    return insert, update


# Built once: the same text each time also lets sqlite3 reuse its prepared statements.
_STATEMENTS = {kind: _statements(kind) for kind in KINDS}
_ENCODED = {kind: tuple(name in JSON_COLUMNS for name in FIELDS[kind]) for kind in KINDS}
_COLUMN_TEXT = json_text.encoder()  # json.dumps, set up once: three columns a row


def write_row(
    db, kind, patient_id, object_id, content, deleted, version, existing, stamps, seq, now
) -> tuple[str, str]:
    """Insert or update the row; return its ``(created_at, updated_at)``.

    The row alone: its change number (``seq``), its fingerprint in ``revisions`` and the
    transaction are the caller's (``store.apply_change``, the tombstones' clean-ups)."""
    created_at, updated_at = (stamps.created_at, stamps.updated_at) if stamps else (now, now)
    fields, encoded, statements = FIELDS[kind], _ENCODED[kind], _STATEMENTS[kind]
    if len(content) < len(fields):
        # An earlier migration's repair of a row read before a later one added a column
        # (row_to_json): written without it.
        fields = tuple(name for name in fields if name in content)
        encoded = tuple(name in JSON_COLUMNS for name in fields)
        statements = _statements(kind, fields)
    values = [
        _COLUMN_TEXT(content[name]) if json_column else content[name]
        for name, json_column in zip(fields, encoded, strict=True)
    ]
    values += [version, int(deleted), updated_at, seq]
    insert, update = statements
    if existing is None:
        db.execute(insert, [*values, object_id, patient_id, created_at])
    else:
        db.execute(update, [*values, object_id])
        created_at = existing["created_at"]
    return created_at, updated_at
