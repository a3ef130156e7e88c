"""POST /api/v1/sync, the server side of the offline protocol (DESIGN.md section 4).

Each test sends what a phone's outbox would send and checks what the database holds
afterwards, not only the answer: replays must leave it as if sent once, a failed batch must
leave nothing, and one device's changes must reach another through the cursor.
"""

import json
import shutil
import sqlite3
import tempfile
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diary import create_app
from diary.db import backup, migrate
from diary.sync import merge, store, tombstones, validation
from diary.sync.rows import KINDS, data_fields, row_data
from tests.conftest import TEST_CONFIG, Api, change, statuses, sync

DAY = "2025-06-01"


def entry(leg=5, note="", day=DAY, **more):
    return {"day": day, "leg_pain": leg, "note": note, **more}


def tables(app):
    """Everything the sync touches, as plain tuples, for before/after comparisons."""
    db = app.extensions["diary.db"].get()
    return {
        name: sorted(tuple(row) for row in db.execute(f"SELECT * FROM {name}").fetchall())  # noqa: S608
        for name in ("entries", "therapies", "revisions", "change_seq")
    }


def ids(n):
    return [str(uuid.uuid4()) for _ in range(n)]


# ---- one status each ---------------------------------------------------------------------


def test_each_status_applied_duplicate_conflict_rejected(patient):
    a, b = ids(2)
    answer = sync(patient, [change(a, entry(5)), change(b, entry(7))])
    assert statuses(answer) == [("applied", 1), ("applied", 1)]

    # The same change again (its answer lost): duplicate, same version.
    assert statuses(sync(patient, [change(a, entry(5))])) == [("duplicate", 1)]

    # Another device moves ``a`` on; this device's edit from version 1 then conflicts and
    # carries the server's copy, which is left untouched.
    assert statuses(sync(patient, [change(a, entry(6), base=1)])) == [("applied", 2)]
    answer = sync(patient, [change(a, entry(9, note="mine"), base=1)])
    (result,) = answer["results"]
    assert (result["status"], result["version"]) == ("conflict", 2)
    assert result["server"]["leg_pain"] == 6 and result["server"]["version"] == 2
    assert patient.get(f"/api/v1/entries/{a}").get_json()["leg_pain"] == 6

    # Invalid content: rejected with the field and the reason.
    answer = sync(patient, [change(b, entry(11), base=1)])
    (result,) = answer["results"]
    assert result["status"] == "rejected"
    assert result["error"]["code"] == "invalid"
    assert "data.leg_pain" in result["error"]["fields"]


@pytest.mark.parametrize(
    "newer",
    [
        lambda a: change(a, entry(9, note="newer"), base=2),
        lambda a: change(a, base=2, deleted=True),
    ],
    ids=["edit", "delete"],
)
@pytest.mark.parametrize(
    "unanswered",
    [lambda a: change(a, entry(7, note="mine"), base=1), lambda a: change(a, entry(11), base=1)],
    ids=["conflicting", "invalid"],
)
def test_a_change_built_on_a_change_not_applied_in_the_same_batch_waits(patient, unanswered, newer):
    """A phone resends an edit whose answer it lost, then its newer state on top (base one
    up). When the first was not applied (another device edited meanwhile, or it is refused),
    the second must not land on the other device's version: both wait for the patient."""
    (a,) = ids(1)
    sync(patient, [change(a, entry(4, note="first"))])
    other = patient.put(
        f"/api/v1/entries/{a}", {**entry(3, note="other device"), "base_version": 1}
    )
    assert other.get_json()["version"] == 2
    answer = sync(patient, [unanswered(a), newer(a)])
    first, second = answer["results"]
    assert first["status"] in ("conflict", "rejected")
    assert (second["status"], second["version"]) == ("conflict", 2)
    assert second["server"]["note"] == "other device"
    kept = patient.get(f"/api/v1/entries/{a}").get_json()
    assert (kept["version"], kept["note"], kept["deleted"]) == (2, "other device", False)


