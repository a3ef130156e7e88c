"""Rate limits count once for the whole machine, not once per worker process
(diary/rate_limit_store.py): five failed sign-ins a minute means five, however many
gunicorn workers answer them, and the file that counts them names nobody.
"""

import sqlite3
import stat

import pytest
import requests

from diary import rate_limit_store
from diary.rate_limit_store import SQLiteStorage
from tests.test_reliability import CHEAP_HASH, Phone, Server

EMAIL = "limits@example.org"


def wrong_password(url):
    http = requests.Session()
    token = http.get(url + "/api/v1/session", timeout=30).json()["csrf_token"]
    return http.post(
        url + "/api/v1/session",
        json={"email": EMAIL, "password": "not the password at all"},
        headers={"X-CSRFToken": token},
        timeout=30,
    )


def test_two_processes_serving_one_diary_count_failed_sign_ins_together(tmp_path):
    # Two servers of one worker each on one instance folder: two processes sharing the
    # diary's file, as gunicorn's workers do, but each request's process known.
    first = Server(tmp_path, config=CHEAP_HASH).start(workers=1)
    second = Server(tmp_path, config=CHEAP_HASH).start(workers=1)
    try:
        Phone(first.url, EMAIL).register()
        answers = [wrong_password(server.url) for server in [first, second] * 4]
        # Counted per process, each would have allowed its own five: eight 401s.
        assert [a.status_code for a in answers] == [401] * 5 + [429] * 3
        assert {a.json()["error"]["code"] for a in answers[5:]} == {"rate_limited"}
    finally:
        first.stop()
        second.stop()
    counts = tmp_path / "diary.limits.sqlite3"
    assert stat.S_IMODE(counts.stat().st_mode) == 0o600
    kept = b"".join(p.read_bytes() for p in tmp_path.glob("diary.limits.sqlite3*"))
    assert kept and EMAIL.encode() not in kept and b"127.0.0.1" not in kept


@pytest.fixture
def storage(tmp_path, monkeypatch):
    clock = {"now": 1_000_000.0}
    monkeypatch.setattr(rate_limit_store.time, "time", lambda: clock["now"])
    store = SQLiteStorage(rate_limit_store.uri_beside(str(tmp_path / "x.sqlite3")), key_secret="k")
    store.clock = clock
    return store


def rows(store):
    with sqlite3.connect(store.path) as db:
        return db.execute("SELECT COUNT(*) FROM counts").fetchone()[0]


def test_a_window_counts_until_it_ends_then_a_new_one_starts(storage):
    assert [storage.incr("a", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.incr("a", 60, amount=2) == 5
    assert storage.get("a") == 5 and storage.get("b") == 0
    assert storage.get_expiry("a") == 1_000_060.0
    storage.clock["now"] += 59
    assert storage.get("a") == 5  # the window is fixed: later counts do not extend it
    storage.incr("b", 600)
    storage.clock["now"] += 1
    assert storage.get("a") == 0 and storage.get_expiry("a") == storage.clock["now"]
    assert storage.incr("a", 60) == 1
    assert storage.get_expiry("a") == storage.clock["now"] + 60
    storage.clock["now"] += 61
    storage.incr("c", 60)
    assert rows(storage) == 2  # "a"'s ended window is gone; "b"'s and "c"'s remain
    storage.clear("b")
    assert storage.get("b") == 0 and storage.check()
    assert storage.reset() == 1 and rows(storage) == 0


def test_counts_under_another_secret_are_other_counts(storage):
    storage.incr("a", 60)
    other = SQLiteStorage(f"{rate_limit_store.SCHEME}://{storage.path}", key_secret="other")
    assert other.get("a") == 0 and storage.get("a") == 1


FULL = sqlite3.OperationalError("database or disk is full")


def test_a_failed_sign_in_that_cannot_be_counted_is_refused_not_a_free_guess(app, api, monkeypatch):
    api.register()
    api.signout()

    def full(*args, **kwargs):
        raise FULL

    monkeypatch.setattr(SQLiteStorage, "incr", full)
    wrong = api.signin(password="wrong password here")
    assert wrong.status_code == 503 and wrong.get_json()["error"]["code"] == "storage_unavailable"
    assert api.signin().status_code == 200  # a right password is not a guess to count
    api.signout()
    monkeypatch.setattr(SQLiteStorage, "get", full)
    assert api.signin().status_code == 503  # the check itself cannot read the counts
