"""Proof under load and faults, against the app as deployed: gunicorn, 2 sync workers, a real
SQLite file, HTTP from several threads at once.

- 8 phones sync 250 entries each, every batch twice and out of order: exactly 2,000 rows.
- The server killed with SIGKILL in the middle of 1,000-change syncs: after a restart the
  file is sound, every acknowledged change is there and no batch is half there.
- A backup taken while phones write opens and is consistent.
- A burst of 20 sign-ins at the real password-hash cost does not exhaust memory.
"""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from bench.served import free_port, start, stop

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "a calm river at dawn"
CHEAP_HASH = "ARGON2_TIME_COST = 1\nARGON2_MEMORY_COST_KIB = 8\n"
LIMITS = "SIGNIN_FAILURE_LIMIT = '100000 per minute'\nREGISTRATION_LIMIT = '100000 per minute'\n"


class Server:
    """diary under gunicorn (2 sync workers) on its own instance folder."""

    def __init__(self, instance: Path, config: str = CHEAP_HASH + LIMITS):
        self.instance = instance
        (instance / "config.py").write_text(config)
        self.env = {
            **os.environ,
            "DIARY_INSTANCE_PATH": str(instance),
            "DIARY_SECRET_KEY": "reliability",
        }
        self.process = None

    def start(self, workers=2):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = start("wsgi:app", self.env, self.port, workers=workers)
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            stop(self.process)

    def kill(self):
        """SIGKILL to gunicorn and its workers at once: no cleanup of any kind."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def db(self):
        return sqlite3.connect(self.instance / "diary.sqlite3")

    def workers_rss_mb(self):
        out = subprocess.run(
            ["ps", "-o", "rss=", "--ppid", str(self.process.pid)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        return [int(kb) / 1024 for kb in out]


class Phone:
    """One device's session: the session cookie and the CSRF header, as the PWA sends them."""

    def __init__(self, url, email):
        self.url, self.email = url, email
        self.http = requests.Session()

    def token(self):
        return self.http.get(self.url + "/api/v1/session", timeout=30).json()["csrf_token"]

    def register(self):
        body = {"email": self.email, "password": PASSWORD, "name": "Phone", "role": "patient"}
        answer = self.http.post(
            self.url + "/api/v1/users", json=body, headers={"X-CSRFToken": self.token()}, timeout=30
        )
        assert answer.status_code == 201, answer.text
        self.csrf = answer.json()["csrf_token"]
        return self

    def sign_in(self):
        answer = self.http.post(
            self.url + "/api/v1/session",
            json={"email": self.email, "password": PASSWORD},
            headers={"X-CSRFToken": self.token()},
            timeout=60,
        )
        return answer

    def sync(self, changes, timeout=60):
        return self.http.post(
            self.url + "/api/v1/sync",
            json={"cursor": None, "changes": changes},
            headers={"X-CSRFToken": self.csrf},
            timeout=timeout,
        )


def new_entries(n, day="2026-01-05"):
    return [
        {
            "kind": "entry",
            "id": str(uuid.uuid4()),
            "data": {
                "day": day,
                "leg_pain": random.randint(0, 10),
                "regions": {"l_calf_back": "pain"},
                "activities": {"walking": 2},
                "note": "from the train",
            },
        }
        for _ in range(n)
    ]


@pytest.fixture
def server():
    instance = Path(tempfile.mkdtemp(prefix="diary-reliability-"))
    served = Server(instance).start()
    yield served
    served.stop()


def test_eight_phones_sending_every_batch_twice_out_of_order_leave_exactly_2000_rows(server):
    phones = [Phone(server.url, f"phone{n}@example.org").register() for n in range(8)]
    plans = []
    for phone in phones:
        changes = new_entries(250)
        batches = [changes[i : i + 50] for i in range(0, 250, 50)]
        sends = batches * 2  # every batch twice: its answer "lost" the first time
        random.shuffle(sends)
        plans.append((phone, sends))

    def send_all(plan):
        phone, sends = plan
        statuses = []
        for batch in sends:
            answer = phone.sync(batch)
            assert answer.status_code == 200, answer.text
            statuses += [r["status"] for r in answer.json()["results"]]
        return statuses

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(send_all, plans))

    for statuses in results:
        assert statuses.count("applied") == 250 and statuses.count("duplicate") == 250
    with server.db() as db:
        assert db.execute("SELECT COUNT(*) FROM entries").fetchone()[0] == 2000
        assert db.execute("SELECT COUNT(DISTINCT id) FROM entries").fetchone()[0] == 2000
        per_phone = db.execute("SELECT COUNT(*) FROM entries GROUP BY patient_id").fetchall()
        assert sorted(n for (n,) in per_phone) == [250] * 8


