"""A 1,000-dose sync batch against a 1,000-entry one: server time, in-process, same run.

Run: .venv/bin/python bench/bench_dose_batch.py [--runs 9]

Each dose's time is a PastTimestamp, checked against the pattern of the days it may fall
on; a batch of doses should cost about what a batch of entries does. The Flask test client
posts each batch (fresh ids, one patient, one medicine taken when needed), alternating
doses and entries round by round; the figure is the median wall time of the POST.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_sync import N, changes  # noqa: E402

from diary import create_app  # noqa: E402


def doses(medication_id, n=N):
    now = datetime.now(UTC)
    return [
        {
            "kind": "dose",
            "id": str(uuid.uuid4()),
            "base_version": None,
            "deleted": False,
            "data": {
                "medication_id": medication_id,
                "taken_at": (now - timedelta(minutes=7 * i)).isoformat(timespec="milliseconds"),
            },
        }
        for i in range(n)
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    from tests.conftest import TEST_CONFIG, Api

    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({**TEST_CONFIG, "DATABASE": str(Path(folder) / "diary.sqlite3")})
        api = Api(app.test_client())
        api.register()
        medicine = api.post(
            "/api/v1/medications",
            {
                "name": "Ibuprofen",
                "schedule": "as_needed",
                "start_day": "2020-01-01",
                "changes": [],
            },
        ).get_json()
        timings = {"dose": [], "entry": []}
        for _ in range(args.runs):
            for kind, batch in (("dose", doses(medicine["id"])), ("entry", changes(rng))):
                start = time.perf_counter()
                answer = api.post("/api/v1/sync", {"cursor": None, "changes": batch})
                timings[kind].append((time.perf_counter() - start) * 1000)
                statuses = {r["status"] for r in answer.get_json()["results"]}
                assert answer.status_code == 200 and statuses == {"applied"}, statuses
        app.extensions["diary.db"].close_all()
    dose, entry = (statistics.median(timings[k]) for k in ("dose", "entry"))
    print(f"median of {args.runs} rounds, {N} changes a batch:")
    print(f"  POST /api/v1/sync, 1,000 entries (baseline) {entry:7.1f} ms   1.0 x")
    print(f"  POST /api/v1/sync, 1,000 doses              {dose:7.1f} ms  {dose / entry:5.2f} x")


if __name__ == "__main__":
    main()
