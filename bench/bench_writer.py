"""Where SQLite's single writer saturates: saves a second from 1, 2 and 4 writing processes.

Run: .venv/bin/python bench/bench_writer.py [--seconds 5]

Each process opens its own connection (as a gunicorn worker does) and saves entries in a
loop through the one write path, ``store.change`` (ids unique across kinds, the change
sequence, the revision row, one BEGIN IMMEDIATE transaction behind the writers' file lock),
with nothing else: no HTTP, no session, no validation. The figure is the total saves a
second, and how long each save held the writer (from taking the file lock to releasing it,
the part no other writer can overlap). One writer held for h seconds at a time allows at
most 1/h saves a second, whatever the number of processes; the processes' own CPU (here
about the save's Python around the statements) decides how close they come to it.
"""

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diary import db as database  # noqa: E402
from diary import schemas
from diary.sync import store  # noqa: E402

ENTRY = {
    "day": "2026-11-30",
    "leg_pain": 6,
    "back_pain": 3,
    "regions": {"l_calf_back": "pain", "l_buttock": "pain"},
    "activities": {"walking": 3, "sitting": 2, "sleeping": 1},
}


def prepare(path):
    database.migrate(path)
    db = database.open_database(path)
    with database.write(db):
        db.execute(
            "INSERT INTO users (email, password_hash, role, name, time_zone, created_at)"
            " VALUES ('writer@example.org', '-', 'patient', 'Writer', 'UTC', '2026-01-01')"
        )
    database.close_database(db)


def writer(path, seconds, start_at, results):
    db = database.open_database(path)
    data = schemas.EntryCreate.model_validate(ENTRY)
    held = []
    original = database.fcntl.flock

    def timed_flock(file, operation):
        # The writer is held from the moment the file lock is taken until it is released.
        if operation == database.fcntl.LOCK_UN:
            held.append(time.perf_counter() - timed_flock.taken)
            return original(file, operation)
        result = original(file, operation)
        timed_flock.taken = time.perf_counter()
        return result

    database.fcntl.flock = timed_flock
    while time.time() < start_at:
        time.sleep(0.001)
    saves = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        store.change(db, 1, "entry", uuid.uuid4(), None, False, data)
        saves += 1
    results.put((saves, statistics.median(held), statistics.mean(held)))
    database.close_database(db)


def run(processes, seconds):
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "writer.sqlite3")
        prepare(path)
        results = multiprocessing.Queue()
        start_at = time.time() + 0.5
        workers = [
            multiprocessing.Process(target=writer, args=(path, seconds, start_at, results))
            for _ in range(processes)
        ]
        for worker in workers:
            worker.start()
        answers = [results.get() for _ in workers]
        for worker in workers:
            worker.join()
    saves = sum(a[0] for a in answers)
    return saves / seconds, statistics.median(a[1] for a in answers), max(a[2] for a in answers)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    print(f"store.change in a loop, {args.seconds:g} s per row, each process its own connection")
    print("processes  saves/s   writer held per save (median, mean)  ceiling 1/mean")
    for processes in (1, 2, 4):
        rate, median_held, mean_held = run(processes, args.seconds)
        print(
            f"{processes:9d}  {rate:7.0f}   {median_held * 1e3:6.3f} ms, {mean_held * 1e3:6.3f} ms"
            f"                 {1 / mean_held:7.0f}/s"
        )


if __name__ == "__main__":
    main()