def test_a_change_built_on_a_duplicate_in_the_same_batch_applies(patient):
    """The usual lost answer: the first change was applied; the newer one builds on it."""
    (a,) = ids(1)
    sync(patient, [change(a, entry(4))])
    sync(patient, [change(a, entry(7), base=1)])  # applied; its answer lost
    answer = sync(patient, [change(a, entry(7), base=1), change(a, entry(9), base=2)])
    assert statuses(answer) == [("duplicate", 2), ("applied", 3)]


def test_an_edit_equal_to_the_server_is_a_duplicate_whatever_its_base(patient):
    a = str(uuid.uuid4())
    sync(patient, [change(a, entry(5))])
    sync(patient, [change(a, entry(6), base=1)])
    # From an old base, but the same content as the server holds: nothing to resolve.
    assert statuses(sync(patient, [change(a, entry(6), base=1)])) == [("duplicate", 2)]


def test_defaults_are_filled_before_comparing(patient):
    a = str(uuid.uuid4())
    sync(patient, [change(a, entry(5))])
    full = {**entry(5), "regions": {}, "activities": {}, "red_flags": [], "back_pain": None}
    assert statuses(sync(patient, [change(a, full, base=1)])) == [("duplicate", 1)]


def test_a_base_version_ahead_of_the_server_is_rejected(patient):
    a = str(uuid.uuid4())
    sync(patient, [change(a, entry(5))])
    (result,) = sync(patient, [change(a, entry(6), base=3)])["results"]
    assert result["status"] == "rejected"
    assert result["error"]["code"] == "version_ahead"
    assert "base_version" in result["error"]["fields"]
    # An edit of an id the server never had is ahead of it too.
    (result,) = sync(patient, [change(uuid.uuid4(), entry(6), base=1)])["results"]
    assert (result["status"], result["error"]["code"]) == ("rejected", "version_ahead")


THERAPY = {"kind": "surgery", "start_day": DAY}


def test_another_users_id_is_rejected_and_nothing_of_theirs_shows(patient, make_api, app):
    other = make_api()
    other.register(email="other@example.org", name="Other")
    theirs = str(uuid.uuid4())
    sync(other, [change(theirs, entry(3, note="private"))])
    before = tables(app)
    for attempt, code in (
        (change(theirs, entry(9)), "id_taken"),  # as a create
        (change(theirs, THERAPY, kind="therapy"), "id_taken"),  # as a create of another kind
        (change(theirs, entry(9), base=1), "not_found"),  # as an edit
        (change(theirs, None, base=1, deleted=True), "not_found"),  # as a delete
    ):
        (result,) = sync(patient, [attempt])["results"]
        assert result["status"] == "rejected"
        assert result["error"]["code"] == code
        assert "server" not in result and "private" not in str(result)
    assert tables(app) == before
    assert other.get(f"/api/v1/entries/{theirs}").get_json()["note"] == "private"


def test_an_id_used_by_another_kind_is_rejected_and_the_rest_of_the_batch_applies(patient, app):
    shared, after = ids(2)
    sync(patient, [change(shared, entry(4))])
    answer = sync(
        patient,
        [change(shared, THERAPY, kind="therapy"), change(after, entry(6))],
    )
    assert statuses(answer) == [("rejected", None), ("applied", 1)]
    rejected = answer["results"][0]
    assert rejected["error"]["code"] == "id_taken" and "id" in rejected["error"]["fields"]
    assert patient.get("/api/v1/therapies").get_json()["therapies"] == []
    assert patient.get(f"/api/v1/entries/{after}").status_code == 200
    # The reverse: an entry with a therapy's id.
    therapy_id = str(uuid.uuid4())
    sync(patient, [change(therapy_id, THERAPY, kind="therapy")])
    (result,) = sync(patient, [change(therapy_id, entry(2))])["results"]
    assert (result["status"], result["error"]["code"]) == ("rejected", "id_taken")


