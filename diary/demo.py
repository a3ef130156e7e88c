"""A realistic demo: a patient with about 150 days of sciatica diary, and their physician.

The story (CLINICAL.md's vocabulary): four weeks and more of leg pain around 7 reaching the
foot, a stem-cell (MSC) injection, a few days' flare, then gradual improvement with
day-to-day noise while the pain retreats from the foot to the buttock; a physiotherapy
course from the third week. A weekly RMDQ follows the pain down, a PGIC is answered at each
follow-up after the injection, and the clinic's ODI was taken before it and at 3 months.
The numbers come from a seeded generator, so every run tells the same story; only the
account passwords and the row ids are new each time.
"""

import math
import random
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext

from diary import accounts
from diary.clinical.comparison import patient_today
from diary.db import get_db, write
from diary.questionnaires.schemas import ResponseData
from diary.schemas import EntryData, TherapyData
from diary.sharing import invites
from diary.sync import store

PATIENT_EMAIL = "demo@example.org"
PHYSICIAN_EMAIL = "doctor@example.org"
TIME_ZONE = "Europe/Paris"
DAYS = 150
INJECTION_INDEX = 35  # day index of the injection: five weeks of diary before it
PHYSIO_START, PHYSIO_END = 21, 76  # days after the injection
SEED = 2015
DEMO_SHARE_DAYS = 365

# Where the pain reaches, by distal level, on the left leg (an S1 pattern).
_REGIONS_BY_LEVEL = {
    1: ["l_low_back"],
    2: ["l_buttock"],
    3: ["l_thigh_back"],
    4: ["l_calf_back"],
    5: ["l_foot_outer", "l_sole_heel"],
}
# Per-activity offsets: sitting and bending hurt most in sciatica, self-care least.
_ACTIVITY_OFFSETS = {
    "sitting": 0.6,
    "standing": 0.2,
    "walking": 0.3,
    "sleeping": -0.3,
    "bending_lifting": 0.8,
    "driving_travel": 0.4,
    "work_chores": 0.2,
    "self_care": -0.7,
}
_NOTES = {
    0: "Stem-cell injection this morning. Sore where the needle went in.",
    2: "Worse for a couple of days, as the doctor said it might be.",
    PHYSIO_START: "First physiotherapy session: exercises to do at home twice a day.",
    50: "Walked to the shops and back without stopping.",
    90: "Sat through a whole film for the first time in months.",
}


@dataclass
class Seeded:
    """What ``seed`` created."""

    patient: accounts.User
    physician: accounts.User
    patient_password: str
    physician_password: str
    entries: int
    days: int
    therapies: list[dict]
    responses: int
    first_day: date
    last_day: date


class DemoExists(Exception):
    """The demo accounts are already there and ``reset`` was not asked for."""


def _clip(value: float, low: int, high: int) -> int:
    return max(low, min(high, math.floor(value + 0.5)))


def _leg_level(rel: int) -> float:
    """The underlying leg pain ``rel`` days after the injection (before noise)."""
    if rel < 0:
        return 7.0
    if rel <= 5:
        return 7.6  # the post-procedure flare
    return 2.6 + 4.6 * math.exp(-(rel - 5) / 28)


def _reach(rel: int, rng: random.Random) -> int:
    """How far down the leg pain reaches: the foot before, the buttock by three months."""
    level = 5 if rel < 18 else 4 if rel < 42 else 3 if rel < 72 else 2
    if rng.random() < 0.15:
        level += rng.choice((-1, 1))
    return max(1, min(5, level))


def _entry(day: date, rel: int, rng: random.Random) -> dict:
    leg_level = _leg_level(rel)
    bad_day = rng.random() < 0.07
    leg = _clip(leg_level + rng.gauss(0, 0.8) + (2 if bad_day else 0), 0, 10)
    back = _clip(leg_level * 0.6 + 0.8 + rng.gauss(0, 0.7), 0, 10)
    reach = _reach(rel, rng)
    regions = {}
    for level in range(2, reach + 1):
        for code in _REGIONS_BY_LEVEL[level]:
            regions[code] = "pain"
    if back >= 3:
        regions["l_low_back"] = "pain"
        regions["c_low_back"] = "pain"
    if reach < 5 and rel < 80 and rng.random() < 0.4:
        regions["l_foot_outer"] = "numb"  # pins and needles linger after the pain has gone
    activities = {
        code: _clip(leg_level * 0.42 + offset + rng.gauss(0, 0.5), 0, 4)
        for code, offset in _ACTIVITY_OFFSETS.items()
    }
    return {
        "day": day.isoformat(),
        "leg_pain": leg,
        "back_pain": back,
        "worst_leg_pain": min(10, leg + rng.choice((1, 1, 2))),
        "regions": regions,
        "activities": activities,
        "sitting_tolerance_min": 5 * _clip((10 + (10 - leg) * 8) / 5, 1, 48),
        "walking_tolerance_min": 5 * _clip((5 + (10 - leg) * 7) / 5, 1, 48),
        "note": _NOTES.get(rel, ""),
    }


