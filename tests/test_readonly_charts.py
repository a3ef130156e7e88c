"""The read-only charts of a physician and of a view link carry the last year of days, as the
patient's own page does, and fetch the older days under the same share or link.

The three-year diary of tests/test_charts_reads.py, shared with a physician and through a
view link; the numbers the pages show must be those of a view read from every day.
"""

import html
import json
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from diary import accounts
from diary.charts import reads
from diary.db import get_db, write
from diary.schemas import EntryData
from diary.sharing import summary
from diary.sync import store
from tests.three_year_diary import FIRST, SHOWN_FROM, THERAPY_STARTS, TODAY, YEARS, diary_rows

OLDER_TO = (SHOWN_FROM - timedelta(days=1)).isoformat()


def chart_data(response):
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    return json.loads(html.unescape(re.search(r"data-chart='([^']*)'", body).group(1)))


def access_log(app):
    with app.app_context():
        rows = get_db().execute("SELECT viewer, what FROM access_log ORDER BY id").fetchall()
    return [tuple(row) for row in rows]


@pytest.fixture
def readers(app, patient, doctor):
    """``(patient id, physician client, view link token)``: the diary is shared both ways.

    Written as ``diary`` writes it, but without its app context: requests of different
    clients in one context would share one CSRF token."""
    with app.app_context():
        db = get_db()
        with write(db):
            for row in diary_rows():
                if row["leg_pain"] is not None or row["back_pain"] is not None:
                    data = EntryData.model_validate(row)
                    store.apply_change(
                        db, patient.user["id"], "entry", uuid.uuid4(), None, False, data
                    )
    for start, kind in THERAPY_STARTS:
        patient.post("/api/v1/therapies", {"kind": kind, "start_day": start.isoformat()})
    code = patient.post("/api/v1/shares").get_json()["code"]
    assert doctor.post("/api/v1/shares/accept", {"code": code}).status_code == 200
    url = patient.post("/api/v1/links", {"days": 7}).get_json()["url"]
    return patient.user["id"], doctor, url.rsplit("/", 1)[1]


def carried_and_older(data, older_url):
    """What every read-only charts page carries of a three-year diary."""
    assert data["first_day"] == FIRST.isoformat()
    assert data["timeline"]["day"][0] >= SHOWN_FROM.isoformat()
    assert len(data["timeline"]["day"]) <= reads.SHOWN_DAYS
    older = data["older"]
    assert older["before"] == SHOWN_FROM.isoformat() and older["url"] == older_url
    assert len(older["weeks"]["day"]) >= 52 * (YEARS - 1) - 1
    return older


def test_the_read_only_view_shows_the_numbers_of_a_view_read_from_every_day(
    diary,
    monkeypatch,
):
    db, user_id, _ = diary
    patient = accounts.get_user(db, user_id)
    view = summary.patient_view(db, patient, today=TODAY)
    monkeypatch.setattr(reads, "shown_from", lambda today: None)  # every day, as before
    whole = summary.patient_view(db, patient, today=TODAY)
    for key in ("period", "tables", "focus", "questionnaires", "timeline_svg", "red_flags"):
        assert view[key] == whole[key], key
    for key in ("panels", "weeks", "first_day", "last_day", "days_logged"):
        assert view["page"][key] == whole["page"][key], key
    assert view["page"]["shown_from"] == SHOWN_FROM.isoformat()
    assert view["page"]["timeline"] == [
        row for row in whole["page"]["timeline"] if row["day"] >= SHOWN_FROM.isoformat()
    ]
    assert len(whole["page"]["timeline"]) > 2 * len(view["page"]["timeline"])