def test_ids_created_earlier_in_the_same_batch_are_known_to_the_rest_of_it(patient, make_api, app):
    # The batch looks its ids up once: what it creates itself must still count for the
    # changes after it, and an id it never looked up (upper case) is the same id.
    other = make_api()
    other.register(email="other@example.org", name="Other")
    theirs, fresh, solo = ids(3)
    sync(other, [change(theirs, entry(3))])
    answer = sync(
        patient,
        [
            change(fresh, entry(4)),
            change(fresh, THERAPY, kind="therapy"),  # the id is the batch's entry now
            change(fresh.upper(), entry(5), base=1),
            change(fresh, entry(4)),  # an old version again: a replay, not a conflict
            change(fresh, None, base=2, deleted=True),
            change(theirs, entry(9)),
            change(solo, THERAPY, kind="therapy"),
            change(solo, entry(1)),
        ],
    )
    assert statuses(answer) == [
        ("applied", 1),
        ("rejected", None),
        ("applied", 2),
        ("duplicate", 1),
        ("applied", 3),
        ("rejected", None),
        ("applied", 1),
        ("rejected", None),
    ]
    codes = [r["error"]["code"] for r in answer["results"] if r["status"] == "rejected"]
    assert codes == ["id_taken", "id_taken", "id_taken"]
    assert patient.get(f"/api/v1/entries/{fresh}").status_code == 404  # deleted
    assert patient.get(f"/api/v1/therapies/{solo}").status_code == 200
    assert len(tables(app)["therapies"]) == 1


def test_one_invalid_change_is_rejected_alone(patient):
    good1, bad, good2 = ids(3)
    answer = sync(
        patient,
        [
            change(good1, entry(4)),
            change(bad, {"day": DAY, "leg_pain": "four"}),
            {"kind": "entry", "id": "not-a-uuid", "data": entry(1)},
            change(good2, {"kind": "physiotherapy", "start_day": DAY}, kind="therapy"),
        ],
    )
    assert [r["status"] for r in answer["results"]] == [
        "applied",
        "rejected",
        "rejected",
        "applied",
    ]
    assert answer["results"][1]["error"]["fields"] == {"data.leg_pain": "must be a whole number"}
    assert "id" in answer["results"][2]["error"]["fields"]
    assert patient.get(f"/api/v1/entries/{good1}").status_code == 200
    assert patient.get(f"/api/v1/entries/{bad}").status_code == 404
    assert patient.get(f"/api/v1/therapies/{good2}").status_code == 200


def test_a_delete_leaves_a_tombstone_and_replays_as_duplicate(patient):
    a = str(uuid.uuid4())
    sync(patient, [change(a, entry(5))])
    assert statuses(sync(patient, [change(a, None, base=1, deleted=True)])) == [("applied", 2)]
    assert statuses(sync(patient, [change(a, None, base=1, deleted=True)])) == [("duplicate", 2)]
    assert patient.get(f"/api/v1/entries/{a}").status_code == 404


SECRET = "told nobody, qx9"
RECORDS = {
    "entry": entry(
        7,
        note=SECRET,
        back_pain=4,
        regions={"l_calf_back": "pain"},
        activities={"walking": 3},
        red_flags=["saddle_numbness"],
    ),
    "therapy": {"kind": "surgery", "label": SECRET, "start_day": DAY, "notes": SECRET},
    "medication": {
        "name": SECRET,
        "strength": "75",
        "unit": "mg",
        "schedule": "regular",
        "start_day": DAY,
        "changes": [{"day": DAY, "dose": SECRET}],
    },
    "response": {"questionnaire": "rmdq", "day": DAY, "answers": {"1": True, "2": True}},
}


