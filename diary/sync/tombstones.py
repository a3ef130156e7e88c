"""What a delete leaves behind: a tombstone holding only what makes the record a row, and
no fingerprint from which the content it had could be worked out (docs/sync-protocol.md).

The write path (``store.apply_change``) makes every delete's tombstone from here; the two
migrations that cleaned the deletes made before these rules (m012, m019) run the rest.
"""

from diary.accounts import now_iso
from diary.db import fetch_all, next_seq
from diary.sync import merge
from diary.sync.rows import KINDS, row_data, write_row

#: What a delete clears of each kind's content. A deleted record keeps what makes it a row
#: (its day, what kind of record it was, the medicine a dose was of); every score, word and
#: name the patient wrote goes, so nothing deleted is synced to another phone or stays in
#: the database.
TOMBSTONE = {
    "entry": {
        "leg_pain": None,
        "back_pain": None,
        "worst_leg_pain": None,
        "regions": {},
        "activities": {},
        "sitting_tolerance_min": None,
        "walking_tolerance_min": None,
        "red_flags": [],
        "note": "",
    },
    "therapy": {"label": "", "end_day": None, "notes": ""},
    "medication": {"name": "", "strength": "", "unit": "", "end_day": None, "changes": []},
    "dose": {},
    "response": {"answers": {}, "therapy_id": None},
}


def tombstone(kind, row) -> dict:
    """The content a deleted ``row`` keeps (``TOMBSTONE``)."""
    return {**row_data(kind, row), **TOMBSTONE[kind]}


def clear_deleted_content(db):
    """Clear what records deleted before ``TOMBSTONE`` existed still hold, inside the
    caller's transaction (migration m012). Each keeps its version; its deletion's
    fingerprint becomes the one a delete makes now, so a phone sending that delete again
    (its answer lost) still hears ``duplicate``; a new change number makes every phone
    pull the cleared record over the copy it kept."""
    now = now_iso()
    for kind, spec in KINDS.items():
        table = spec["table"]
        for row in fetch_all(db, f"SELECT * FROM {table} WHERE deleted = 1"):  # noqa: S608  # nosec B608
            _clear_tombstone(db, kind, row, now)


def forget_deleted(db):
    """Leave nothing of a deleted record's content in the database, inside the caller's
    transaction (migration m019): the fingerprints of its versions before the delete go
    (``forget_versions_before``), a tombstone still holding content (none should) is
    cleared as m012 did, and fingerprints of records no table holds any more go too.
    Returns how many fingerprints were removed."""
    now = now_iso()
    removed = 0
    for kind, spec in KINDS.items():
        table = spec["table"]
        for row in fetch_all(db, f"SELECT * FROM {table} WHERE deleted = 1"):  # noqa: S608  # nosec B608
            if row_data(kind, row) != tombstone(kind, row):
                _clear_tombstone(db, kind, row, now)
            removed += forget_versions_before(db, row["id"], row["version"])
    held = " UNION ".join(f"SELECT id FROM {spec['table']}" for spec in KINDS.values())  # noqa: S608  # nosec B608
    removed += db.execute(f"DELETE FROM revisions WHERE id NOT IN ({held})").rowcount  # noqa: S608  # nosec B608
    return removed


def _clear_tombstone(db, kind, row, now):
    """Write the deleted ``row`` with its content cleared (``TOMBSTONE``), at its version
    and with a new change number, and the matching fingerprint of its deletion."""
    content = tombstone(kind, row)
    seq = next_seq(db)
    write_row(
        db, kind, row["patient_id"], row["id"], content, True, row["version"], row, None, seq, now
    )
    db.execute(
        "UPDATE revisions SET hash = ? WHERE id = ? AND version = ?",
        [merge.content_hash(content, True), row["id"], row["version"]],
    )


def forget_versions_before(db, object_id, version) -> int:
    """Remove the fingerprints of a deleted record's versions before its deletion
    (``version``): an unsalted hash of a tiny content space (a day, two scores) gives the
    content back to anyone who tries every possibility. Only the deletion's own stays, and
    it covers the tombstone's content alone, so a resent delete is still a ``duplicate``;
    a resent change from before the delete becomes a ``conflict`` with the tombstone
    (merge.decide), which the patient resolves. Returns how many were removed."""
    return db.execute(
        "DELETE FROM revisions WHERE id = ? AND version < ?", [object_id, version]
    ).rowcount
