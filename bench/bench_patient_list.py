"""A busy physician's list of patients: the time of one page of it, and of the JSON list.

Run: .venv/bin/python bench/bench_patient_list.py [--patients 200] [--runs 5]

``--patients`` patients share with one physician, each with 120 days of made-up diary
(bench/diaries.py, a warning sign on one day in a hundred) and a therapy; every tenth
patient has no entries, as in a real clinic. Served by the Flask test client in-process;
the median wall and CPU time of ``--runs`` requests of each page (the wall time is what the
physician waits for; the CPU time is the same on a quiet machine, and what counts on a busy
one). The first request also writes the access-log events of the patients it shows.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from diaries import PASSWORD, bench_app, entries  # noqa: E402

from diary import accounts  # noqa: E402
from diary.db import get_db, write  # noqa: E402
from diary.sharing import invites  # noqa: E402
from diary.sync import store  # noqa: E402

DAYS = 120


def seed(app, patients: int):
    """A physician and ``patients`` patients sharing with them; returns the physician's email."""
    rng = random.Random(200)  # nosec B311 - made-up data, the same on every run
    with app.app_context():
        db = get_db()
        # The accounts' own function: the API's registration limit is not what is measured.
        hasher = accounts.make_hasher(app.config)

        def register(email, name, role):
            user = accounts.register(
                db, hasher, email=email, password=PASSWORD, role=role, name=name
            )
            return user.id

        doctor = register("busy@example.org", "Dr Busy", "physician")
        ids = [
            register(f"p{n}@example.org", f"Patient {n:03d}", "patient") for n in range(patients)
        ]
        with write(db):
            for n, patient_id in enumerate(ids):
                if n % 10 == 0:
                    continue
                for row in entries(seed=n, days=DAYS):
                    if rng.random() < 0.01:
                        row = {**row, "red_flags": ["saddle_numbness"]}
                    store.apply_change(db, patient_id, "entry", uuid.uuid4(), None, False, row)
                start = (date.today() - timedelta(days=rng.randint(10, 100))).isoformat()
                therapy = {"kind": "epidural_steroid", "label": "ESI", "start_day": start}
                therapy |= {"end_day": None, "notes": ""}
                store.apply_change(db, patient_id, "therapy", uuid.uuid4(), None, False, therapy)
        for patient_id in ids:
            code = invites.create(db, patient_id).code
            invites.accept(db, doctor, code, share_days=365)
    return "busy@example.org"


def signed_in(app, email):
    client = app.test_client()
    token = client.get("/api/v1/session").get_json()["csrf_token"]
    body = {"email": email, "password": PASSWORD}
    client.post("/api/v1/session", json=body, headers={"X-CSRFToken": token})
    return client


def timed(call, runs):
    """Median wall and CPU ms of ``runs`` calls, and the size of the answer."""
    walls, cpus, size = [], [], 0
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        response = call()
        size = len(response.get_data())
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(walls), statistics.median(cpus), size


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        app = bench_app(Path(tmp) / "patients.sqlite3")
        client = signed_in(app, seed(app, args.patients))
        print(f"{args.patients} patients sharing, {DAYS} days each; median of {args.runs} runs")
        print("(Flask test client in-process; median wall and CPU ms, size of the answer)")
        for label, path in (
            ("GET /patients/ (first page)", "/patients/"),
            ("GET /patients/?sort=leg_pain", "/patients/?sort=leg_pain"),
            ("GET /patients/?q=patient 01", "/patients/?q=patient%2001"),
            ("GET /api/v1/patients (all)", "/api/v1/patients"),
        ):
            wall, cpu, size = timed(lambda path=path: client.get(path), args.runs)
            print(f"{label:30} {wall:7.0f} ms wall {cpu:7.0f} ms CPU {size / 1024:7.1f} KB")


if __name__ == "__main__":
    main()