def test_sigkill_in_the_middle_of_big_syncs_loses_no_acknowledged_change(server):
    phone = Phone(server.url, "killed@example.org").register()
    sent, acknowledged = [], []
    rng = random.Random(16)
    for _round in range(4):
        stop_sending = threading.Event()
        answered = threading.Event()

        def keep_sending(phone=phone, stop_sending=stop_sending, answered=answered):
            while not stop_sending.is_set():
                batch = new_entries(1000)
                sent.append([c["id"] for c in batch])
                try:
                    answer = phone.sync(batch, timeout=30)
                except requests.RequestException:
                    return  # the server died with this batch in flight
                if answer.status_code == 200:
                    acknowledged.append(sent[-1])
                    answered.set()

        sender = threading.Thread(target=keep_sending)
        sender.start()
        # Each round kills only once a batch of it was acknowledged: on a loaded machine one
        # batch can take longer than any fixed delay, and a kill before the first answer
        # would test nothing. Then somewhere inside one of the next batches.
        assert answered.wait(timeout=120), "no batch was acknowledged in two minutes"
        time.sleep(rng.random() * 0.9)
        server.kill()
        stop_sending.set()
        sender.join(timeout=60)
        server.start()
        # The phone signs in again on the restarted server (its session lives in the file).
        phone.url = server.url
        phone.csrf = phone.token()

    with server.db() as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in db.execute("SELECT id FROM entries")}
    assert acknowledged, "no sync finished before the kills: nothing was tested"
    for batch in acknowledged:
        assert set(batch) <= stored  # acknowledged means stored
    for batch in sent:
        present = len(set(batch) & stored)
        assert present in (0, len(batch)), f"a batch was half applied: {present} of {len(batch)}"


def test_a_backup_taken_while_phones_write_opens_and_is_consistent(server, tmp_path):
    phones = [Phone(server.url, f"writer{n}@example.org").register() for n in range(3)]
    writing = threading.Event()
    writing.set()

    def write(phone):
        while writing.is_set():
            assert phone.sync(new_entries(50)).status_code == 200

    threads = [threading.Thread(target=write, args=(phone,)) for phone in phones]
    for thread in threads:
        thread.start()
    backups = []
    try:
        for n in range(3):
            time.sleep(0.3)
            target = tmp_path / f"backup-{n}.sqlite3"
            done = subprocess.run(
                [sys.executable, "-m", "flask", "--app", "diary", "backup", str(target)],
                cwd=ROOT,
                env=server.env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert done.returncode == 0, done.stderr
            backups.append(target)
    finally:
        writing.clear()
        for thread in threads:
            thread.join(timeout=60)

    counts = []
    for backup in backups:
        with sqlite3.connect(backup) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            # A consistent snapshot: every entry with the revision written in its transaction,
            # and whole batches of 50 only.
            orphans = copy.execute(
                "SELECT COUNT(*) FROM entries e LEFT JOIN revisions r"
                " ON r.id = e.id AND r.version = e.version WHERE r.id IS NULL"
            ).fetchone()[0]
            assert orphans == 0
            total = copy.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
            assert total % 50 == 0
            counts.append(total)
    assert counts == sorted(counts) and counts[-1] > 0


def test_a_burst_of_20_sign_ins_at_the_real_hash_cost_stays_within_memory():
    instance = Path(tempfile.mkdtemp(prefix="diary-burst-"))
    served = Server(instance, config=LIMITS).start()  # argon2id at OWASP's minimum
    try:
        Phone(served.url, "burst@example.org").register()
        phones = [Phone(served.url, "burst@example.org") for _ in range(20)]
        with ThreadPoolExecutor(max_workers=20) as pool:
            answers = list(pool.map(lambda phone: phone.sign_in(), phones))
        assert [a.status_code for a in answers] == [200] * 20
        rss = served.workers_rss_mb()
        assert len(rss) == 2 and max(rss) < 150, rss  # DESIGN: a worker under 150 MB
    finally:
        served.stop()
