"""The medicine pages and "Took one" on Today, without JavaScript (plain HTML forms)."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests import clock
from tests.conftest import form_token, text_of

TODAY = clock.TODAY.isoformat()  # the run's day (the test patients live in UTC)


def post(api, path, data, token_from=None):
    token = form_token(api.client, token_from or path)
    return api.client.post(path, data={**data, "csrf_token": token})


def add(patient, **fields):
    page = patient.client.get("/medications/new").get_data(as_text=True)
    form_id = re.search(r'name="id" value="([^"]+)"', page).group(1)
    data = {
        "id": form_id,
        "name": "Pregabalin",
        "strength": "75",
        "unit": "mg",
        "schedule": "regular",
        "start_day": "2026-01-05",
        "end_day": "",
        "start_dose": "75 mg twice a day",
        **fields,
    }
    return post(patient, "/medications/new", data), data


def test_a_medicine_is_added_listed_changed_and_deleted(patient):
    assert "No medicines yet" in text_of(patient.client.get("/medications/"))
    response, data = add(patient)
    assert response.status_code == 302
    # The form sent again (a double tap, the back button) adds nothing more.
    assert post(patient, "/medications/new", data).status_code == 302
    [med] = patient.get("/api/v1/medications").get_json()["medications"]
    assert med["changes"] == [{"day": "2026-01-05", "dose": "75 mg twice a day"}]
    listed = text_of(patient.client.get("/medications/"))
    assert "Pregabalin 75 mg" in listed and "from 5 Jan 2026, ongoing" in listed

    edit = f"/medications/{med['id']}/edit"
    changed = post(
        patient,
        edit,
        {
            "base_version": "1",
            "name": "Pregabalin",
            "strength": "75",
            "unit": "mg",
            "schedule": "regular",
            "start_day": "2026-01-05",
            "end_day": "",
            "change_day": ["2026-01-05", "2026-02-01"],
            "change_dose": ["75 mg twice a day", "150 mg twice a day"],
        },
    )
    assert changed.status_code == 302
    med = patient.get(f"/api/v1/medications/{med['id']}").get_json()
    assert [c["dose"] for c in med["changes"]] == ["75 mg twice a day", "150 mg twice a day"]
    assert "1 Feb 2026: 150 mg twice a day" in text_of(patient.client.get("/medications/"))

    delete = f"/medications/{med['id']}/delete"
    assert "Delete “Pregabalin 75 mg”?" in text_of(patient.client.get(delete))
    assert post(patient, delete, {}).status_code == 302
    assert patient.get("/api/v1/medications").get_json()["medications"] == []


def test_a_refused_form_comes_back_with_what_was_typed_and_why(patient):
    response, _ = add(patient, name="")
    assert response.status_code == 422
    assert "Name must not be empty." in text_of(response)
    assert 'value="75 mg twice a day"' in response.get_data(as_text=True)
    response, _ = add(patient, end_day="2026-01-01")
    assert "End day (optional) must be on or after the start day." in text_of(response)
    response, _ = add(patient, name="Pregabalin\x1b[8m")
    assert response.status_code == 422
    assert "Name must be one line without control characters" in text_of(response)
    med = patient.post(
        "/api/v1/medications",
        {"name": "Naproxen", "schedule": "regular", "start_day": "2026-01-05"},
    ).get_json()
    before = post(
        patient,
        f"/medications/{med['id']}/edit",
        {
            "base_version": "1",
            "name": "Naproxen",
            "schedule": "regular",
            "start_day": "2026-01-05",
            "change_day": ["2025-12-01"],
            "change_dose": ["500 mg"],
        },
    )
    assert before.status_code == 422
    assert "Dose changes: the change of 1 Dec 2025 is before the start day." in text_of(before)


def test_earlier_names_are_suggested_there_is_no_drug_database(patient):
    add(patient, name="Pregabalin")
    add(patient, name="Amitriptyline")
    page = patient.client.get("/medications/new").get_data(as_text=True)
    assert 'list="earlier-names"' in page
    suggested = re.findall(r'<option value="([^"]+)">', page.split('id="earlier-names"')[1])
    assert suggested[:2] == ["Amitriptyline", "Pregabalin"]


def test_took_one_on_today_records_a_dose_once_and_its_time_can_be_changed(patient):
    patient.post(
        "/api/v1/medications",
        {
            "name": "Ibuprofen",
            "strength": "400",
            "unit": "mg",
            "schedule": "as_needed",
            "start_day": "2026-01-01",
        },
    )
    patient.post(
        "/api/v1/medications",
        {"name": "Pregabalin", "schedule": "regular", "start_day": "2026-01-01"},
    )
    today = patient.client.get("/today").get_data(as_text=True)
    assert today.count("data-took-one") == 1  # only what is taken when needed
    assert 'aria-label="Took one: Ibuprofen 400 mg">Took one</button>' in today
    form = today.split("data-took-one")[1]
    fields = dict(re.findall(r'name="(medication_id|id)" value="([^"]+)"', form))
    sent = post(patient, "/medications/doses", fields, token_from="/today")
    assert sent.status_code == 302
    after = patient.client.get("/today")
    assert "Recorded: Ibuprofen 400 mg at" in text_of(after)
    # The same form sent again records nothing more.
    assert post(patient, "/medications/doses", fields, token_from="/today").status_code == 302
    [dose] = patient.get("/api/v1/doses").get_json()["doses"]
    assert f'data-dose-id="{dose["id"]}"' in after.get_data(as_text=True)

    edit = f"/medications/doses/{dose['id']}/edit"
    earlier = post(patient, edit, {"base_version": "1", "day": TODAY, "time": "00:05"})
    assert earlier.status_code == 302
    moved = patient.get(f"/api/v1/doses/{dose['id']}").get_json()
    assert moved["taken_at"] == f"{TODAY}T00:05:00.000Z"  # the patient's zone is UTC
    bad = post(patient, edit, {"base_version": "2", "day": TODAY, "time": "25:00"})
    assert bad.status_code == 422
    future = (datetime.now(UTC).date() + timedelta(days=5)).isoformat()
    assert (
        post(patient, edit, {"base_version": "2", "day": future, "time": "08:00"}).status_code
        == 422
    )
    removed = post(patient, f"/medications/doses/{dose['id']}/delete", {}, token_from=edit)
    assert removed.status_code == 302
    assert patient.get("/api/v1/doses").get_json()["doses"] == []


def test_today_shows_no_medicine_block_without_medicines_taken_when_needed(patient):
    hidden = '<section class="as-needed" aria-labelledby="as-needed-heading" data-as-needed hidden>'
    assert hidden in patient.client.get("/today").get_data(as_text=True)
    patient.post(
        "/api/v1/medications",
        {
            "name": "Ibuprofen",
            "schedule": "as_needed",
            "start_day": "2020-01-01",
            "end_day": "2020-02-01",
        },
    )
    assert hidden in patient.client.get("/today").get_data(as_text=True)


def test_a_dose_whose_medicine_was_deleted_is_kept_and_said(patient):
    med = patient.post(
        "/api/v1/medications",
        {"name": "Ibuprofen", "schedule": "as_needed", "start_day": "2026-01-01"},
    ).get_json()
    patient.post("/api/v1/doses", {"medication_id": med["id"], "taken_at": "2026-03-02T08:00:00Z"})
    patient.delete(f"/api/v1/medications/{med['id']}")
    listed = text_of(patient.client.get("/medications/"))
    assert "1 dose you recorded belongs to a medicine that is no longer in this list" in listed


@pytest.mark.parametrize(
    ("time_zone", "day", "time", "message"),
    [
        ("Asia/Tokyo", "0001-01-01", "08:00", "Day is too far in the past."),
        ("America/New_York", "9999-12-31", "23:00", "Day is in the future;"),
        ("UTC", "2026-02-30", "08:00", "Day must be a real calendar date like 2026-03-31."),
    ],
)
def test_a_dose_moved_to_a_day_out_of_range_is_named_on_the_form(
    make_api, time_zone, day, time, message
):
    # In UTC these moments fall before year 1 or after year 9999: once a 500 (OverflowError).
    patient = make_api()
    patient.register(time_zone=time_zone)
    dose = _a_dose_this_morning(patient)
    edit = f"/medications/doses/{dose['id']}/edit"
    refused = post(patient, edit, {"base_version": "1", "day": day, "time": time})
    assert refused.status_code == 422
    assert message in text_of(refused)
    html = refused.get_data(as_text=True)
    assert re.search(r'<input id="f-day"[^>]*aria-describedby="[^"]*f-day-error', html)
    assert f'value="{day}"' in html  # what was typed is shown again
    assert patient.get(f"/api/v1/doses/{dose['id']}").get_json() == dose


def _a_dose_this_morning(api):
    med = api.post(
        "/api/v1/medications", {"name": "Ibuprofen", "schedule": "as_needed", "start_day": TODAY}
    ).get_json()
    return api.post(
        "/api/v1/doses", {"medication_id": med["id"], "taken_at": f"{TODAY}T08:00:00Z"}
    ).get_json()


def test_a_dose_moved_to_later_today_is_refused_on_the_form(patient):
    # The tests' clock is at noon UTC: tonight at 23:00 has not come yet, though its day has.
    dose = _a_dose_this_morning(patient)
    edit = f"/medications/doses/{dose['id']}/edit"
    refused = post(patient, edit, {"base_version": "1", "day": str(TODAY), "time": "23:00"})
    assert refused.status_code == 422
    assert "is in the future; you can record now or an earlier time" in text_of(refused)
    assert patient.get(f"/api/v1/doses/{dose['id']}").get_json() == dose


@pytest.mark.parametrize(
    "taken_at",
    [
        "2026-11-01T06:30:00.000Z",  # 01:30 in New York the second time, after clocks went back
        "2026-11-03T17:15:42.500Z",  # seconds the form does not show
    ],
)
def test_a_dose_saved_as_the_form_shows_it_keeps_its_moment(make_api, taken_at):
    patient = make_api()
    patient.register(time_zone="America/New_York")
    med = patient.post(
        "/api/v1/medications",
        {"name": "Ibuprofen", "schedule": "as_needed", "start_day": "2026-10-01"},
    ).get_json()
    dose = patient.post("/api/v1/doses", {"medication_id": med["id"], "taken_at": taken_at})
    dose = dose.get_json()
    edit = f"/medications/doses/{dose['id']}/edit"
    html = patient.client.get(edit).get_data(as_text=True)
    shown = {
        name: re.search(rf'<input id="f-{name}"[^>]*value="([^"]+)"', html).group(1)
        for name in ("day", "time")
    }
    assert post(patient, edit, {"base_version": "1", **shown}).status_code == 302
    assert patient.get(f"/api/v1/doses/{dose['id']}").get_json() == dose  # same moment, v1


def _took_one_form(patient):
    today = patient.client.get("/today").get_data(as_text=True)
    form = today.split("data-took-one")[1]
    return dict(re.findall(r'name="(medication_id|id)" value="([^"]+)"', form))


def test_took_one_for_a_medicine_not_in_the_list_re_shows_today_saying_so(make_api, patient):
    patient.post(
        "/api/v1/medications",
        {"name": "Ibuprofen", "schedule": "as_needed", "start_day": TODAY},
    )
    fields = _took_one_form(patient)
    other = make_api()
    other.register(email="other@example.org")
    theirs = other.post(
        "/api/v1/medications", {"name": "Theirs", "schedule": "as_needed", "start_day": TODAY}
    ).get_json()["id"]
    for medication_id in ("zzz", theirs, "0b6c3d1e-1f2a-4b5c-8d9e-0f1a2b3c4d5e"):
        sent = {**fields, "medication_id": medication_id}
        refused = post(patient, "/medications/doses", sent, token_from="/today")
        assert refused.status_code == 422
        html = refused.get_data(as_text=True)
        assert re.search(
            r'<h2 id="as-needed-heading">[^<]*</h2>\s*<p class="error form-error" role="alert" '
            r'id="as-needed-error"[^>]*>That medicine is not in your list any more. '
            r"Nothing was recorded.</p>",
            html,
        )
        assert "Took one: Ibuprofen" in html  # the list is there to tap again
    assert patient.get("/api/v1/doses").get_json()["doses"] == []
    assert other.get("/api/v1/doses").get_json()["doses"] == []


def test_took_one_with_an_id_already_another_records_re_shows_today_saying_so(make_api, patient):
    made = [
        patient.post(
            "/api/v1/medications", {"name": name, "schedule": "as_needed", "start_day": TODAY}
        ).get_json()
        for name in ("Ibuprofen", "Paracetamol")
    ]
    entry = patient.post("/api/v1/entries", {"day": TODAY, "leg_pain": 4}).get_json()
    paracetamol = patient.post(
        "/api/v1/doses", {"medication_id": made[1]["id"], "taken_at": f"{TODAY}T08:00:00Z"}
    ).get_json()
    other = make_api()
    other.register(email="other@example.org")
    theirs = other.post(
        "/api/v1/medications", {"name": "Theirs", "schedule": "as_needed", "start_day": TODAY}
    ).get_json()
    their_dose = other.post(
        "/api/v1/doses", {"medication_id": theirs["id"], "taken_at": f"{TODAY}T08:00:00Z"}
    ).get_json()
    fields = {**_took_one_form(patient), "medication_id": made[0]["id"]}
    # An entry's id, another patient's dose, and a dose of another medicine: the same answer.
    for taken in (entry["id"], their_dose["id"], paracetamol["id"]):
        refused = post(patient, "/medications/doses", {**fields, "id": taken}, token_from="/today")
        assert refused.status_code == 422
        assert (
            "Nothing was recorded: this form was already used for another record. "
            "Tap “Took one” again." in text_of(refused)
        )
        assert "Took one: Ibuprofen" in refused.get_data(as_text=True)
    doses = patient.get("/api/v1/doses").get_json()["doses"]
    assert [d["id"] for d in doses] == [paracetamol["id"]]
    assert [d["id"] for d in other.get("/api/v1/doses").get_json()["doses"]] == [their_dose["id"]]
    # The same form sent twice (its answer lost) records one dose, and says nothing is wrong.
    fresh = {**_took_one_form(patient), "medication_id": made[0]["id"]}
    for _ in range(2):
        sent = post(patient, "/medications/doses", fresh, token_from="/today")
        assert sent.status_code == 302
    assert len(patient.get("/api/v1/doses").get_json()["doses"]) == 2


def test_took_one_with_a_form_id_we_did_not_make_names_its_button(patient):
    patient.post(
        "/api/v1/medications",
        {"name": "Ibuprofen", "schedule": "as_needed", "start_day": TODAY},
    )
    fields = {**_took_one_form(patient), "id": "not-an-id"}
    refused = post(patient, "/medications/doses", fields, token_from="/today")
    assert refused.status_code == 422
    assert "this form was not one we made. Tap “Took one” again." in text_of(refused)
    button = re.search(r'<button[^>]*id="took-[^"]+"[^>]*>', refused.get_data(as_text=True))
    assert 'aria-describedby="as-needed-error"' in button.group(0)
    assert patient.get("/api/v1/doses").get_json()["doses"] == []


def test_took_one_refused_shows_the_block_even_without_medicines_taken_when_needed(patient):
    # The medicine was deleted on another device: the block is hidden on a fresh Today.
    token = form_token(patient.client, "/today")
    refused = patient.client.post(
        "/medications/doses",
        data={
            "csrf_token": token,
            "id": "0b6c3d1e-1f2a-4b5c-8d9e-0f1a2b3c4d5e",
            "medication_id": "x",
        },
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "data-as-needed hidden" not in html and "css/medications.css" in html
    assert "That medicine is not in your list any more." in text_of(refused)


def test_a_strength_stays_with_its_unit_where_a_page_shows_a_name(patient):
    """'Ibuprofen 400' on one line and 'mg' on the next read as two things: the pages join
    them with a no-break space; the name read aloud and the files keep a plain one."""
    medicine = {"name": "Paracetamol/codeine", "strength": "500/30", "unit": "mg"}
    medicine = patient.post(
        "/api/v1/medications", {**medicine, "schedule": "as_needed", "start_day": "2026-01-01"}
    ).get_json()
    today = patient.client.get("/today").get_data(as_text=True)
    assert '<span class="took-name" aria-hidden="true">Paracetamol/codeine 500/30\u00a0mg<' in today
    assert 'aria-label="Took one: Paracetamol/codeine 500/30 mg"' in today
    listed = patient.client.get("/medications/").get_data(as_text=True)
    assert ">Paracetamol/codeine 500/30\u00a0mg</h2>" in listed
    taken = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    dose = patient.post("/api/v1/doses", {"medication_id": medicine["id"], "taken_at": taken})
    page = patient.client.get(f"/medications/doses/{dose.get_json()['id']}/edit")
    assert "<h1>Dose of Paracetamol/codeine 500/30\u00a0mg</h1>" in page.get_data(as_text=True)
    csv = patient.client.get("/api/v1/export.csv?table=doses").get_data(as_text=True)
    assert "Paracetamol/codeine 500/30 mg" in csv and "\u00a0" not in csv
