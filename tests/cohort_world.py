"""A synthetic clinic for the cohort tests: patients after a stem-cell injection, with what
each logged in each window, and the expected numbers worked out here, independently of
diary/cohorts (the window days are CLINICAL.md's, written out again on purpose)."""

import uuid
from datetime import UTC, date, datetime, timedelta

#: CLINICAL.md section 4: each window's days relative to the therapy day.
WINDOW_DAYS = {
    "baseline": (-28, -1),
    "2w": (8, 21),
    "6w": (29, 56),
    "3m": (77, 105),
    "6m": (168, 196),
    "12m": (351, 379),
}
WINDOWS = list(WINDOW_DAYS)
KIND = "msc_injection"
NOISE = (-1, 0, 1)


def today() -> date:
    return datetime.now(UTC).date()


def plan(name, ago, levels, *, logged=None, responses=(), extra_therapies=(), flare=False):
    """One patient: their first injection ``ago`` days before today, ``levels`` (leg, back)
    per window (a window left out: nothing logged), ``logged`` days per window (7 unless
    given), questionnaire ``responses`` as (questionnaire, offset, answers)."""
    return {
        "name": name,
        "email": f"{name.lower().replace(' ', '.')}@example.org",
        "ago": ago,
        "levels": levels,
        "logged": logged or {},
        "responses": list(responses),
        "extra_therapies": list(extra_therapies),
        "flare": flare,
        "note": f"secret note of {name}",
        "label": f"Clinic batch of {name}",
    }


def rmdq(score):
    return {str(i): i <= score for i in range(1, 25)}


FULL = {
    "baseline": (8, 6),
    "2w": (5, 5),
    "6w": (4, 4),
    "3m": (3, 4),
    "6m": (3, 3),
    "12m": (2, 3),
}

#: Counted: six patients sharing with the physician now.
COUNTED = [
    plan(
        "Alma Quist",
        400,
        FULL,
        responses=[("rmdq", -10, rmdq(14)), ("rmdq", 90, rmdq(6)), ("pgic", 90, {"1": 2})],
        flare=True,
    ),
    plan(
        "Bruno Vale",
        420,
        {"baseline": (7, 3), "2w": (6, 3), "6w": (6, 3), "3m": (6, 2), "6m": (5, 2), "12m": (6, 2)},
        responses=[("rmdq", -5, rmdq(10)), ("rmdq", 95, rmdq(9)), ("pgic", 95, {"1": 4})],
    ),
    plan(
        "Cora Lindqvist",
        390,
        {"baseline": (6, 7), "2w": (4, 6), "6w": (2, 5), "3m": (2, 5), "6m": (1, 4), "12m": (1, 4)},
        responses=[("odi", -3, {"total": 50}), ("odi", 80, {"total": 30})],
    ),
    # Lost to follow-up after 6 weeks.
    plan("Dov Marek", 410, {"baseline": (9, 8), "2w": (8, 8), "6w": (7, 7)}),
    # Injected 90 days ago: the 3-month window is still running (6 days logged so far).
    plan(
        "Esme Okafor",
        90,
        {"baseline": (7, 5), "2w": (5, 5), "6w": (4, 4), "3m": (3, 3)},
        logged={"3m": 6},
    ),
    # Too few days at 3 months; a second injection later (only the first counts).
    plan(
        "Finn Rask",
        400,
        {"baseline": (6, 5), "2w": (4, 4), "6w": (4, 4), "3m": (4, 4), "6m": (3, 3), "12m": (3, 3)},
        logged={"3m": 3},
        extra_therapies=[(KIND, 200)],
    ),
]
#: Never counted, each for their own reason.
NOT_COUNTED = {
    "opted_out": plan("Gus Opted", 400, FULL),
    "revoked": plan("Hana Revoked", 400, FULL),
    "expired": plan("Ivo Expired", 400, FULL),
    "no_share": plan("Jan Noshare", 400, FULL),
    "other_physician": plan("Kai Elsewhere", 400, FULL),
}


def clamp(value):
    return max(0, min(10, value))


def daily(p):
    """``{offset: (leg, back)}`` of what the patient logged, offsets from the therapy day."""
    days = {}
    for window, (leg, back) in p["levels"].items():
        first, _last = WINDOW_DAYS[window]
        for i in range(p["logged"].get(window, 7)):
            noise = NOISE[i % 3]
            days[first + 2 * i] = (clamp(leg + noise), clamp(back - noise))
    if p["flare"]:
        days[3] = (10, 10)  # the flare week after the injection is in no window
    return days


def start_day(p) -> date:
    return today() - timedelta(days=p["ago"])


def sync_changes(p):
    """The patient's diary as one sync batch: entries, therapies and responses."""
    start = start_day(p)
    therapy_id = str(uuid.uuid4())
    changes = [
        {
            "kind": "therapy",
            "id": therapy_id,
            "base_version": None,
            "deleted": False,
            "data": {
                "kind": KIND,
                "label": p["label"],
                "start_day": start.isoformat(),
                "notes": f"therapy notes of {p['name']}",
            },
        }
    ]
    for kind, ago in p["extra_therapies"]:
        changes.append(
            {
                "kind": "therapy",
                "id": str(uuid.uuid4()),
                "base_version": None,
                "deleted": False,
                "data": {"kind": kind, "start_day": (today() - timedelta(days=ago)).isoformat()},
            }
        )
    for offset, (leg, back) in daily(p).items():
        changes.append(
            {
                "kind": "entry",
                "id": str(uuid.uuid4()),
                "base_version": None,
                "deleted": False,
                "data": {
                    "day": (start + timedelta(days=offset)).isoformat(),
                    "leg_pain": leg,
                    "back_pain": back,
                    "note": p["note"],
                },
            }
        )
    for questionnaire, offset, answers in p["responses"]:
        data = {
            "questionnaire": questionnaire,
            "day": (start + timedelta(days=offset)).isoformat(),
            "answers": answers,
        }
        if questionnaire == "pgic":
            data["therapy_id"] = therapy_id
        changes.append(
            {
                "kind": "response",
                "id": str(uuid.uuid4()),
                "base_version": None,
                "deleted": False,
                "data": data,
            }
        )
    return changes