def diary_entries(today: date, seed: int = SEED) -> list[dict]:
    """The demo patient's entries for the ``DAYS`` days ending ``today``, oldest first.

    The same ``seed`` and ``today`` always give the same entries. About one day in
    seventeen is skipped (never the injection day or today), and about one in twenty has a
    second, evening entry.
    """
    # Made-up demo data, the same on every run: no secret comes from this generator.
    rng = random.Random(seed)  # nosec B311
    first = today - timedelta(days=DAYS - 1)
    entries = []
    for index in range(DAYS):
        rel = index - INJECTION_INDEX
        skipped = rng.random() < 0.06
        if skipped and rel not in _NOTES and index != DAYS - 1:
            continue
        day = first + timedelta(days=index)
        entries.append(_entry(day, rel, rng))
        if rng.random() < 0.05:
            evening = _entry(day, rel, rng)
            evening["note"] = ""
            entries.append(evening)
    return entries


def therapies(today: date) -> list[dict]:
    """The demo patient's two therapies: the injection and the physiotherapy course."""
    injection = today - timedelta(days=DAYS - 1 - INJECTION_INDEX)
    return [
        {
            "kind": "msc_injection",
            "label": "Stem-cell injection (L5-S1)",
            "start_day": injection.isoformat(),
            "end_day": None,
            "notes": "Mesenchymal stem cells from the patient's own bone marrow, one injection.",
        },
        {
            "kind": "physiotherapy",
            "label": "Physiotherapy",
            "start_day": (injection + timedelta(days=PHYSIO_START)).isoformat(),
            "end_day": (injection + timedelta(days=PHYSIO_END)).isoformat(),
            "notes": "Twice a week for eight weeks, with exercises at home.",
        },
    ]


# RMDQ statements in the order a sciatica patient stops ticking them as they recover.
_RMDQ_ORDER = (
    13,
    2,
    18,
    17,
    3,
    10,
    11,
    21,
    12,
    9,
    23,
    6,
    14,
    16,
    20,
    7,
    4,
    22,
    5,
    8,
    1,
    15,
    19,
    24,
)
# PGIC answers by follow-up (days after the injection): 1 very much ... 7 very much worse.
_PGIC = ((16, 3), (40, 2), (90, 2))
# The clinic's ODI totals (days after the injection).
# The first total was worked out with one section skipped (23 points of 45: 51.1%).
_ODI = ((-6, 51.1), (91, 24))


def questionnaire_responses(today: date, injection_id: str) -> list[dict]:
    """The demo patient's questionnaire answers up to ``today``: a weekly RMDQ whose score
    follows the leg pain (about 14 before the injection, 5 to 6 at three months), a PGIC at
    each follow-up of the injection, and two ODI totals from the clinic."""
    injection = today - timedelta(days=DAYS - 1 - INJECTION_INDEX)
    out = []
    for rel in range(-INJECTION_INDEX + 3, DAYS - INJECTION_INDEX, 7):
        score = _clip(_leg_level(rel) * 2 - (1 if rel > 5 else 0), 0, 24)
        ticked = set(_RMDQ_ORDER[:score])
        answers = {str(n): n in ticked for n in range(1, 25)}
        out.append(
            {"questionnaire": "rmdq", "day": injection + timedelta(days=rel), "answers": answers}
        )
    for rel, answer in _PGIC:
        out.append(
            {
                "questionnaire": "pgic",
                "day": injection + timedelta(days=rel),
                "answers": {"1": answer},
                "therapy_id": injection_id,
            }
        )
    for rel, total in _ODI:
        out.append(
            {
                "questionnaire": "odi",
                "day": injection + timedelta(days=rel),
                "answers": {"total": total},
            }
        )
    return [
        {**r, "day": r["day"].isoformat()}
        for r in sorted(out, key=lambda r: r["day"])
        if r["day"] <= today
    ]


