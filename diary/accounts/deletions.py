"""Deleted accounts stay deleted after the database is restored from a copy.

A backup copy (or Litestream's replica) holds the accounts deleted since it was made.
Each deletion is therefore also written to a ledger beside the database file, outside it,
so that restoring the database does not roll the ledger back: when the app starts, every
account the ledger names that a restore brought back is deleted again
(``accounts.delete_restored``).

A line names the account by its id and the moment it was created, and nothing else about
the person. Both must match: a restored database gives out again the ids registered after
its copy was made (its own record of the highest id is as old as the copy), and a new
account that happens to receive a deleted account's id must not be deleted with it.
"""

import json
import os
from datetime import UTC, datetime
from pathlib import Path

LEDGER_NAME = "deleted-accounts"


def ledger_beside(database_path) -> Path:
    """The ledger of the database file at ``database_path``."""
    return Path(database_path).with_name(LEDGER_NAME)


def ledger_of(db) -> Path | None:
    """The ledger beside the database file of ``db``, or None for a database in memory."""
    for _seq, name, file in db.execute("PRAGMA database_list"):
        if name == "main":
            return ledger_beside(file) if file else None
    return None


def record(db, user_id: int):
    """Write the account's deletion to the ledger (flushed to disk) before it happens.

    Called inside the deletion's write transaction: a deletion whose commit then failed is
    carried out at the next start, which is what the person asked for.
    """
    path = ledger_of(db)
    row = db.execute("SELECT created_at FROM users WHERE id = ?", [user_id]).fetchone()
    if path is None or row is None:
        return
    line = {"id": user_id, "created_at": row[0], "deleted_at": datetime.now(UTC).isoformat()}
    # Only the account running the app may read it, like the database beside it.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (json.dumps(line) + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def listed(db) -> dict[int, str]:
    """The deleted accounts the ledger names: ``{id: created_at}``.

    A line that cannot be read (the last one, cut short by a power failure while it was
    written, before its deletion committed) is passed over.
    """
    path = ledger_of(db)
    if path is None or not path.is_file():
        return {}
    found = {}
    for line in path.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
            found[int(entry["id"])] = str(entry["created_at"])
        except (ValueError, KeyError, TypeError):
            continue
    return found
