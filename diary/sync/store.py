"""The one write path of the synced kinds (entries, therapies, medicines and doses,
questionnaire answers): each change through the sync rules (merge.py), in the caller's
write transaction with its change number and its fingerprint in ``revisions``.

REST calls, forms, sync batches, imports and the server's own repairs all go through
``apply_change`` so there is one write path and one set of rules for all of them. What a
delete leaves is in tombstones.py, how a row is laid out in rows.py, the validation of a
sync change in validation.py and the reads in queries.py.
"""

import json
import uuid
from dataclasses import dataclass

from pydantic import BaseModel

from diary.accounts import now_iso
from diary.db import next_seq, write
from diary.i18n.text import gettext as _
from diary.sync import merge
from diary.sync.rows import FIELD_SET, FIELDS, KINDS, derived, get_row, row_to_json, write_row
from diary.sync.tombstones import forget_versions_before, tombstone


@dataclass(frozen=True)
class Stamps:
    """A row's version and times as another copy of the diary holds them (an import)."""

    version: int
    created_at: str
    updated_at: str


@dataclass
class Outcome:
    """The answer to one change, in the shape of a sync result."""

    id: str
    kind: str
    status: str
    version: int | None = None
    row: dict | None = None  # the row after the change (applied/duplicate) or the server's
    error: dict | None = None

    def to_result(self):
        result = {"id": self.id, "kind": self.kind, "status": self.status, "version": self.version}
        if self.status == merge.CONFLICT:
            result["server"] = self.row
        if self.error:
            result["error"] = self.error
        return result


def _server_state(db, row):
    if row is None:
        return None
    hashes = dict(db.execute("SELECT version, hash FROM revisions WHERE id = ?", [row["id"]]))
    return merge.ServerState(version=row["version"], hashes=hashes)


def apply_change(
    db,
    patient_id,
    kind,
    object_id,
    base_version,
    deleted,
    data,
    *,
    want_row=True,
    duplicate_row=True,
    stamps=None,
    batch=None,
    check_references=True,
) -> Outcome:
    """Apply one change for the patient inside the caller's write transaction.

    ``data`` is validated content (a pydantic model or dict of normalised fields) or None
    for a delete. Rows of another patient are answered as ``not_found`` (nothing disclosed).
    ``want_row=False`` leaves out an applied row, ``duplicate_row=False`` a duplicate's
    (sync answers both with their versions only; a conflict always carries the server's).
    ``stamps`` (an import) are used only when the change creates the row: it then arrives
    with the version and times it had in the copy, as if it had always been here; every
    other outcome is decided by the same rules as any change. ``batch`` (a ``Batch``) is
    what the changes of one batch share: their change-sequence numbers, the clock, and
    which kinds hold their ids; without it they are looked up for this change alone.
    ``check_references=False`` keeps a response's therapy_id unchecked (an import: see
    exports/archive.py); otherwise a change naming a therapy the patient does not have is
    ``rejected`` (code ``invalid``, field ``therapy_id``).
    """
    object_id = str(object_id)
    if isinstance(data, BaseModel):
        data = data.model_dump(include=FIELD_SET[kind], mode="json")
    # Which kinds hold the id (a new id, the usual case, stops here).
    holders = batch.holders(object_id) if batch is not None else _holders(db, object_id)
    row = get_row(db, kind, object_id) if kind in holders else None
    creating = base_version is None and not deleted
    if creating and row is None and holders:
        return _id_taken(object_id, kind)
    if row is not None and row["patient_id"] != patient_id:
        if creating:
            return _id_taken(object_id, kind)
        return Outcome(
            object_id,
            kind,
            merge.REJECTED,
            error={"code": "not_found", "message": _("No such object."), "fields": {}},
        )
    if kind == "dose" and not deleted and data.get("time_zone") is None:
        data = {**data, "time_zone": _dose_zone(db, patient_id, row, batch)}
    # A delete marks the row deleted (a tombstone) and clears its content (tombstones.TOMBSTONE).
    content = data if not deleted else (tombstone(kind, row) if row is not None else None)
    incoming = merge.content_hash(content, deleted) if content is not None else None
    decision = merge.decide(_server_state(db, row), base_version, deleted, incoming)
    if decision.status == merge.REJECTED:
        message = {
            "not_found": _("No such object."),
            "version_ahead": _("base_version is ahead of the server's version."),
        }[decision.reason]
        field = {} if decision.reason == "not_found" else {"base_version": message}
        return Outcome(
            object_id,
            kind,
            merge.REJECTED,
            decision.version,
            error={"code": decision.reason, "message": message, "fields": field},
        )
    if decision.status in (merge.DUPLICATE, merge.CONFLICT):
        shown = duplicate_row or decision.status == merge.CONFLICT
        return Outcome(
            object_id,
            kind,
            decision.status,
            decision.version,
            row=row_to_json(kind, row) if shown else None,
        )
    refused = None
    if check_references and not deleted:
        refused = _unknown_reference(db, patient_id, kind, content, row)
    if refused is not None:
        return Outcome(object_id, kind, merge.REJECTED, error=refused)
    stamps = stamps if row is None else None  # an import's stamps count for a new row only
    version = stamps.version if stamps else decision.version
    if batch is not None:
        seq, now = next(batch.seqs), batch.now
    else:
        seq, now = next_seq(db), now_iso()
    created_at, updated_at = write_row(
        db, kind, patient_id, object_id, content, deleted, version, row, stamps, seq, now
    )
    if batch is not None and row is None:
        batch.created(object_id, kind)
    db.execute(
        "INSERT INTO revisions (id, version, hash) VALUES (?, ?, ?)",
        [object_id, version, incoming],
    )
    if deleted:
        forget_versions_before(db, object_id, version)
    if not want_row:
        return Outcome(object_id, kind, merge.APPLIED, version)
    # The row as the API shows it, from what was written (no read back).
    written = {"id": object_id}
    written.update((name, content[name]) for name in FIELDS[kind])
    written.update(
        version=version, created_at=created_at, updated_at=updated_at, deleted=bool(deleted)
    )
    return Outcome(object_id, kind, merge.APPLIED, version, row=derived(kind, written))


