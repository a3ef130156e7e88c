"""``flask --app diary seed-demo``: a realistic, repeatable demo patient and physician."""

import re
from datetime import timedelta

import pytest

from diary import demo
from diary.clinical.comparison import patient_today
from diary.db import get_db
from tests.conftest import Api


def counts(app):
    with app.app_context():
        db = get_db()
        return {
            table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in ("users", "entries", "therapies", "shares")
        }


def passwords(output):
    found = dict(re.findall(r"(\S+@example\.org)\s+password: (\S+)", output))
    assert set(found) == {demo.PATIENT_EMAIL, demo.PHYSICIAN_EMAIL}, output
    return found


@pytest.fixture
def seeded(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result.output


def test_seed_demo_creates_about_150_days_ending_today(app, seeded):
    assert counts(app) == {
        "users": 2,
        "entries": len(demo.diary_entries(patient_today(demo.TIME_ZONE))),
        "therapies": 2,
        "shares": 1,
    }
    with app.app_context():
        db = get_db()
        first, last, days = db.execute(
            "SELECT MIN(day), MAX(day), COUNT(DISTINCT day) FROM entries"
        ).fetchone()
        kinds = [r[0] for r in db.execute("SELECT kind FROM therapies ORDER BY start_day")]
    today = patient_today(demo.TIME_ZONE)
    assert last == today.isoformat()
    assert first == (today - timedelta(days=149)).isoformat()
    assert 130 <= days <= 150
    assert kinds == ["msc_injection", "physiotherapy"]
    assert "shares their diary with this physician" in seeded


def test_running_twice_refuses_and_changes_nothing_and_reset_starts_again(app, runner, seeded):
    before = counts(app)
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code != 0
    assert "already exist" in again.output and "--reset" in again.output
    assert counts(app) == before

    reset = runner.invoke(args=["seed-demo", "--reset"])
    assert reset.exit_code == 0, reset.output
    assert counts(app) == before
    old, new = passwords(seeded), passwords(reset.output)
    api = Api(app.test_client())
    assert api.signin(demo.PATIENT_EMAIL, old[demo.PATIENT_EMAIL]).status_code == 401
    assert api.signin(demo.PATIENT_EMAIL, new[demo.PATIENT_EMAIL]).status_code == 200


def test_the_demo_injection_shows_an_important_improvement(app, seeded):
    api = Api(app.test_client())
    assert api.signin(demo.PATIENT_EMAIL, passwords(seeded)[demo.PATIENT_EMAIL]).status_code == 200
    therapies = api.get("/api/v1/therapies").get_json()["therapies"]
    injection = next(t for t in therapies if t["kind"] == "msc_injection")
    windows = api.get(f"/api/v1/therapies/{injection['id']}/comparison").get_json()["windows"]
    by_name = {w["name"]: w for w in windows}
    assert 6.5 <= by_name["baseline"]["leg"]["mean"] <= 8  # leg pain around 7 before
    assert by_name["baseline"]["distal_level_median"] == 5  # down to the foot
    categories = {w["change"]["category"] for w in windows if "change" in w}
    assert categories & {"important_improvement", "substantial_improvement"}
    assert by_name["latest"]["change"]["responder"] is True
    assert by_name["latest"]["distal_level_median"] <= 3  # above the knee now
    assert by_name["latest"]["activity_index"] < by_name["baseline"]["activity_index"]
    # Noise: not a straight line.
    assert by_name["latest"]["leg"]["q3"] > by_name["latest"]["leg"]["q1"]


def test_the_physician_reads_the_demo_through_the_share(app, seeded):
    found = passwords(seeded)
    patient = Api(app.test_client())
    patient.signin(demo.PATIENT_EMAIL, found[demo.PATIENT_EMAIL])
    pid = patient.get("/api/v1/session").get_json()["user"]["id"]
    tid = patient.get("/api/v1/therapies").get_json()["therapies"][0]["id"]
    doctor = Api(app.test_client())
    assert doctor.signin(demo.PHYSICIAN_EMAIL, found[demo.PHYSICIAN_EMAIL]).status_code == 200
    response = doctor.get(f"/api/v1/patients/{pid}/therapies/{tid}/comparison")
    assert response.status_code == 200
    own = patient.get(f"/api/v1/therapies/{tid}/comparison").get_json()
    seen = response.get_json()
    # The same numbers; the therapy's free-text notes stay private (not shared by default).
    assert own["therapy"]["notes"] and seen["therapy"]["notes"] == ""
    assert {**seen, "therapy": None} == {**own, "therapy": None}
    # The share was made the real way: an invite code, used once, stored only as a hash.
    with app.app_context():
        share = get_db().execute("SELECT code_hash, accepted_at FROM shares").fetchone()
    assert len(share[0]) == 64 and share[1] is not None


def test_the_story_is_deterministic_and_valid():
    today = patient_today(demo.TIME_ZONE)
    entries = demo.diary_entries(today)
    assert entries == demo.diary_entries(today)
    assert entries != demo.diary_entries(today, seed=demo.SEED + 1)
    assert all(0 <= e["leg_pain"] <= 10 and 0 <= e["back_pain"] <= 10 for e in entries)
    assert sum(bool(e["note"]) for e in entries) == len(demo._NOTES)
    therapies = demo.therapies(today)
    assert therapies[1]["end_day"] > therapies[1]["start_day"] > therapies[0]["start_day"]
