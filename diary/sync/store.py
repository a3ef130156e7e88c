"""Every query of the synced kinds (entries, therapies, questionnaire responses): reads,
paging, and changes through the sync rules.

REST calls and sync batches both go through ``apply_change`` so there is one write path and
one set of rules (merge.py) for both.
"""

import json
import uuid
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ValidationError, create_model

from diary import json_text
from diary.accounts import now_iso
from diary.clinical.comparison import entry_spans
from diary.db import fetch_all, next_seq, write
from diary.i18n.text import gettext as _
from diary.medications.schemas import DoseData, MedicationData
from diary.questionnaires import engine
from diary.questionnaires.schemas import ResponseData
from diary.schemas import EntryData, SyncChange, TherapyData, field_errors
from diary.sync import cursors, merge

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
_FIELDS = {kind: tuple(spec["model"].model_fields) for kind, spec in KINDS.items()}
_FIELD_SET = {kind: set(fields) for kind, fields in _FIELDS.items()}


def data_fields(kind):
    return list(_FIELDS[kind])


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
    return _derived(kind, out)


def _derived(kind, out: dict) -> dict:
    """``out`` with what a kind works out from its content when shown (a response's score)."""
    if "derived" in KINDS[kind]:
        out.update(KINDS[kind]["derived"](out))
    return out


def row_data(kind, row) -> dict:
    """Only the content fields of a row (what the content hash covers)."""
    full = row_to_json(kind, row)
    return {name: full[name] for name in data_fields(kind) if name in full}


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


