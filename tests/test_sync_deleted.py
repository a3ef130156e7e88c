"""A deleted record leaves nothing in the database its content can be recovered from.

The revisions keep an unsalted SHA-256 of each version's content so that a replayed change
is recognised. An entry's content space is tiny (its day is kept in the tombstone, two
0-10 scores), so these tests try every score against every hash left for a deleted entry,
as anyone holding the database file could, and search the file's bytes for its notes.
"""

import itertools
import sqlite3
import uuid
from pathlib import Path

import pytest

from diary.db import migrate
from diary.schemas import EntryData
from diary.sync import merge, tombstones
from tests.conftest import change, form_token, statuses, sync

DAY = "2025-06-01"
FIRST_NOTE = "slept badly, zq1"
SECOND_NOTE = "worse after the long drive, zq2"
FIRST = {"day": DAY, "leg_pain": 7, "back_pain": 3, "note": FIRST_NOTE}
SECOND = {"day": DAY, "leg_pain": 8, "back_pain": 2, "note": SECOND_NOTE}
SCORES = [None, *range(11)]
# An attacker's guesses at a short note: the real ones among them, so a hash left of any
# version would be found.
GUESSED_NOTES = ["", "ok", "bad", FIRST_NOTE, SECOND_NOTE]


def _hashes(app, object_id) -> dict[int, str]:
    db = app.extensions["diary.db"].get()
    return dict(db.execute("SELECT version, hash FROM revisions WHERE id = ?", [object_id]))


def _recovered(hashes: dict[int, str], day=DAY) -> dict[int, tuple]:
    """Every (leg, back, worst, note) whose live content hashes to a value in ``hashes``:
    the whole space of scores of one day, with the guessed notes."""
    wanted = {value: version for version, value in hashes.items()}
    found = {}
    # An entry with every other field at its default, in the stored field order.
    blank = EntryData(day=day, leg_pain=0).model_dump(mode="json")
    for leg, back, worst, note in itertools.product(SCORES, SCORES, SCORES, GUESSED_NOTES):
        data = {**blank, "leg_pain": leg, "back_pain": back, "worst_leg_pain": worst, "note": note}
        fingerprint = merge.content_hash(data, False)
        if fingerprint in wanted:
            found[wanted[fingerprint]] = (leg, back, worst, note)
    return found


def _stored_bytes(app) -> bytes:
    """The database file and its write-ahead log, after a checkpoint that empties the log
    (as tests/test_sync.py does: what a deleted row's pages held lingers in the log until
    then)."""
    app.extensions["diary.db"].get().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    database = Path(app.config["DATABASE"])
    return b"".join(f.read_bytes() for f in database.parent.glob(database.name + "*"))


def _mentions(app, texts) -> list[tuple[str, str]]:
    """(table, column) of every stored text value holding any of ``texts``."""
    db = app.extensions["diary.db"].get()
    hits = []
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        cursor = db.execute(f'SELECT * FROM "{table}"')  # noqa: S608  # nosec B608
        columns = [d[0] for d in cursor.description]
        for row in cursor:
            for column, value in zip(columns, row, strict=True):
                if isinstance(value, str) and any(text in value for text in texts):
                    hits.append((table, column))
    return hits


def _made_and_edited(patient) -> str:
    made = patient.post("/api/v1/entries", FIRST).get_json()
    edited = patient.put(f"/api/v1/entries/{made['id']}", {**SECOND, "base_version": 1})
    assert edited.status_code == 200
    return made["id"]


def _delete_by_api(patient, object_id):
    assert patient.delete(f"/api/v1/entries/{object_id}?base_version=2").status_code == 204


def _delete_by_sync(patient, object_id):
    deleting = change(object_id, None, base=2, deleted=True)
    assert statuses(sync(patient, [deleting])) == [("applied", 3)]


def _delete_by_form(patient, object_id):
    token = form_token(patient.client, f"/entries/{object_id}/edit")
    form = {"csrf_token": token, "confirm": "yes", "base_version": "2"}
    assert patient.client.post(f"/entries/{object_id}/delete", data=form).status_code == 302


@pytest.mark.parametrize("delete", [_delete_by_api, _delete_by_sync, _delete_by_form])
def test_nothing_left_of_a_deleted_entry_gives_its_scores_or_notes_back(app, patient, delete):
    object_id = _made_and_edited(patient)
    # Before the delete, trying every score finds both versions (the search works).
    before = _hashes(app, object_id)
    assert _recovered(before) == {1: (7, 3, None, FIRST_NOTE), 2: (8, 2, None, SECOND_NOTE)}
    delete(patient, object_id)

    left = _hashes(app, object_id)
    assert list(left) == [3]  # the deletion's own fingerprint, for a resent delete
    tombstone = tombstones.TOMBSTONE["entry"] | {"day": DAY}
    assert left[3] == merge.content_hash(tombstone, True)  # it covers the day alone
    assert _recovered(left) == {}
    assert _mentions(app, [FIRST_NOTE, SECOND_NOTE]) == []
    stored = _stored_bytes(app)
    for text in (FIRST_NOTE, SECOND_NOTE, *before.values()):  # nor the removed hashes
        assert text.encode() not in stored, text


