"""CPU time of the requests a patient's day is made of: the figures docs/deploy.md's capacity
arithmetic uses.

Run: .venv/bin/python bench/bench_pages.py [--runs 30]

A patient with a year of the benchmarks' made-up diary (bench/diaries.py: about one entry a
day, four therapies), signed in; each request is served by the Flask test client
in-process and timed in CPU time of the process (what runs out on a busy machine), the
minimum and median of ``--runs``. Under gunicorn each request costs about 0.3 ms more
(bench_server.py: the bare route's worker CPU). The sync is a phone's usual one: one new
change, with the cursor of the sync before it.
"""

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from diaries import PASSWORD, bench_app, seed_patient  # noqa: E402


def signed_in_client(app):
    client = app.test_client()
    token = client.get("/api/v1/session").get_json()["csrf_token"]
    answer = client.post(
        "/api/v1/session",
        json={"email": "bench@example.org", "password": PASSWORD},
        headers={"X-CSRFToken": token},
    )
    return client, answer.get_json()["csrf_token"]


def current_cursor(client, token):
    cursor = None
    while True:
        answer = client.post(
            "/api/v1/sync", json={"cursor": cursor, "changes": []}, headers={"X-CSRFToken": token}
        ).get_json()
        cursor = answer["cursor"]
        if not answer.get("more"):
            return cursor


def cpu_ms(call, runs):
    times = []
    for _ in range(runs):
        start = time.process_time()
        response = call()
        response.get_data()
        times.append((time.process_time() - start) * 1000)
        assert response.status_code in (200, 201), response.status_code
    return min(times), statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        app = bench_app(Path(tmp) / "pages.sqlite3")
        _, count, _ = seed_patient(app, days=365)
        client, token = signed_in_client(app)
        state = {"cursor": current_cursor(client, token)}

        def sync_one():
            change = {
                "id": str(uuid.uuid4()),
                "kind": "entry",
                "base_version": None,
                "deleted": False,
                "data": {"day": "2026-01-05", "leg_pain": 5, "back_pain": 2},
            }
            answer = client.post(
                "/api/v1/sync",
                json={"cursor": state["cursor"], "changes": [change]},
                headers={"X-CSRFToken": token},
            )
            state["cursor"] = answer.get_json()["cursor"]
            return answer

        def save():
            body = {"day": "2026-01-05", "leg_pain": 6, "back_pain": 3}
            return client.post("/api/v1/entries", json=body, headers={"X-CSRFToken": token})

        requests = [
            ("GET /today", lambda: client.get("/today")),
            ("GET /history", lambda: client.get("/history")),
            ("GET /charts", lambda: client.get("/charts")),
            ("GET /therapies/", lambda: client.get("/therapies/")),
            ("GET /api/v1/session", lambda: client.get("/api/v1/session")),
            ("POST /api/v1/entries", save),
            ("POST /api/v1/sync, one change", sync_one),
        ]
        print(f"a year of diary ({count} entries), CPU ms per request, {args.runs} runs each")
        print(f"{'request':32s} {'min':>7s} {'median':>7s}")
        for label, call in requests:
            low, median = cpu_ms(call, args.runs)
            print(f"{label:32s} {low:7.2f} {median:7.2f}")


if __name__ == "__main__":
    main()
