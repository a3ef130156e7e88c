"""A busy physician's list of patients: the time of one page of it, HTML and JSON.

Run: .venv/bin/python bench/bench_patient_list.py [--patients 200] [--runs 5]

``--patients`` patients share with one physician, each with 120 days of made-up diary
(bench/diaries.py, a warning sign on one day in a hundred) and a therapy; every tenth
patient has no entries, as in a real clinic. Served by the Flask test client in-process;
the median wall and CPU time of ``--runs`` requests of each page (the wall time is what the
physician waits for; the CPU time is the same on a quiet machine, and what counts on a busy
one). The first request also writes the access-log events of the patients it shows.

The baseline, in the same run: the whole list as ``GET /api/v1/patients`` answered before
it was paged (every patient computed, logged and sent), by the same domain calls that route
made, in-process without the request around them (a few ms less than the route took).
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

from flask import jsonify

sys.path.insert(0, str(Path(__file__).resolve().parent))

from diaries import PASSWORD, bench_app, entries  # noqa: E402

from diary import accounts  # noqa: E402
from diary.db import get_db, write  # noqa: E402
from diary.sharing import dashboard, invites  # noqa: E402
from diary.sync import store  # noqa: E402

DAYS = 120


def seed(app, patients: int):
    """A physician and ``patients`` patients sharing with them; returns the physician's id."""
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
    return doctor


def signed_in(app, email):
    client = app.test_client()
    token = client.get("/api/v1/session").get_json()["csrf_token"]
    body = {"email": email, "password": PASSWORD}
    client.post("/api/v1/session", json=body, headers={"X-CSRFToken": token})
    return client


def timed(call, runs):
    """Median wall and CPU ms of ``runs`` calls, and the size of the answer (``call``
    returns its responses)."""
    walls, cpus, size = [], [], 0
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        responses = call()
        size = sum(len(response.get_data()) for response in responses)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        assert all(r.status_code == 200 for r in responses), [r.status_code for r in responses]
    return statistics.median(walls), statistics.median(cpus), size


def whole_list(app, physician_id):
    """The list as the JSON route answered before it was paged: every patient's summary
    computed, logged and sent in one answer."""
    with app.test_request_context():
        db = get_db()
        rows = dashboard.patients(db, physician_id).rows
        dashboard.log_listed(db, accounts.get_user(db, physician_id), rows)
        return [jsonify({"patients": rows})]


def every_page(client, path):
    """The answers of ``path`` and of each page after it, following ``next``."""
    pages = [client.get(path)]
    while pages[-1].get_json()["next"]:
        pages.append(client.get(path, query_string={"after": pages[-1].get_json()["next"]}))
    return pages


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        app = bench_app(Path(tmp) / "patients.sqlite3")
        doctor = seed(app, args.patients)
        client = signed_in(app, "busy@example.org")
        print(f"{args.patients} patients sharing, {DAYS} days each; median of {args.runs} runs")
        print("(Flask test client in-process; median wall and CPU ms, size of the answer)")
        pages = (
            ("GET /patients/ (first page)", "/patients/"),
            ("GET /patients/?sort=leg_pain", "/patients/?sort=leg_pain"),
            ("GET /patients/?q=patient 01", "/patients/?q=patient%2001"),
            ("GET /api/v1/patients", "/api/v1/patients"),
            ("GET /api/v1/patients?sort=leg_pain", "/api/v1/patients?sort=leg_pain"),
            ("GET /api/v1/patients?q=patient 01", "/api/v1/patients?q=patient%2001"),
        )
        calls = [(label, lambda path=path: [client.get(path)]) for label, path in pages]
        calls[3:3] = [("JSON, unpaged (baseline)", lambda: whole_list(app, doctor))]
        calls.append(("JSON, every page by next", lambda: every_page(client, "/api/v1/patients")))
        for label, call in calls:
            wall, cpu, size = timed(call, args.runs)
            print(f"{label:36} {wall:7.0f} ms wall {cpu:7.0f} ms CPU {size / 1024:7.1f} KB")


if __name__ == "__main__":
    main()
