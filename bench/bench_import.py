"""Five years of diary out and back in: the exports' times, the copy's size, and the import
of that copy into an empty account of a fresh database, in one transaction.

Run: .venv/bin/python bench/bench_import.py [--runs 5] [--long-notes]

Served by the Flask test client in-process (no socket): each figure is the time from the
request entering the WSGI app to its body being complete (session, CSRF, reading and
checking the whole file, every record through the sync rules in one BEGIN IMMEDIATE
transaction, the summary). Each import run registers a new account on the same fresh
database, imports the copy (every record applied), imports it again (every record a
duplicate, nothing written), then deletes the account, which frees the ids for the next
run. Data: the benchmarks' five years (bench/diaries.py: about 1,900 entries on 1,830 days,
four therapies), with a note on one entry in five, or with ``--long-notes`` a 2,000-character
note on every entry (the largest copy five years can make).
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.diaries import PASSWORD, THERAPY_KINDS, entries, therapy_days  # noqa: E402
from diary import create_app
from diary.db import get_db, write  # noqa: E402
from diary.exports import archive  # noqa: E402
from diary.sync import store  # noqa: E402

NOTES = (
    "Walked to the shop and back, sat at work for an hour before the calf started.",
    "Bad night: burning down the back of the leg, up twice. Better after a warm shower.",
    "Physio exercises done; sitting easier this afternoon.",
)


def app_on(path):
    return create_app(
        {
            "SECRET_KEY": "bench",
            "DATABASE": str(path),
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST_KIB": 8,
            "REGISTRATION_LIMIT": "1000 per minute",
        }
    )


def register(client, email):
    token = client.get("/api/v1/session").get_json()["csrf_token"]
    answer = client.post(
        "/api/v1/users",
        json={"email": email, "password": PASSWORD, "name": "Bench"},
        headers={"X-CSRFToken": token},
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def five_years(app, client, long_notes):
    """The source diary, written straight through the store; returns its entry count."""
    user = register(client, "source@example.org")["user"]
    rng = random.Random(2021)
    rows = entries()
    for row in rows:
        if long_notes:
            row["note"] = ("Long note. " * 200)[:2000]
        elif rng.random() < 0.2:
            row["note"] = rng.choice(NOTES)
    with app.app_context():
        db = get_db()
        with write(db):
            for row in rows:
                store.apply_change(db, user["id"], "entry", uuid.uuid4(), None, False, row)
            for kind, day in zip(THERAPY_KINDS, therapy_days(), strict=True):
                data = {"kind": kind, "label": "", "start_day": day, "end_day": None, "notes": ""}
                store.apply_change(db, user["id"], "therapy", uuid.uuid4(), None, False, data)
    return len(rows)


def timed(call):
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    response = call()
    response.get_data()
    return (
        response,
        (time.perf_counter() - start_wall) * 1000,
        (time.process_time() - start_cpu) * 1000,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--long-notes", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = app_on(Path(tmp) / "source.sqlite3")
        client = source.test_client()
        count = five_years(source, client, args.long_notes)
        exports = {}
        for name, path in (
            ("GET /api/v1/export.json (the copy)", "/api/v1/export.json"),
            ("GET /api/v1/export.csv", "/api/v1/export.csv"),
            ("GET /api/v1/export.fhir.json", "/api/v1/export.fhir.json"),
        ):
            walls = []
            for _ in range(args.runs):
                response, wall, _cpu = timed(lambda p=path: client.get(p))
                assert response.status_code == 200
                walls.append(wall)
            exports[name] = (statistics.median(walls), len(response.get_data()))
        copy = client.get("/api/v1/export.json").get_data()

        parse_ms = []
        for _ in range(args.runs):
            start = time.perf_counter()
            archive.parse(copy)
            parse_ms.append((time.perf_counter() - start) * 1000)

        target = app_on(Path(tmp) / "target.sqlite3")  # a fresh database: another server
        importer = target.test_client()
        first, again = [], []
        for run in range(args.runs):
            token = register(importer, f"run{run}@example.org")["csrf_token"]
            headers = {"X-CSRFToken": token, "Content-Type": "application/json"}
            response, wall, cpu = timed(
                lambda h=headers: importer.post("/api/v1/import", data=copy, headers=h)
            )
            summary = response.get_json()
            assert response.status_code == 200, summary
            assert summary["entries"]["applied"] == count and summary["therapies"]["applied"] == 4
            first.append((wall, cpu))
            response, wall, cpu = timed(
                lambda h=headers: importer.post("/api/v1/import", data=copy, headers=h)
            )
            assert response.get_json()["entries"]["duplicate"] == count
            again.append((wall, cpu))
            goodbye = importer.delete(
                "/api/v1/users/me", json={"password": PASSWORD}, headers={"X-CSRFToken": token}
            )
            assert goodbye.status_code == 204, goodbye.get_json()

        notes = "a 2,000-character note on every entry" if args.long_notes else "a note on 1 in 5"
        print(f"{count} entries on 1,830 days and 4 therapies, {notes}; {args.runs} runs")
        print("(Flask test client in-process; medians)")
        for name, (ms, size) in exports.items():
            print(f"{name:44s} {ms:7.1f} ms  {size / 2**20:5.2f} MB")
        name = "reading and checking the copy (archive.parse)"
        print(f"{name:44s} {statistics.median(parse_ms):7.1f} ms")
        for name, runs in (
            ("POST /api/v1/import, every record new", first),
            ("the same copy again, every record a duplicate", again),
        ):
            wall = statistics.median(w for w, _ in runs)
            cpu = statistics.median(c for _, c in runs)
            print(f"{name:44s} {wall:7.1f} ms wall {cpu:7.1f} ms CPU")
        source.extensions["diary.db"].close_all()
        target.extensions["diary.db"].close_all()


if __name__ == "__main__":
    main()