def test_what_a_delete_clears_is_each_kinds_content_and_leaves_what_makes_a_row():
    for kind in KINDS:
        assert set(tombstones.TOMBSTONE[kind]) <= set(data_fields(kind)), kind
    assert "day" not in tombstones.TOMBSTONE["entry"] and "note" in tombstones.TOMBSTONE["entry"]


def _stored(app):
    database = Path(app.config["DATABASE"])
    return b"".join(f.read_bytes() for f in database.parent.glob(database.name + "*"))


@pytest.mark.parametrize("kind", sorted(RECORDS))
def test_a_delete_keeps_nothing_the_patient_wrote(app, patient, kind):
    """A deleted record is a tombstone: no note, score, name or answer stays on the server
    or reaches another phone; the delete still replays as a duplicate."""
    (a,) = ids(1)
    assert statuses(sync(patient, [change(a, RECORDS[kind], kind=kind)])) == [("applied", 1)]
    deleting = change(a, None, base=1, deleted=True, kind=kind)
    assert statuses(sync(patient, [deleting])) == [("applied", 2)]
    assert statuses(sync(patient, [deleting])) == [("duplicate", 2)]
    (tombstone,) = [c for c in sync(patient, [], cursor=None)["changes"] if c["id"] == a]
    assert tombstone["deleted"] and tombstone["version"] == 2
    assert tombstone["data"] == {**tombstone["data"], **tombstones.TOMBSTONE[kind]}
    assert SECRET not in json.dumps(tombstone) and "l_calf_back" not in json.dumps(tombstone)
    # An edit made elsewhere from before the delete is a conflict, not brought back.
    stale = change(a, RECORDS[kind], base=1, kind=kind)
    assert statuses(sync(patient, [stale])) == [("conflict", 2)]
    with app.app_context():
        app.extensions["diary.db"].get().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert SECRET.encode() not in _stored(app)


def test_records_deleted_before_the_upgrade_are_cleared_and_their_deletes_still_replay(
    app, patient
):
    """Migration m012: a tombstone that kept its content (as deletes did before) is
    cleared, given a new change number, and the delete a phone may still resend is still
    a duplicate."""
    (a,) = ids(1)
    sync(patient, [change(a, RECORDS["entry"])])
    db_path = app.config["DATABASE"]
    app.extensions["diary.db"].close_all()
    with sqlite3.connect(db_path) as old:  # a delete as it was made before m012
        row = old.execute("SELECT seq FROM entries WHERE id = ?", [a]).fetchone()
        old.execute("UPDATE entries SET deleted = 1, version = 2 WHERE id = ?", [a])
        kept = row_data("entry", {**_row(old, a), "deleted": 1})
        old.execute(
            "INSERT INTO revisions (id, version, hash) VALUES (?, 2, ?)",
            [a, merge.content_hash(kept, True)],
        )
        old.execute("DELETE FROM _sqlite_migrations WHERE name = 'm012_deleted_content_cleared'")
    assert migrate(db_path) == ["m012_deleted_content_cleared"]
    with sqlite3.connect(db_path) as new:
        cleared = _row(new, a)
    assert cleared["note"] == "" and cleared["leg_pain"] is None and cleared["version"] == 2
    assert cleared["seq"] > row[0]
    assert statuses(sync(patient, [change(a, None, base=1, deleted=True)])) == [("duplicate", 2)]
    assert SECRET not in json.dumps(sync(patient, [], cursor=None))


def _row(conn, object_id):
    conn.row_factory = sqlite3.Row
    return dict(conn.execute("SELECT * FROM entries WHERE id = ?", [object_id]).fetchone())


# ---- replays and transactions ------------------------------------------------------------


