"""The latest 4 weeks are "now" only while the last entry is recent (docs/clinical-method.md).

A diary left months ago must not read as current to a physician: the charts page, the
printable summary, the physician's list and the API all name the last entry's day instead,
once that day is more than ``comparison.CURRENT_DAYS`` days before the patient's today.
"""

from datetime import date, timedelta

import pytest

from diary.clinical import comparison
from tests.clock import TODAY
from tests.conftest import text_of
from tests.worked_example import post_all


def _words(day: date) -> str:
    """A day as the English pages write it ("12 Mar 2026")."""
    return f"{day.day} {day.strftime('%b')} {day.year}"


def _diary(patient, last: date) -> dict:
    """Leg pain 8 reaching the calf for 28 days before an injection, then 3 reaching the
    buttock from T+8 until ``last``; returns the therapy."""
    start = last - timedelta(days=60)
    rows = [
        {
            "day": (start - timedelta(days=n)).isoformat(),
            "leg_pain": 8,
            "regions": {"l_calf_back": "pain"},
        }
        for n in range(1, 29)
    ]
    rows += [
        {"day": day.isoformat(), "leg_pain": 3, "regions": {"l_buttock": "pain"}}
        for day in (start + timedelta(days=n) for n in range(8, 61))
    ]
    post_all(patient, "/api/v1/entries", rows)
    return patient.post(
        "/api/v1/therapies", {"kind": "epidural_steroid", "start_day": start.isoformat()}
    ).get_json()


def test_a_diary_left_months_ago_names_its_last_day_instead_of_now(shared):
    patient, doctor = shared
    last = TODAY - timedelta(days=140)
    therapy = _diary(patient, last)
    day = _words(last)

    charts = text_of(patient.client.get("/charts"))
    assert "3.0 now" not in charts and "Pain now" not in charts
    assert f"Average leg pain: 8.0 before, 3.0 in the 4 weeks to the last entry, {day}:" in charts
    assert (
        f"The last entry was on {day}, 140 days ago: the latest figures are from the 4 weeks "
        "up to it, not from now." in charts
    )
    assert (
        f"In the 4 weeks to {day}, pain stopped above the knee, at the buttock; before, it "
        "reached below the knee, in the lower leg." in charts
    )
    assert f"4 weeks to {day}: pain on at least half of the days in" in charts  # the body map

    summary = doctor.client.get(f"/patients/{patient.user['id']}/summary")
    assert summary.status_code == 200
    printed = text_of(summary)
    assert "Pain now" not in printed and "in the latest 4 weeks" not in printed
    assert f"The last entry was on {day}, 140 days ago" in printed
    assert f"in the 4 weeks to the last entry, {day}" in printed  # the body maps' heading

    body = patient.get(f"/api/v1/therapies/{therapy['id']}/comparison").get_json()
    assert body["today"] == TODAY.isoformat() and body["latest_current"] is False
    assert {w["name"]: w for w in body["windows"]}["latest"]["to"] == last.isoformat()

    row = doctor.get("/api/v1/patients").get_json()["patients"][0]["latest_therapy"]
    assert row["window"] == "latest" and row["window_current"] is False
    assert row["window_to"] == last.isoformat() and row["window_label"] == f"4 weeks to {day}"
    listed = text_of(doctor.client.get("/patients/"))
    assert f"(4 weeks to {day})" in listed and "Latest 4 weeks" not in listed


@pytest.mark.parametrize(
    ("gap", "time_zone", "current"),
    [
        (7, "UTC", True),
        (8, "UTC", False),
        # Noon UTC is already tomorrow on Kiritimati (UTC+14): the same day is 8 days ago there.
        (7, "Pacific/Kiritimati", False),
    ],
)
def test_now_lasts_seven_days_after_the_last_entry_in_the_patients_time_zone(
    make_api, gap, time_zone, current
):
    patient = make_api()
    patient.user = patient.register(time_zone=time_zone)
    last = TODAY - timedelta(days=gap)
    therapy = _diary(patient, last)
    charts = text_of(patient.client.get("/charts"))
    assert ("Average leg pain: 8.0 before, 3.0 now:" in charts) is current
    assert ("The last entry was on" in charts) is not current
    body = patient.get(f"/api/v1/therapies/{therapy['id']}/comparison").get_json()
    assert body["latest_current"] is current


def test_the_spanish_pages_name_the_day_too(patient):
    last = TODAY - timedelta(days=30)
    _diary(patient, last)
    assert patient.put("/api/v1/users/me", {"locale": "es"}).status_code == 200
    charts = text_of(patient.client.get("/charts"))
    assert "3,0 ahora:" not in charts and "Ahora el dolor" not in charts
    assert "3,0 en las 4 semanas hasta la última anotación, el" in charts
    assert "hace 30 días: las cifras más recientes son de las 4 semanas hasta ella" in charts


def test_latest_is_current_reads_the_latest_windows_last_day():
    def windows(last):
        return [{"name": "baseline", "to": "2026-01-31"}, {"name": "latest", "to": last}]

    today = date(2026, 3, 20)
    assert comparison.latest_is_current(windows("2026-03-13"), today)  # 7 days
    assert not comparison.latest_is_current(windows("2026-03-12"), today)  # 8 days
    assert not comparison.latest_is_current(windows(None), today)  # no latest weeks yet
