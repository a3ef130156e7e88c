"""Time the comparison route on five years of daily entries with four therapies, against a
plain per-day-mean route over the same entries, in the same process and the same run.

Run: .venv/bin/python bench/bench_comparison.py [--runs N]

Served by the Flask test client in-process (no HTTP, no gunicorn): each figure is the time
from the request entering the WSGI app to its response body being complete, so it includes
the session, the access check, the SQLite read, the statistics and the JSON, but not a
socket. DESIGN.md section 7 budgets the comparison at 25 ms server time and asks that the
bootstrap not make it ten times slower than a plain per-day-mean chart route.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diaries import DAYS, PASSWORD, bench_app, seed_patient  # noqa: E402
from flask import jsonify  # noqa: E402
from flask_login import current_user  # noqa: E402

from diary.access import allow  # noqa: E402
from diary.clinical import analysis, comparison
from diary.db import get_db  # noqa: E402
from diary.sync import queries  # noqa: E402


def build(tmp):
    app = bench_app(Path(tmp) / "bench.sqlite3")

    # The baseline: what a plain chart of per-day means costs through the same app, the same
    # session and the same store read, with no statistics.
    @allow("patient")
    def day_means():
        days = {}
        for entry in queries.all_entries(get_db(), current_user.id):
            sums = days.setdefault(entry["day"], [0, 0, 0, 0])
            if entry["leg_pain"] is not None:
                sums[0] += entry["leg_pain"]
                sums[1] += 1
            if entry["back_pain"] is not None:
                sums[2] += entry["back_pain"]
                sums[3] += 1
        return jsonify(
            {
                "days": [
                    {
                        "day": day,
                        "leg": s[0] / s[1] if s[1] else None,
                        "back": s[2] / s[3] if s[3] else None,
                    }
                    for day, s in days.items()
                ]
            }
        )

    # The leanest version of the same chart: SQLite averages the days itself.
    @allow("patient")
    def day_means_sql():
        rows = get_db().conn.execute(
            "SELECT day, avg(leg_pain), avg(back_pain) FROM entries"
            " WHERE patient_id = ? AND deleted = 0 GROUP BY day ORDER BY day",
            [current_user.id],
        )
        return jsonify({"days": [{"day": d, "leg": leg, "back": back} for d, leg, back in rows]})

    app.add_url_rule("/bench/day-means", "bench_day_means", day_means)
    app.add_url_rule("/bench/day-means-sql", "bench_day_means_sql", day_means_sql)

    _, count, therapies = seed_patient(app)
    client = app.test_client()
    client.post(
        "/api/v1/session",
        json={"email": "bench@example.org", "password": PASSWORD},
        headers={"X-CSRFToken": client.get("/api/v1/session").get_json()["csrf_token"]},
    )
    return app, client, count, therapies


def medians_ms(client, paths, runs):
    """Median wall and CPU milliseconds per path, the paths taken in turn on every round so
    that other work on the machine slows them all alike."""
    for path in paths.values():  # warm the connection, the caches and numpy
        for _ in range(3):
            assert client.get(path).status_code == 200, path
    times = {name: ([], []) for name in paths}
    for _ in range(runs):
        for name, path in paths.items():
            start_wall, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            response.get_data()
            times[name][0].append((time.perf_counter() - start_wall) * 1000)
            times[name][1].append((time.process_time() - start_cpu) * 1000)
            assert response.status_code == 200
    return {
        name: (statistics.median(wall), statistics.median(cpu))
        for name, (wall, cpu) in times.items()
    }


def page_parts(app, therapy_ids, runs):
    """Median ms of each step the charts page takes, called directly (no request)."""
    with app.app_context():
        db = get_db()
        entries = queries.all_entries(db, 1)
        rows = comparison.analysis_rows(entries)
        starts = [queries.get(db, "therapy", 1, tid)["start_day"] for tid in therapy_ids]
        today = comparison.patient_today("UTC")

        def four_comparisons():
            days = analysis.daily_values(rows)
            for start in starts:
                analysis.compare(start, None, today=today, days=days)

        steps = {
            "read and decode every entry (queries.all_entries)": lambda: queries.all_entries(db, 1),
            "entries to analysis rows": lambda: comparison.analysis_rows(entries),
            "daily values once + compare x4 (days=)": four_comparisons,
            "timeline with 7-day means": lambda: analysis.timeline(rows),
        }
        result = {}
        for name, step in steps.items():
            step()
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                step()
                times.append((time.perf_counter() - start) * 1000)
            result[name] = statistics.median(times)
        return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=101)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app, client, count, therapies = build(tmp)
        print(f"{count} entries on {DAYS} days, {len(therapies)} therapies; {args.runs} runs each")
        print("(Flask test client in-process; median wall and CPU ms per request)")
        paths = {
            "baseline: per-day means in SQL": "/bench/day-means-sql",
            "per-day means over queries.all_entries": "/bench/day-means",
        }
        for n, tid in enumerate(therapies, 1):
            paths[f"comparison, therapy {n} of 4"] = f"/api/v1/therapies/{tid}/comparison"
        paths["timeline JSON"] = "/api/v1/timeline"
        paths["charts page (4 comparisons, timeline, HTML)"] = "/charts"
        results = medians_ms(client, paths, args.runs)
        base_wall, _ = results["baseline: per-day means in SQL"]
        for name, (wall, cpu) in results.items():
            print(
                f"{name:46s} {wall:6.1f} ms wall {cpu:6.1f} ms CPU  "
                f"{wall / base_wall:4.1f} x baseline"
            )
        print("\nWhere the charts page's time goes (pure calls, same data, median ms):")
        for name, ms in page_parts(app, therapies, args.runs).items():
            print(f"{name:46s} {ms:6.1f} ms")
        app.extensions["diary.db"].close_all()


if __name__ == "__main__":
    main()