@pytest.mark.parametrize("times", [2, 5])
def test_replaying_a_batch_leaves_the_database_as_once(patient, app, times):
    a, b, c = ids(3)
    sync(patient, [change(c, entry(2))])
    batch = [
        change(a, entry(5)),
        change(a, entry(6, note="later"), base=1),
        change(b, {"kind": "surgery", "start_day": DAY}, kind="therapy"),
        change(c, None, base=1, deleted=True),
    ]
    first = sync(patient, batch)
    assert statuses(first) == [("applied", 1), ("applied", 2), ("applied", 1), ("applied", 2)]
    once = tables(app)
    for _ in range(times - 1):
        again = sync(patient, batch)
        assert [r["status"] for r in again["results"]] == ["duplicate"] * 4
        assert [r["version"] for r in again["results"]] == [1, 2, 1, 2]
    assert tables(app) == once


def test_a_batch_is_all_or_nothing(patient, app, monkeypatch):
    before = tables(app)
    real = store.apply_change
    calls = {"n": 0}

    def fail_on_third(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("the connection dropped")
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "apply_change", fail_on_third)
    batch = [change(i, entry(n)) for n, i in enumerate(ids(5))]
    response = patient.post("/api/v1/sync", {"cursor": None, "changes": batch})
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "server_error"
    assert tables(app) == before

    # Sent again once the server is well, the whole batch applies, exactly once.
    monkeypatch.setattr(store, "apply_change", real)
    assert [r["status"] for r in sync(patient, batch)["results"]] == ["applied"] * 5
    assert len(tables(app)["entries"]) == 5


# ---- the cursor --------------------------------------------------------------------------


def test_a_second_device_catches_up_through_the_cursor(patient, app):
    phone = patient
    tablet = Api(app.test_client())
    tablet.signin()
    start = sync(tablet, [])
    assert start["changes"] == [] and start["more"] is False

    a, b, t = ids(3)
    sync(phone, [change(a, entry(5)), change(b, entry(6))])
    sync(phone, [change(t, {"kind": "nerve_block", "start_day": DAY}, kind="therapy")])
    sync(phone, [change(a, entry(7), base=1), change(b, None, base=1, deleted=True)])

    caught = sync(tablet, [], cursor=start["cursor"])
    seen = {(c["kind"], c["id"]): c for c in caught["changes"]}
    assert set(seen) == {("entry", a), ("entry", b), ("therapy", t)}
    assert (seen["entry", a]["version"], seen["entry", a]["data"]["leg_pain"]) == (2, 7)
    assert seen["entry", b]["deleted"] is True  # the tombstone reaches the tablet
    assert seen["therapy", t]["data"]["kind"] == "nerve_block"

    # Nothing new since: an empty answer, and the cursor stays put.
    again = sync(tablet, [], cursor=caught["cursor"])
    assert again["changes"] == []
    assert again["cursor"] == caught["cursor"]


def test_changes_of_other_patients_never_reach_the_cursor(patient, make_api):
    other = make_api()
    other.register(email="other@example.org", name="Other")
    sync(other, [change(uuid.uuid4(), entry(3))])
    assert sync(patient, [])["changes"] == []


def test_a_cursor_we_did_not_give_out_is_refused(patient):
    response = patient.post("/api/v1/sync", {"cursor": "bm9wZQ", "changes": []})
    assert response.status_code == 422
    assert "cursor" in response.get_json()["error"]["fields"]


def test_a_phone_synced_past_a_restored_copy_pulls_again_from_the_start(app, patient, tmp_path):
    """Restored from a copy older than a phone's last sync, the server has made fewer
    changes than the phone's cursor says: it refuses the cursor (422) and the phone pulls
    from the start, so changes made after the restore are not skipped."""
    a, b, c = ids(3)
    sync(patient, [change(a, entry(4))])
    copy = tmp_path / "copy.sqlite3"
    backup(app.config["DATABASE"], copy)
    phone = sync(patient, [change(b, entry(5))])["cursor"]
    app.extensions["diary.db"].close_all()
    restore(copy, app.config["DATABASE"])
    # Made after the restore, numbered as b was: a phone pulling after b would skip it.
    sync(patient, [change(c, entry(6))])
    refused = patient.post("/api/v1/sync", {"cursor": phone, "changes": []})
    assert refused.status_code == 422 and "cursor" in refused.get_json()["error"]["fields"]
    pulled = {row["id"] for row in sync(patient, [], cursor=None)["changes"]}
    assert pulled == {a, c}


