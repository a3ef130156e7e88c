"""How the charts page and the timeline grow with the diary: 1, 2 and 5 years, same run.

Run: .venv/bin/python bench/bench_charts_scaling.py [--runs 31]

The same made-up diary as the other benchmarks (bench/diaries.py: about one entry a day,
notes on one day in five, four therapies spread over it) fills a fresh database per length.
Served by the Flask test client in-process: median wall time per request, the three
lengths taken in turn on each round. The target
(issue 16): five years in at most 2 x the time of one year. Measured: the charts page, the
whole timeline (every day: it grows with the diary by design) and the timeline of the last
year (what the chart shows first).
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from diaries import bench_app, seed_patient  # noqa: E402


def build(tmp, years):
    app = bench_app(Path(tmp) / f"{years}.sqlite3")
    _, count, _ = seed_patient(app, days=365 * years)
    client = app.test_client()
    client.post(
        "/api/v1/session",
        json={"email": "bench@example.org", "password": "a calm river at dawn"},
        headers={"X-CSRFToken": client.get("/api/v1/session").get_json()["csrf_token"]},
    )
    return app, client, count


def timed_ms(client, path):
    start = time.perf_counter()
    response = client.get(path)
    response.get_data()
    assert response.status_code == 200, path
    return (time.perf_counter() - start) * 1000


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=31)
    args = parser.parse_args(argv)
    year = (date.today() - timedelta(days=365)).isoformat()
    paths = ("/charts", "/api/v1/timeline", f"/api/v1/timeline?from={year}")
    with tempfile.TemporaryDirectory() as tmp:
        diaries = {years: build(tmp, years) for years in (1, 2, 5)}
        # Taken in turn on each round, so load from other work slows every length alike.
        times = {(years, path): [] for years in diaries for path in paths}
        for _ in range(args.runs):
            for years, (_, client, _) in diaries.items():
                for path in paths:
                    times[years, path].append(timed_ms(client, path))
        results = {
            years: {"entries": count, **{p: statistics.median(times[years, p]) for p in paths}}
            for years, (_, _, count) in diaries.items()
        }
        for app, _, _ in diaries.values():
            app.extensions["diary.db"].close_all()
    print(f"median of {args.runs} runs, Flask test client in-process")
    names = ("/charts", "timeline", "timeline, a year")
    print(f"{'diary':8} {'entries':>7} " + " ".join(f"{n:>16} {'x 1 y':>6}" for n in names))
    for years, r in results.items():
        cells = " ".join(f"{r[p]:13.1f} ms {r[p] / results[1][p]:6.2f}" for p in paths)
        print(f"{years} year{'s' if years > 1 else ' '} {r['entries']:7d} {cells}")


if __name__ == "__main__":
    main()
