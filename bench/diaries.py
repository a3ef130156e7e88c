"""Made-up diaries for the benchmarks: years of daily entries and a few therapies, written
through the one write path (``store.apply_change``) in a single transaction, and a way to
sign in to a served app. Deterministic: the same seed gives the same diary."""

import http.cookiejar
import json
import random
import sys
import urllib.request
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diary import clinical, create_app
from diary.db import get_db, write  # noqa: E402
from diary.sync import store  # noqa: E402

DAYS = 1830  # five years
LEG_REGIONS = ("l_buttock", "l_thigh_back", "l_calf_back", "l_sole_heel")
THERAPY_KINDS = ("msc_injection", "epidural_steroid", "surgery", "physiotherapy")
PASSWORD = "a calm river at dawn"  # noqa: S105 - throwaway accounts in temporary databases
CHEAP_HASH = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST_KIB": 8}


def entries(seed=2015, days=DAYS):
    """About one entry a day for ``days`` days ending today (five years by default): a second
    on one day in ten, a gap in twenty, five activities answered, the body map marked down
    to a varying level, a short note on one day in five."""
    rng = random.Random(seed)  # nosec B311 - made-up data, the same on every run
    first = date.today() - timedelta(days=days - 1)
    rows = []
    for i in range(days):
        if rng.random() < 0.05:
            continue
        level = 4 + 3 * ((i // 200) % 2)
        for _ in range(2 if rng.random() < 0.1 else 1):
            reach = rng.randint(0, len(LEG_REGIONS))
            rows.append(
                {
                    "day": (first + timedelta(days=i)).isoformat(),
                    "leg_pain": min(10, max(0, level + rng.randint(-2, 2))),
                    "back_pain": min(10, max(0, level - 1 + rng.randint(-2, 2))),
                    "worst_leg_pain": None,
                    "regions": {code: "pain" for code in LEG_REGIONS[:reach]},
                    "activities": {
                        a: rng.randint(0, 4) for a in rng.sample(list(clinical.ACTIVITIES), 5)
                    },
                    "sitting_tolerance_min": None,
                    "walking_tolerance_min": None,
                    "red_flags": [],
                    "note": "Slept badly; the drive to work hurt." if rng.random() < 0.2 else "",
                }
            )
    return rows


def therapy_days(days=DAYS):
    """Four therapy start days spread over the diary (the last one in its final year)."""
    first = date.today() - timedelta(days=days - 1)
    step = days // 5
    return [(first + timedelta(days=step * (n + 1) - 60)).isoformat() for n in range(4)]


def bench_app(database: Path, **config):
    """An app on ``database`` with a cheap password hash (a benchmark is not about that)."""
    return create_app({"SECRET_KEY": "bench", "DATABASE": str(database), **CHEAP_HASH, **config})


def seed_patient(app, email="bench@example.org", days=DAYS, name="Bench"):
    """Register a patient through the API and write their diary straight to the store.

    Returns ``(user, entry count, therapy ids)``.
    """
    client = app.test_client()
    token = client.get("/api/v1/session").get_json()["csrf_token"]
    user = client.post(
        "/api/v1/users",
        json={"email": email, "password": PASSWORD, "name": name},
        headers={"X-CSRFToken": token},
    ).get_json()["user"]
    rows = entries(days=days)
    therapies = []
    with app.app_context():
        db = get_db()
        with write(db):
            for row in rows:
                store.apply_change(db, user["id"], "entry", uuid.uuid4(), None, False, row)
            for kind, start in zip(THERAPY_KINDS, therapy_days(days), strict=True):
                data = {"kind": kind, "label": "", "start_day": start, "end_day": None, "notes": ""}
                outcome = store.apply_change(
                    db, user["id"], "therapy", uuid.uuid4(), None, False, data
                )
                therapies.append(outcome.row["id"])
    return user, len(rows), therapies


def signed_in(base: str, email: str, *, register=False, user_agent=None):
    """Sign in (or register) over HTTP; return ``(cookie header, csrf token)``."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def call(method, path, body=None, token=None):
        request = urllib.request.Request(  # noqa: S310 - our own http://127.0.0.1 URL
            base + path, method=method, data=json.dumps(body).encode() if body else None
        )
        request.add_header("Content-Type", "application/json")
        if user_agent:
            request.add_header("User-Agent", user_agent)
        if token:
            request.add_header("X-CSRFToken", token)
        return json.load(opener.open(request))  # noqa: S310 - our own http://127.0.0.1 URL

    token = call("GET", "/api/v1/session")["csrf_token"]
    if register:
        body = {"email": email, "password": PASSWORD, "name": "Bench", "role": "patient"}
        call("POST", "/api/v1/users", body, token)
    else:
        call("POST", "/api/v1/session", {"email": email, "password": PASSWORD}, token)
    token = call("GET", "/api/v1/session")["csrf_token"]
    return "; ".join(f"{c.name}={c.value}" for c in jar), token