def test_the_physicians_page_carries_its_year_and_all_fetches_the_rest(app, readers, patient):
    patient_id, doctor, _ = readers
    data = chart_data(doctor.get(f"/patients/{patient_id}"))
    older = carried_and_older(data, f"/api/v1/patients/{patient_id}/timeline?to={OLDER_TO}")
    fetched = doctor.get(older["url"]).get_json()["days"]
    whole = doctor.get(f"/api/v1/patients/{patient_id}/timeline").get_json()["days"]
    assert fetched + [row for row in whole if row["day"] >= older["before"]] == whole
    assert [row["day"] for row in whole if row["day"] >= older["before"]] == data["timeline"]["day"]
    # The patient's own timeline: the same days and 7-day means.
    assert whole == patient.get("/api/v1/timeline").get_json()["days"]
    # The page and the first read are logged; the same read again within minutes is not.
    assert access_log(app) == [("physician", "charts"), ("physician", "timeline")]


def test_the_physicians_timeline_leaves_out_notes_the_patient_keeps(readers, patient):
    patient_id, doctor, _ = readers
    therapy = patient.get("/api/v1/therapies").get_json()["therapies"][0]
    changed = patient.put(
        f"/api/v1/therapies/{therapy['id']}",
        {
            "kind": therapy["kind"],
            "start_day": therapy["start_day"],
            "notes": "my secret",
            "base_version": therapy["version"],
        },
    )
    assert changed.status_code == 200, changed.get_json()
    body = doctor.get(f"/api/v1/patients/{patient_id}/timeline?from={TODAY}")
    assert "my secret" not in body.get_data(as_text=True)
    assert len(body.get_json()["therapies"]) == 4


def test_a_revoked_share_answers_404_on_the_timeline(app, readers):
    patient_id, doctor, _ = readers
    path = f"/api/v1/patients/{patient_id}/timeline?to={OLDER_TO}"
    assert doctor.get(path).status_code == 200
    with app.app_context():
        db = get_db()
        with write(db):
            db.execute("UPDATE shares SET revoked_at = ?", [datetime.now(UTC).isoformat()])
    response = doctor.get(path)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert access_log(app) == [("physician", "timeline")]


def test_a_view_link_carries_its_year_and_all_fetches_the_rest_through_the_link(
    app, readers, patient
):
    patient_id, doctor, token = readers
    # Someone else than the patient: the patient's own visits to their link are not logged.
    client = app.test_client()
    data = chart_data(client.get(f"/v/{token}/charts"))
    older = carried_and_older(data, f"/v/{token}/timeline?to={OLDER_TO}")
    response = client.get(older["url"])
    assert response.status_code == 200
    # Kept out of caches, referrers and search engines, like every page of the link.
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    fetched = response.get_json()["days"]
    mine = patient.get(f"/api/v1/timeline?to={OLDER_TO}").get_json()["days"]
    assert fetched == mine and fetched[0]["day"] == FIRST.isoformat()
    assert fetched[-1]["day"] == OLDER_TO
    # Each use is the link's, in the patient's log: the page, then the older days once.
    assert client.get(older["url"]).status_code == 200
    assert access_log(app) == [("link", "charts"), ("link", "timeline")]
    listed = patient.get("/api/v1/links").get_json()["links"][0]
    assert listed["uses"] == 1  # pages opened: the charts, not the days they fetched


def test_a_turned_off_link_answers_404_and_a_bad_day_is_named(app, readers, patient, client):
    _, _, token = readers
    path = f"/v/{token}/timeline"
    bad = client.get(path + "?from=yesterday")
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"from"}
    link = patient.get("/api/v1/links").get_json()["links"][0]
    assert patient.delete(f"/api/v1/links/{link['id']}").status_code == 204
    assert client.get(path).status_code == 404
    assert client.get(f"/v/{token}/timeline", headers={"Accept": "application/json"}).is_json
    assert access_log(app) == []


def test_a_reversed_span_is_named_on_the_physicians_and_the_links_timeline(readers, client):
    patient_id, doctor, token = readers
    span = f"from={TODAY}&to={OLDER_TO}"
    for reader, path in (
        (doctor, f"/api/v1/patients/{patient_id}/timeline"),
        (client, f"/v/{token}/timeline"),
    ):
        response = reader.get(f"{path}?{span}")
        assert response.status_code == 422
        assert set(response.get_json()["error"]["fields"]) == {"to"}
