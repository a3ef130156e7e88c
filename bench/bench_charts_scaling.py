"""How the charts page and the timeline grow with the diary: 1, 2 and 5 years, same run.

Run: .venv/bin/python bench/bench_charts_scaling.py [--runs 31]

The same generator as bench_comparison.py (about one entry a day, notes on one day in five)
fills a fresh database per length, with four therapies in the last year (what the page
compares). Served by the Flask test client in-process: median wall time per request. The
target (issue 16): five years in at most 2 x the time of one year.
"""

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_comparison import PASSWORD, entries  # noqa: E402

from diary import create_app, store  # noqa: E402
from diary.db import get_db, write  # noqa: E402

KINDS = ("msc_injection", "epidural_steroid", "surgery", "physiotherapy")


def build(tmp, years):
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "DATABASE": str(Path(tmp) / f"{years}.sqlite3"),
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST_KIB": 8,
        }
    )
    client = app.test_client()
    token = client.get("/api/v1/session").get_json()["csrf_token"]
    user = client.post(
        "/api/v1/users",
        json={"email": "bench@example.org", "password": PASSWORD, "name": "Bench"},
        headers={"X-CSRFToken": token},
    ).get_json()["user"]
    rows = entries(days=365 * years)
    with app.app_context():
        db = get_db()
        with write(db):
            for row in rows:
                store.apply_change(db, user["id"], "entry", uuid.uuid4(), None, False, row)
            for n, kind in enumerate(KINDS):
                start = (date.today() - timedelta(days=330 - 80 * n)).isoformat()
                data = {"kind": kind, "label": "", "start_day": start, "end_day": None, "notes": ""}
                store.apply_change(db, user["id"], "therapy", uuid.uuid4(), None, False, data)
    return app, client, len(rows)


def median_ms(client, path, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        response.get_data()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, path
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=31)
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for years in (1, 2, 5):
            app, client, count = build(tmp, years)
            results[years] = {
                "entries": count,
                "/charts": median_ms(client, "/charts", args.runs),
                "/api/v1/timeline": median_ms(client, "/api/v1/timeline", args.runs),
            }
            app.extensions["diary.db"].close_all()
    print(f"median of {args.runs} runs, Flask test client in-process")
    header = ("diary", "entries", "/charts ms", "x 1 year", "timeline ms", "x 1 year")
    widths = (8, 11, 9, 12, 9)
    cells = " ".join(f"{h:>{w}}" for h, w in zip(header[1:], widths, strict=True))
    print(f"{header[0]:8} {cells}")
    for years, r in results.items():
        print(
            f"{years} year{'s' if years > 1 else ' '} {r['entries']:8d} {r['/charts']:11.1f} "
            f"{r['/charts'] / results[1]['/charts']:9.2f} {r['/api/v1/timeline']:12.1f} "
            f"{r['/api/v1/timeline'] / results[1]['/api/v1/timeline']:9.2f}"
        )


if __name__ == "__main__":
    main()
