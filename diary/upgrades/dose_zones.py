"""Doses recorded before each dose kept its time zone (migration m020).

A dose's day and clock are now read in the zone it was taken in (``doses.time_zone``). A
dose recorded before knew none: it is given its patient's account zone now, the best
knowledge there is (a dose taken while travelling shows in that zone's clock, as it always
did). The dose keeps its version, so a phone's unsent edit of it still applies; only the
fingerprint of that version is worked out again from the content it now has, so a phone
sending that change again (its answer lost) still hears ``duplicate``.
"""

from diary.db import fetch_all
from diary.sync import merge
from diary.sync.rows import row_data


def fill(db):
    """Give every dose without a zone its patient's account zone, inside the caller's
    transaction, and re-fingerprint its current version."""
    db.execute(
        "UPDATE doses SET time_zone = (SELECT COALESCE(u.time_zone, 'UTC') FROM users u "
        "WHERE u.id = doses.patient_id) WHERE time_zone IS NULL"
    )
    for row in fetch_all(db, "SELECT * FROM doses"):
        db.execute(
            "UPDATE revisions SET hash = ? WHERE id = ? AND version = ?",
            [
                merge.content_hash(row_data("dose", row), bool(row["deleted"])),
                row["id"],
                row["version"],
            ],
        )