def test_a_change_from_before_the_delete_resent_is_a_conflict_and_brings_nothing_back(app, patient):
    """A phone that lost the answer to its edit sends it again after another device deleted
    the entry: the server no longer knows that edit was applied, so the patient is shown
    their edit beside the deletion, and the entry stays deleted until they choose."""
    object_id = str(uuid.uuid4())
    creating, editing = change(object_id, FIRST), change(object_id, SECOND, base=1)
    assert statuses(sync(patient, [creating])) == [("applied", 1)]
    assert statuses(sync(patient, [editing])) == [("applied", 2)]
    deleting = change(object_id, None, base=2, deleted=True)
    assert statuses(sync(patient, [deleting])) == [("applied", 3)]

    for resent in (editing, creating):
        (result,) = sync(patient, [resent])["results"]
        assert (result["status"], result["version"]) == ("conflict", 3)
        assert result["server"]["deleted"] and result["server"]["note"] == ""
    assert patient.get(f"/api/v1/entries/{object_id}").status_code == 404
    assert _recovered(_hashes(app, object_id)) == {}
    # The delete itself, resent, is recognised (its answer lost too).
    assert statuses(sync(patient, [deleting])) == [("duplicate", 3)]
    assert statuses(sync(patient, [change(object_id, None, base=1, deleted=True)])) == [
        ("duplicate", 3)
    ]
    # "Keep mine" sends the edit on the server's version: the patient's choice brings it back.
    assert statuses(sync(patient, [change(object_id, SECOND, base=3)])) == [("applied", 4)]
    assert patient.get(f"/api/v1/entries/{object_id}").get_json()["note"] == SECOND_NOTE


def test_a_record_deleted_again_forgets_the_versions_it_had_since(app, patient):
    object_id = _made_and_edited(patient)
    _delete_by_sync(patient, object_id)
    assert statuses(sync(patient, [change(object_id, FIRST, base=3)])) == [("applied", 4)]
    assert statuses(sync(patient, [change(object_id, None, base=4, deleted=True)])) == [
        ("applied", 5)
    ]
    assert list(_hashes(app, object_id)) == [5]
    assert _recovered(_hashes(app, object_id)) == {}


def test_the_migration_forgets_what_earlier_deletes_left(app, patient):
    """m019 on a database whose deletes kept every version's hash: only each deletion's
    own fingerprint stays, a tombstone still holding content is cleared, a live record's
    history is untouched, hashes of rows no table holds go, and the delete a phone may
    still resend is still a duplicate."""
    gone = _made_and_edited(patient)
    _delete_by_api(patient, gone)
    kept = _made_and_edited(patient)
    live_history = _hashes(app, kept)
    db_path = app.config["DATABASE"]
    app.extensions["diary.db"].close_all()
    orphan = str(uuid.uuid4())
    with sqlite3.connect(db_path) as old:  # what a delete left before m019
        for version, content in ((1, FIRST), (2, SECOND)):
            data = EntryData(**content).model_dump(mode="json")
            old.execute(
                "INSERT INTO revisions (id, version, hash) VALUES (?, ?, ?)",
                [gone, version, merge.content_hash(data, False)],
            )
        old.execute("INSERT INTO revisions (id, version, hash) VALUES (?, 1, 'f00d')", [orphan])
        old.execute("DELETE FROM _sqlite_migrations WHERE name = 'm019_deleted_records_forgotten'")
        # and a tombstone that kept a note (none should since m012)
        old.execute("UPDATE entries SET note = ? WHERE id = ?", [FIRST_NOTE, gone])
    assert _recovered(_hashes(app, gone)) == {
        1: (7, 3, None, FIRST_NOTE),
        2: (8, 2, None, SECOND_NOTE),
    }
    app.extensions["diary.db"].close_all()

    assert migrate(db_path) == ["m019_deleted_records_forgotten"]
    assert list(_hashes(app, gone)) == [3]
    assert _recovered(_hashes(app, gone)) == {}
    assert _hashes(app, kept) == live_history
    assert _hashes(app, orphan) == {}
    assert _mentions(app, [FIRST_NOTE]) == []
    assert statuses(sync(patient, [change(gone, None, base=2, deleted=True)])) == [("duplicate", 3)]
    # A replay of the live record's edit is still recognised.
    assert statuses(sync(patient, [change(kept, SECOND, base=1)])) == [("duplicate", 2)]