def _dose_zone(db, patient_id, row, batch) -> str:
    """The zone of a dose whose change names none: the one it has (an edit, or a create
    sent again, so that it hashes as it did), else the account's zone now (read once a
    batch). Filled in before the content is fingerprinted: "same content" compares it."""
    if row is not None:
        return row["time_zone"]
    if batch is not None:
        if batch.zone is None:
            batch.zone = account_zone(db, patient_id)
        return batch.zone
    return account_zone(db, patient_id)


def account_zone(db, patient_id) -> str:
    """The time zone the patient's account is set to now."""
    return db.execute("SELECT time_zone FROM users WHERE id = ?", [patient_id]).fetchone()[0]


def server_change(db, kind, row, content: dict) -> Outcome:
    """Give a live ``row`` the normalised ``content`` as a change the server makes itself
    (a migration's repair), inside the caller's transaction.

    It is written as an edit of the row's current version through ``apply_change``, the one
    write path: the next version, a new change number and ``updated_at``, its fingerprint in
    the revisions. So every phone pulls it at its next sync, and a phone's unsent edit made
    from the old version is a ``conflict`` the patient resolves, never lost. Content equal
    to the row's is a ``duplicate`` and writes nothing.
    """
    return apply_change(
        db,
        row["patient_id"],
        kind,
        row["id"],
        row["version"],
        False,
        content,
        want_row=False,
        # What the row already names is not judged again: the repair changes other fields.
        check_references=False,
    )


_HOLDERS = " UNION ALL ".join(
    f"SELECT '{kind}' FROM {spec['table']} WHERE id = ?"  # noqa: S608  # nosec B608
    for kind, spec in KINDS.items()
)
# The same for many ids at once (one JSON array), with the id each kind found.
_HOLDERS_OF_MANY = " UNION ALL ".join(
    f"SELECT id, '{kind}' FROM {spec['table']} WHERE id IN asked"  # noqa: S608  # nosec B608
    for kind, spec in KINDS.items()
)
_ASKED = "WITH asked(id) AS (SELECT value FROM json_each(?)) "


def _holders(db, object_id) -> set[str]:
    """The kinds that hold a row with this id (any patient's): empty for a new id."""
    return {kind for (kind,) in db.execute(_HOLDERS, [object_id] * len(KINDS))}