def _existing(db) -> list[accounts.User]:
    rows = db.query("SELECT id FROM users WHERE email IN (?, ?)", [PATIENT_EMAIL, PHYSICIAN_EMAIL])
    return [accounts.get_user(db, row["id"]) for row in rows]


def seed(db, hasher, *, reset: bool = False, today: date | None = None) -> Seeded:
    """Create the demo patient, their diary and therapies, and a physician they share with.

    Refuses (DemoExists) when either demo account exists, unless ``reset``: then both are
    deleted with all their data first, so running it twice never duplicates anything.
    ``today`` defaults to the demo patient's today in their time zone. All diary rows go
    through ``store.apply_change`` (the one write path) in a single write transaction.
    """
    existing = _existing(db)
    if existing and not reset:
        raise DemoExists(", ".join(user.email for user in existing))
    for user in existing:
        accounts.delete_user(db, user.id)

    today = today or patient_today(TIME_ZONE)
    patient_password = secrets.token_urlsafe(12)
    physician_password = secrets.token_urlsafe(12)
    patient = accounts.register(
        db,
        hasher,
        email=PATIENT_EMAIL,
        password=patient_password,
        role="patient",
        name="Sam Demo",
        time_zone=TIME_ZONE,
    )
    physician = accounts.register(
        db,
        hasher,
        email=PHYSICIAN_EMAIL,
        password=physician_password,
        role="physician",
        name="Dr Alex Demo",
        time_zone=TIME_ZONE,
    )
    entries = diary_entries(today)
    planned = therapies(today)
    with write(db):
        for data in entries:
            model = EntryData.model_validate(data, strict=True)
            store.apply_change(db, patient.id, "entry", uuid.uuid4(), None, False, model)
        saved = []
        for data in planned:
            model = TherapyData.model_validate(data, strict=True)
            outcome = store.apply_change(
                db, patient.id, "therapy", uuid.uuid4(), None, False, model
            )
            saved.append(outcome.row)
        answers = questionnaire_responses(today, saved[0]["id"])
        for data in answers:
            model = ResponseData.model_validate(data, strict=True)
            store.apply_change(db, patient.id, "response", uuid.uuid4(), None, False, model)
        _share(db, patient.id, physician.id)
    return Seeded(
        patient=patient,
        physician=physician,
        patient_password=patient_password,
        physician_password=physician_password,
        entries=len(entries),
        days=len({e["day"] for e in entries}),
        therapies=saved,
        responses=len(answers),
        first_day=today - timedelta(days=DAYS - 1),
        last_day=today,
    )


def _share(db, patient_id: int, physician_id: int) -> None:
    # The way a real patient shares: an invite code, entered by the physician. The code is
    # never shown: only its hash is stored, and it is used up at once.
    invite = invites.create(db, patient_id)
    invites.accept(db, physician_id, invite.code, share_days=DEMO_SHARE_DAYS)


@click.command("seed-demo")
@click.option(
    "--reset", is_flag=True, help="Delete the demo accounts and their data first, then recreate."
)
@with_appcontext
def seed_demo_command(reset):
    """Create a demo patient with about 150 days of diary, and a physician."""
    try:
        result = seed(get_db(), current_app.extensions["diary.hasher"], reset=reset)
    except DemoExists as exists:
        raise click.ClickException(
            f"The demo accounts already exist ({exists}). Nothing was changed. Run "
            "`flask --app diary seed-demo --reset` to delete them and their data and "
            "start again."
        ) from None
    names = ", ".join(f"{t['label']} from {t['start_day']}" for t in result.therapies)
    click.echo(f"Demo patient:   {result.patient.email}   password: {result.patient_password}")
    click.echo(
        f"  {result.entries} entries on {result.days} days, {result.first_day} to "
        f"{result.last_day}; therapies: {names}; {result.responses} questionnaire answers."
    )
    click.echo(f"Demo physician: {result.physician.email}   password: {result.physician_password}")
    click.echo(
        "  The demo patient shares their diary with this physician: sign in as the "
        "physician to see the patient list, the charts and the printable summary."
    )