def test_a_database_restored_by_other_means_gets_a_new_epoch_by_command(app, patient, runner):
    phone = sync(patient, [change(ids(1)[0], entry(4))])["cursor"]
    result = runner.invoke(args=["sync-epoch"])
    assert result.exit_code == 0 and "every phone pulls everything" in result.output
    refused = patient.post("/api/v1/sync", {"cursor": phone, "changes": []})
    assert refused.status_code == 422 and "cursor" in refused.get_json()["error"]["fields"]


def restore(copy, database):
    """What an operator's restore does: the copy in place of the database, its log gone."""
    for suffix in ("-wal", "-shm"):
        Path(str(database) + suffix).unlink(missing_ok=True)
    shutil.copyfile(copy, database)


def test_pulls_page_with_more(patient, app, monkeypatch):
    from diary.api import sync as sync_api

    assert sync_api.PULL_PAGE == 500  # a first pull of five years comes in pieces of 500
    monkeypatch.setattr(sync_api, "PULL_PAGE", 2)
    sync(patient, [change(i, entry(1)) for i in ids(5)])
    cursor, seen, rounds = None, [], 0
    while True:
        answer = sync(patient, [], cursor=cursor)
        seen += [c["id"] for c in answer["changes"]]
        cursor, rounds = answer["cursor"], rounds + 1
        if not answer["more"]:
            break
    assert len(seen) == len(set(seen)) == 5 and rounds == 3


# ---- limits ------------------------------------------------------------------------------


def test_more_than_1000_changes_is_413_naming_the_limits(patient, app):
    before = tables(app)
    response = patient.post(
        "/api/v1/sync", {"cursor": None, "changes": [change(i, entry(1)) for i in ids(1001)]}
    )
    assert response.status_code == 413
    error = response.get_json()["error"]
    assert error["code"] == "too_large"
    assert "1,000 changes" in error["message"] and "2 MB" in error["message"]
    assert response.get_json()["limits"] == {"changes": 1000, "bytes": 2 * 1024 * 1024}
    assert tables(app) == before


def test_exactly_1000_changes_are_accepted(patient):
    answer = sync(patient, [change(i, entry(1)) for i in ids(1000)])
    assert {r["status"] for r in answer["results"]} == {"applied"}


def test_more_than_2_mb_is_413_naming_the_limits(patient, app):
    before = tables(app)
    # Changes of about 3.6 kB until just past 2 MB: under the count limit, over the size.
    changes, size = [], 0
    while size <= 2 * 1024 * 1024:
        changes.append(change(uuid.uuid4(), entry(1, note="x" * 3500)))
        size = len(json.dumps({"cursor": None, "changes": changes}))
    assert len(changes) < 1000
    response = patient.post("/api/v1/sync", {"cursor": None, "changes": changes})
    assert response.status_code == 413
    error = response.get_json()["error"]
    assert error["code"] == "too_large"
    assert "1,000 changes" in error["message"] and "2 MB" in error["message"]
    assert tables(app) == before


def test_far_more_than_2_mb_is_still_a_json_413(patient, app):
    # Past the app-wide MAX_CONTENT_LENGTH the body is refused before the sync view runs.
    changes = [change(uuid.uuid4(), entry(1, note="x" * 3500)) for _ in range(900)]
    response = patient.post("/api/v1/sync", {"cursor": None, "changes": changes})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
    assert len(tables(app)["entries"]) == 0


# ---- the property: duplicated, reordered delivery == each change once -----------------