class Batch:
    """What the changes of one sync batch share inside its write transaction.

    - ``seqs``: the change-sequence numbers of its ``count`` changes, reserved in one
      statement (``SeqRange``);
    - ``now``: one reading of the server's clock, the ``updated_at`` of every row the batch
      writes (they are written in one transaction, at once as far as anyone can see);
    - ``holders(id)``: which kinds hold an id, for all of ``ids`` in one statement rather
      than one a change, kept up to date as the batch creates rows. An id not in ``ids``
      is looked up on its own;
    - ``halted``: the records (kind, id) whose change in this batch was not applied: the
      batch applies no later change to them (api/sync.py, ``held_back``);
    - ``zone``: the account's time zone, for the doses that name none (read once).
    """

    def __init__(self, db, count: int, ids):
        self.db = db
        self.ids = list(ids)
        self.seqs = SeqRange(db, count)
        self.now = now_iso()
        self._holders = None
        self.halted: set[tuple[str, str]] = set()
        self.zone: str | None = None

    def holders(self, object_id) -> set[str]:
        if self._holders is None:
            self._holders = {object_id: set() for object_id in self.ids}
            for held, kind in self.db.execute(_ASKED + _HOLDERS_OF_MANY, [json.dumps(self.ids)]):
                self._holders[held].add(kind)
        if object_id not in self._holders:
            return _holders(self.db, object_id)
        return set(self._holders[object_id])

    def created(self, object_id, kind):
        """Note that the batch has just created ``object_id`` as a ``kind``."""
        if self._holders is not None:
            self._holders.setdefault(object_id, set()).add(kind)


class SeqRange:
    """Change-sequence numbers for a batch of ``count`` changes, reserved in one statement
    when the first change is applied (a batch that applies nothing leaves the sequence as it
    was). Numbers the batch does not use leave gaps, which change nothing: a device asks for
    what changed after its cursor. Use inside the batch's write transaction."""

    def __init__(self, db, count: int):
        self.db, self.count, self._numbers = db, count, None

    def __iter__(self):
        return self

    def __next__(self) -> int:
        if self._numbers is None:
            last = self.db.execute(
                "UPDATE change_seq SET value = value + ? RETURNING value", [self.count]
            ).fetchone()[0]
            self._numbers = iter(range(last - self.count + 1, last + 1))
        return next(self._numbers)


def held_back(db, patient_id, kind, object_id) -> Outcome:
    """The answer to a change not applied because an earlier change to the same record in
    its batch was not: a conflict with the server's row (``not_found`` without one).

    A phone sends a change whose answer it never heard again, then its newer state built
    on it (base_version one up). Had the first been a conflict, the second's base would
    match the other device's version and overwrite it unseen.
    """
    row = get_row(db, kind, str(object_id))
    if row is None or row["patient_id"] != patient_id:
        error = {"code": "not_found", "message": _("No such object."), "fields": {}}
        return Outcome(str(object_id), kind, merge.REJECTED, error=error)
    return Outcome(str(object_id), kind, merge.CONFLICT, row["version"], row=row_to_json(kind, row))


def _unknown_reference(db, patient_id, kind, content, row) -> dict | None:
    """The error of a change naming a record the patient does not have, or None.

    A PGIC names the therapy it is about. Any of the patient's therapies counts, a deleted
    one too: an answer given offline must not be lost because the therapy was deleted on
    another device since. One created earlier in the same batch is already written (the
    batch is one transaction). An unknown id and another patient's therapy get the same
    answer, so nothing is learnt of other patients' ids. Medicines differ on purpose: a
    dose is kept whatever its medication_id (docs/sync-protocol.md).
    """
    therapy_id = content.get("therapy_id") if kind == "response" else None
    if therapy_id is None:
        return None
    if row is not None and row["therapy_id"] == therapy_id and row["day"] == content["day"]:
        # A response keeps the therapy and day it was already about (saved before these
        # checks, or before the therapy's start day was moved).
        return None
    found = db.execute(
        "SELECT start_day, deleted FROM therapies WHERE id = ? AND patient_id = ?",
        [therapy_id, patient_id],
    ).fetchone()
    if found is None:
        return {
            "code": "invalid",
            "message": _("This answer names a therapy that is not in your diary."),
            "fields": {"therapy_id": _("must be one of your therapies")},
        }
    start_day, gone = found
    if not gone and content["day"] < start_day:
        # A rating of the change since a therapy, dated before it began.
        return {
            "code": "invalid",
            "message": _("This answer is dated before the therapy it is about began."),
            "fields": {"day": _("must be on or after the therapy's start day")},
        }
    return None


def _id_taken(object_id, kind) -> Outcome:
    # Ids are unique across kinds and users (DESIGN.md section 3). The same answer whoever
    # holds the id and whatever it is, so nothing is learnt of another patient's rows.
    message = _("This id is already used by another record. Create it with a new id.")
    return Outcome(
        object_id,
        kind,
        merge.REJECTED,
        error={"code": "id_taken", "message": message, "fields": {"id": _("is already in use")}},
    )


def change(db, patient_id, kind, object_id, base_version, deleted, data) -> Outcome:
    """``apply_change`` in its own write transaction (for single REST calls)."""
    with write(db):
        return apply_change(
            db, patient_id, kind, object_id or uuid.uuid4(), base_version, deleted, data
        )
