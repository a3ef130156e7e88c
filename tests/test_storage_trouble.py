"""A full or read-only disk answers 503 with a clear message, writes nothing, corrupts nothing.

SQLite's own limits stand in for the disk: ``max_page_count`` makes the database fill up
(SQLITE_FULL, as a full disk does) and ``query_only`` makes it refuse writes (SQLITE_READONLY,
as a read-only mount does), on the very connection the requests use.
"""

import pytest

from tests.conftest import form_token

ENTRY = {"day": "2026-01-05", "leg_pain": 4, "note": "x" * 2000}


def connection(app):
    # The test client runs requests on this thread: this is their connection.
    return app.extensions["diary.db"].get()


def count(app):
    return connection(app).execute("SELECT COUNT(*) FROM entries").fetchone()[0]


@pytest.fixture(params=["full", "read-only"])
def trouble(request, app, patient):
    db = connection(app)
    if request.param == "full":
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages + 3}")  # room for a few entries only
    else:
        db.execute("PRAGMA query_only = ON")
    yield request.param
    db.execute("PRAGMA query_only = OFF")
    db.execute("PRAGMA max_page_count = 1073741823")


def save_until_refused(send, app, limit=60):
    """Save until the server refuses; return (answers accepted, the refusal)."""
    for accepted in range(limit):
        before = count(app)
        response = send()
        if response.status_code != 201 and response.status_code != 302:
            assert count(app) == before  # the refused save left nothing behind
            return accepted, response
        assert count(app) == before + 1
    raise AssertionError("the disk never filled up")


def test_a_save_is_503_with_words_and_nothing_is_written(app, patient, trouble):
    accepted, response = save_until_refused(lambda: patient.post("/api/v1/entries", ENTRY), app)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    error = response.get_json()["error"]
    assert error["code"] == "storage_unavailable"
    assert "your phone keeps your changes" in error["message"]
    assert count(app) == accepted
    assert connection(app).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_sync_batch_is_refused_whole_so_the_phone_keeps_it(app, patient, trouble):
    changes = [
        {"kind": "entry", "id": f"3f2b8c1e-4d5a-4b6c-9e7f-{n:012d}", "data": ENTRY}
        for n in range(40)
    ]
    response = patient.post("/api/v1/sync", {"cursor": None, "changes": changes})
    assert response.status_code == 503  # sync.js keeps its outbox on any 5xx and tries later
    assert count(app) == 0


def test_the_page_says_it_in_words(app, client, patient, trouble):
    token = form_token(client, "/today")
    form = {"csrf_token": token, "day": ENTRY["day"], "leg_pain": "4", "note": ENTRY["note"]}
    _, response = save_until_refused(lambda: client.post("/today", data=form), app)
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "Saving is paused" in html and "your phone keeps your changes" in html


def test_once_the_disk_has_room_again_everything_works_and_the_file_is_sound(app, patient):
    db = connection(app)
    db.execute("PRAGMA query_only = ON")
    assert patient.post("/api/v1/entries", ENTRY).status_code == 503
    db.execute("PRAGMA query_only = OFF")
    assert patient.post("/api/v1/entries", ENTRY).status_code == 201
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
