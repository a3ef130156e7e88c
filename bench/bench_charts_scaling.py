"""How the charts page and the timeline grow with the diary: 1, 2 and 5 years, same run.

Run: .venv/bin/python bench/bench_charts_scaling.py [--runs 31]

The same made-up diary as the other benchmarks (bench/diaries.py: about one entry a day,
notes on one day in five, four therapies spread over it) fills a fresh database per length.
Served by the Flask test client in-process: median wall time per request, the three
lengths taken in turn on each round. The target
(issue 16): five years in at most 2 x the time of one year. Measured: the charts page, the
whole timeline (every day: it grows with the diary by design) and the timeline of the last
year (what the chart shows first); and the read-only charts of the same diary: a
physician's patient page (``/patients/<id>``, through an accepted share) and a view link's
charts (``/v/<token>/charts``), each view also writing its access-log event as in use.
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from diaries import PASSWORD, bench_app, seed_patient  # noqa: E402


def _post(client, path, body):
    token = client.get("/api/v1/session").get_json()["csrf_token"]
    response = client.post(path, json=body, headers={"X-CSRFToken": token})
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def build(tmp, years):
    """The app, ``{"patient", "physician", "link"}`` clients, the paths each reads (keyed by
    their name in the tables) and the entry count."""
    app = bench_app(Path(tmp) / f"{years}.sqlite3")
    user, count, _ = seed_patient(app, days=365 * years)
    patient = app.test_client()
    _post(patient, "/api/v1/session", {"email": "bench@example.org", "password": PASSWORD})
    physician = app.test_client()
    doctor = {"email": "doc@example.org", "password": PASSWORD, "name": "Dr Bench"}
    _post(physician, "/api/v1/users", {**doctor, "role": "physician"})
    code = _post(patient, "/api/v1/shares", {})["code"]
    _post(physician, "/api/v1/shares/accept", {"code": code})
    link = _post(patient, "/api/v1/links", {"days": 7})["url"].split("://", 1)[1]
    year = (date.today() - timedelta(days=365)).isoformat()
    reads = {
        "/charts": (patient, "/charts"),
        "timeline": (patient, "/api/v1/timeline"),
        "timeline, a year": (patient, f"/api/v1/timeline?from={year}"),
        "physician's page": (physician, f"/patients/{user['id']}"),
        "view link charts": (app.test_client(), link[link.index("/") :] + "/charts"),
    }
    return app, reads, count


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
    with tempfile.TemporaryDirectory() as tmp:
        diaries = {years: build(tmp, years) for years in (1, 2, 5)}
        names = list(diaries[1][1])
        # Taken in turn on each round, so load from other work slows every length alike.
        times = {(years, name): [] for years in diaries for name in names}
        for _ in range(args.runs):
            for years, (_, reads, _) in diaries.items():
                for name, (client, path) in reads.items():
                    times[years, name].append(timed_ms(client, path))
        results = {
            years: {"entries": count, **{n: statistics.median(times[years, n]) for n in names}}
            for years, (_, _, count) in diaries.items()
        }
        for app, _, _ in diaries.values():
            app.extensions["diary.db"].close_all()
    print(f"median of {args.runs} runs, Flask test client in-process")
    for shown in (names[:3], names[3:]):  # the patient's reads, then the read-only pages
        print(f"{'diary':8} {'entries':>7} " + " ".join(f"{n:>16} {'x 1 y':>6}" for n in shown))
        for years, r in results.items():
            cells = " ".join(f"{r[n]:13.1f} ms {r[n] / results[1][n]:6.2f}" for n in shown)
            print(f"{years} year{'s' if years > 1 else ' '} {r['entries']:7d} {cells}")


if __name__ == "__main__":
    main()