@st.composite
def delivery_plans(draw):
    """One device's outbox as chains of changes per entry, split into batches, and an order
    of delivery that repeats batches at random and swaps batches touching disjoint entries."""
    n_entries = draw(st.integers(1, 4))
    chains = {}
    for n in range(n_entries):
        object_id = str(uuid.UUID(int=n + 1))
        length = draw(st.integers(1, 4))
        chain = []
        for version in range(1, length + 1):
            if version > 1 and version == length and draw(st.booleans()):
                chain.append(change(object_id, None, base=version - 1, deleted=True))
            else:
                leg = draw(st.integers(0, 10))
                data = entry(leg, note=f"edit {version}")  # each edit differs from the last
                chain.append(change(object_id, data, base=version - 1 or None))
        chains[object_id] = chain
    # Interleave the chains in one outbox order, keeping each chain's own order.
    queue = {k: list(v) for k, v in chains.items()}
    outbox = []
    while any(queue.values()):
        key = draw(st.sampled_from(sorted(k for k, v in queue.items() if v)))
        outbox.append(queue[key].pop(0))
    # Cut it into batches.
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(outbox) - 1)), max_size=4)))
    bounds = [0, *[c for c in cuts if c < len(outbox)], len(outbox)]
    batches = [outbox[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
    # First deliveries: any order in which batches sharing an entry keep their order.
    touched = [{c["id"] for c in batch} for batch in batches]
    remaining = list(range(len(batches)))
    order = []
    while remaining:
        ready = [
            i
            for i in remaining
            if not any(j < i and touched[j] & touched[i] for j in remaining if j != i)
        ]
        pick = draw(st.sampled_from(ready))
        order.append(pick)
        remaining.remove(pick)
    # Duplicates: any batch again, any number of times, any time after it was first sent.
    for _ in range(draw(st.integers(0, 6))):
        i = draw(st.sampled_from(range(len(batches))))
        position = draw(st.integers(order.index(i) + 1, len(order)))
        order.insert(position, i)
    return chains, batches, order


def final_rows(app):
    """Rows as a device would see them: content, version and deletion, not timestamps."""
    db = app.extensions["diary.db"].get()
    columns = [*data_fields("entry"), "id", "version", "deleted"]
    query = f"SELECT {', '.join(columns)} FROM entries ORDER BY id"  # noqa: S608
    return [tuple(row) for row in db.execute(query).fetchall()]


def fresh_patient(folder, name):
    app = create_app({**TEST_CONFIG, "DATABASE": str(Path(folder) / f"{name}.sqlite3")})
    api = Api(app.test_client())
    api.register()
    return app, api


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(delivery_plans())
def test_duplicated_and_reordered_delivery_equals_each_change_once(plan):
    chains, batches, order = plan
    with tempfile.TemporaryDirectory() as folder:
        once_app, once = fresh_patient(folder, "once")
        messy_app, messy = fresh_patient(folder, "messy")
        try:
            for batch in batches:
                answer = sync(once, batch)
                assert {r["status"] for r in answer["results"]} == {"applied"}
            deleted = set()  # entries whose delete the server has had
            for i in order:
                answer = sync(messy, batches[i])
                # A replay is recognised; it never turns into a rejection, and into a
                # conflict only once its entry is deleted: a delete forgets what the
                # versions before it held, so a change from before it is shown to the
                # patient beside the deletion (docs/sync-protocol.md), never applied.
                for sent, result in zip(batches[i], answer["results"], strict=True):
                    if result["status"] == "conflict":
                        assert sent["id"] in deleted and result["server"]["deleted"]
                    else:
                        assert result["status"] in ("applied", "duplicate")
                deleted |= {c["id"] for c in batches[i] if c["deleted"]}
            assert final_rows(messy_app) == final_rows(once_app)
            # And both are what the chains say: the last version of each entry.
            expected = {k: (len(c), c[-1]["deleted"]) for k, c in chains.items()}
            got = {row[-3]: (row[-2], bool(row[-1])) for row in final_rows(messy_app)}
            assert got == expected
        finally:
            once_app.extensions["diary.db"].close_all()
            messy_app.extensions["diary.db"].close_all()


# ---- one validation for a valid change ---------------------------------------------------

SOME_DATA = {
    "entry": [
        entry(4),
        entry(4.0, note="  spaces  ", regions={"r_calf_back": "numb", "c_low_back": "pain"}),
        {"day": DAY, "back_pain": 3, "activities": {"walking": 2, "sitting": 1.0}},
        {"day": DAY, "leg_pain": "4"},
        {"day": DAY},
        {"day": "2099-01-01", "leg_pain": 1},
        {"day": DAY, "leg_pain": 1, "regions": {"tail": "pain"}},
        {"day": DAY, "leg_pain": 1, "surprise": True},
    ],
    "therapy": [THERAPY, {"kind": "surgery", "start_day": DAY, "end_day": DAY}],
    "medication": [
        {"name": "Ibuprofen", "schedule": "as_needed", "start_day": DAY},
        {
            "name": " Pregabalin ",
            "schedule": "regular",
            "start_day": "2025-05-01",
            "changes": [{"day": DAY, "dose": "75 mg"}, {"day": "2025-05-01", "dose": "50 mg"}],
        },
        {"name": "x", "schedule": "sometimes", "start_day": DAY},
    ],
    "dose": [
        {"medication_id": str(uuid.UUID(int=7)), "taken_at": "2025-05-03T08:15:00+02:00"},
        {"medication_id": "nope", "taken_at": "2025-05-03T08:15:00Z"},
    ],
    "response": [
        {"questionnaire": "odi", "day": DAY, "answers": {"total": 46}},
        {"questionnaire": "pgic", "day": DAY, "answers": {"1": 2}},
        {"questionnaire": "rmdq", "day": DAY, "answers": {"1": True, "2": "yes"}},
    ],
}
ANY_DATA = [d for datas in SOME_DATA.values() for d in datas]


@st.composite
def raw_changes(draw):
    """Changes as a phone, an older phone or a hostile client might send them."""
    kind = draw(st.sampled_from([*SOME_DATA, "bogus", 3, None, ["entry"]]))
    raw = {
        "kind": kind,
        "id": draw(st.sampled_from([str(uuid.UUID(int=1)), str(uuid.UUID(int=2)).upper(), "x"])),
        "base_version": draw(st.sampled_from([None, 1, 2, "2", 2.0, 2.5, True, 0, -1, 2**64])),
        "deleted": draw(st.sampled_from([False, True, "yes", 0, 1, None])),
        "data": draw(st.sampled_from([*SOME_DATA.get(str(kind), []), *ANY_DATA, None, "text", []])),
    }
    for key in draw(st.sets(st.sampled_from([*raw, "extra"]), max_size=2)):
        raw.pop(key) if key in raw else raw.update({key: 1})
    return raw


@settings(max_examples=300, deadline=None)
@given(raw_changes())
def test_a_change_valid_in_one_validation_is_exactly_what_two_steps_give(raw):
    from pydantic import ValidationError

    from diary.schemas import SyncChange

    # The two steps whose errors the answers name: the envelope, then the kind's data.
    try:
        envelope = SyncChange.model_validate(raw)
        data, fields = (None, None)
        if not envelope.deleted:
            data, fields = validation.validate_change(envelope.kind, envelope.data or {})
            fields = fields or ({"data": "is required"} if envelope.data is None else None)
    except ValidationError:
        envelope, fields = None, {"envelope": "invalid"}
    once = validation.valid_sync_change(raw)
    if fields:
        assert once is None  # nothing the two steps refuse passes the one validation
    elif once is None:
        # All they accept passes it too, but a delete whose (unused) data is not valid.
        assert envelope.deleted
    else:
        kept = ("kind", "id", "base_version", "deleted")
        assert [getattr(once, k) for k in kept] == [getattr(envelope, k) for k in kept]
        if not once.deleted:
            assert type(once.data) is type(data)
            assert once.data.model_dump() == data.model_dump()
