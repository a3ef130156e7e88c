"""Time history paging on five years of entries: keyset paging vs OFFSET, same data, same run.

Run: .venv/bin/python bench/bench_history.py

The history page asks queries.list_entries for 30 entries at a time. Keyset paging (the
``after`` cursor) costs the same on the first and the last page; OFFSET paging, measured
here as the baseline, gets slower the deeper the page.
"""

import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diary.db import close_database, migrate, open_database, write  # noqa: E402
from diary.sync import cursors, queries, store  # noqa: E402

DAYS = 1830
PAGE = 30


def build(path):
    migrate(path)
    db = open_database(path)
    rng = random.Random(7)
    with write(db):
        db.execute(
            "INSERT INTO users (id, email, password_hash, role, name, created_at)"
            " VALUES (1, 'p@example.org', 'x', 'patient', 'P', 'now')"
        )
        first = date(2021, 1, 1)
        for i in range(DAYS):
            day = (first + timedelta(days=i)).isoformat()
            for _ in range(2 if rng.random() < 0.2 else 1):
                store.apply_change(
                    db,
                    1,
                    "entry",
                    f"{i:08d}-0000-4000-8000-{rng.getrandbits(48):012x}",
                    None,
                    False,
                    {
                        "day": day,
                        "leg_pain": rng.randint(0, 10),
                        "back_pain": None,
                        "worst_leg_pain": None,
                        "regions": {},
                        "activities": {},
                        "sitting_tolerance_min": None,
                        "walking_tolerance_min": None,
                        "red_flags": [],
                        "note": "",
                    },
                )
    return db


def median_ms(fn, runs=50):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        db = build(str(Path(tmp) / "bench.sqlite3"))
        total = db.execute("SELECT count(*) FROM entries").fetchone()[0]
        # Walk to the last page once to get its cursor.
        cursor, pages = None, 0
        while True:
            _, next_cursor = queries.list_entries(
                db,
                1,
                limit=PAGE,
                after=cursors.decode_page(cursor) if cursor else None,
            )
            pages += 1
            if next_cursor is None:
                break
            last_cursor, cursor = cursor, next_cursor
        last_after = cursors.decode_page(last_cursor)
        first_ms = median_ms(lambda: queries.list_entries(db, 1, limit=PAGE))
        last_ms = median_ms(lambda: queries.list_entries(db, 1, limit=PAGE, after=last_after))
        offset = (pages - 1) * PAGE
        sql = (
            "SELECT * FROM entries WHERE patient_id = 1 AND deleted = 0 "
            "ORDER BY day DESC, created_at DESC, id DESC LIMIT ? OFFSET ?"
        )
        offset_ms = median_ms(lambda: list(db.query(sql, [PAGE + 1, offset])))
        print(f"{total} entries, {pages} pages of {PAGE}")
        print(f"keyset first page: {first_ms:.2f} ms")
        print(f"keyset last page:  {last_ms:.2f} ms  ({last_ms / first_ms:.2f} x first page)")
        print(
            f"OFFSET last page (baseline, rows only): {offset_ms:.2f} ms "
            f"({offset_ms / last_ms:.2f} x keyset last page)"
        )
        close_database(db)


if __name__ == "__main__":
    main()