def _tombstone(kind, row) -> dict:
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
    (``_forget_versions_before``), a tombstone still holding content (none should) is
    cleared as m012 did, and fingerprints of records no table holds any more go too.
    Returns how many fingerprints were removed."""
    now = now_iso()
    removed = 0
    for kind, spec in KINDS.items():
        table = spec["table"]
        for row in fetch_all(db, f"SELECT * FROM {table} WHERE deleted = 1"):  # noqa: S608  # nosec B608
            if row_data(kind, row) != _tombstone(kind, row):
                _clear_tombstone(db, kind, row, now)
            removed += _forget_versions_before(db, row["id"], row["version"])
    held = " UNION ".join(f"SELECT id FROM {spec['table']}" for spec in KINDS.values())  # noqa: S608  # nosec B608
    removed += db.execute(f"DELETE FROM revisions WHERE id NOT IN ({held})").rowcount  # noqa: S608  # nosec B608
    return removed


def _clear_tombstone(db, kind, row, now):
    """Write the deleted ``row`` with its content cleared (``TOMBSTONE``), at its version
    and with a new change number, and the matching fingerprint of its deletion."""
    content = _tombstone(kind, row)
    seq = next_seq(db)
    _write_row(
        db, kind, row["patient_id"], row["id"], content, True, row["version"], row, None, seq, now
    )
    db.execute(
        "UPDATE revisions SET hash = ? WHERE id = ? AND version = ?",
        [merge.content_hash(content, True), row["id"], row["version"]],
    )


def _forget_versions_before(db, object_id, version) -> int:
    """Remove the fingerprints of a deleted record's versions before its deletion
    (``version``): an unsalted hash of a tiny content space (a day, two scores) gives the
    content back to anyone who tries every possibility. Only the deletion's own stays, and
    it covers the tombstone's content alone, so a resent delete is still a ``duplicate``;
    a resent change from before the delete becomes a ``conflict`` with the tombstone
    (merge.decide), which the patient resolves. Returns how many were removed."""
    return db.execute(
        "DELETE FROM revisions WHERE id = ? AND version < ?", [object_id, version]
    ).rowcount


def _get_row(db, kind, object_id):
    table = KINDS[kind]["table"]
    rows = fetch_all(db, f"SELECT * FROM {table} WHERE id = ?", [object_id])  # noqa: S608  # nosec B608
    return rows[0] if rows else None


def get(db, kind, patient_id, object_id, include_deleted=False):
    """One of the patient's rows as JSON, or None (another patient's rows are None too)."""
    row = _get_row(db, kind, str(object_id))
    if row is None or row["patient_id"] != patient_id or (row["deleted"] and not include_deleted):
        return None
    return row_to_json(kind, row)


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
        data = data.model_dump(include=_FIELD_SET[kind], mode="json")
    # Which kinds hold the id (a new id, the usual case, stops here).
    holders = batch.holders(object_id) if batch is not None else _holders(db, object_id)
    row = _get_row(db, kind, object_id) if kind in holders else None
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
    # A delete marks the row deleted (a tombstone) and clears its content (TOMBSTONE).
    content = data if not deleted else (_tombstone(kind, row) if row is not None else None)
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
    created_at, updated_at = _write_row(
        db, kind, patient_id, object_id, content, deleted, version, row, stamps, seq, now
    )
    if batch is not None and row is None:
        batch.created(object_id, kind)
    db.execute(
        "INSERT INTO revisions (id, version, hash) VALUES (?, ?, ?)",
        [object_id, version, incoming],
    )
    if deleted:
        _forget_versions_before(db, object_id, version)
    if not want_row:
        return Outcome(object_id, kind, merge.APPLIED, version)
    # The row as the API shows it, from what was written (no read back).
    written = {"id": object_id}
    written.update((name, content[name]) for name in _FIELDS[kind])
    written.update(
        version=version, created_at=created_at, updated_at=updated_at, deleted=bool(deleted)
    )
    return Outcome(object_id, kind, merge.APPLIED, version, row=_derived(kind, written))


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
    row = _get_row(db, kind, str(object_id))
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


def _statements(kind, fields=None):
    """The INSERT and the UPDATE of a kind's row: content columns (``fields``, all of the
    kind's by default), then the row's own."""
    table, fields = KINDS[kind]["table"], fields or _FIELDS[kind]
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
_ENCODED = {kind: tuple(name in JSON_COLUMNS for name in _FIELDS[kind]) for kind in KINDS}
_COLUMN_TEXT = json_text.encoder()  # json.dumps, set up once: three columns a row


def _write_row(
    db, kind, patient_id, object_id, content, deleted, version, existing, stamps, seq, now
) -> tuple[str, str]:
    """Insert or update the row; return its ``(created_at, updated_at)``."""
    created_at, updated_at = (stamps.created_at, stamps.updated_at) if stamps else (now, now)
    fields, encoded, statements = _FIELDS[kind], _ENCODED[kind], _STATEMENTS[kind]
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


def change(db, patient_id, kind, object_id, base_version, deleted, data) -> Outcome:
    """``apply_change`` in its own write transaction (for single REST calls)."""
    with write(db):
        return apply_change(
            db, patient_id, kind, object_id or uuid.uuid4(), base_version, deleted, data
        )


def validate_change(kind, raw_data):
    """Validate sync ``data`` for ``kind``: (model, None) or (None, fields)."""
    try:
        return KINDS[kind]["model"].model_validate(raw_data, strict=True), None
    except ValidationError as exc:
        return None, field_errors(exc)


# A SyncChange of each kind with its data as that kind's model: valid changes pass in one
# validation instead of two. Not part of the API's document.
_CHANGES = {
    kind: create_model(
        f"{spec['model'].__name__}Change",
        __base__=SyncChange,
        kind=(Literal[kind], ...),
        data=(spec["model"] | None, None),
    )
    for kind, spec in KINDS.items()
}


def valid_sync_change(raw):
    """``raw`` validated in one pass as a SyncChange whose data is its kind's model, or
    None when that fails or leaves the data out of a change that needs it.

    A valid change comes out exactly as ``SyncChange`` then ``validate_change`` would give
    it (a delete's data is not used); for anything else the caller takes those two steps,
    whose errors name the fields the way sync answers always have.
    """
    kind = raw.get("kind") if isinstance(raw, dict) else None
    model = _CHANGES.get(kind) if isinstance(kind, str) else None
    if model is None:
        return None
    try:
        change = model.model_validate(raw)
    except ValidationError:
        return None
    return change if change.deleted or change.data is not None else None


# ---- reading lists -------------------------------------------------------------------------


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


def current_seq(db) -> int:
    return db.execute("SELECT value FROM change_seq").fetchone()[0]


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
