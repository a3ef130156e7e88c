"""The therapy pages and the charts page as HTML, without JavaScript."""

import re
from datetime import timedelta

import pytest

from diary import demo
from tests.clock import TODAY  # the run's day (the test patients live in UTC)
from tests.conftest import form_token, text_of


@pytest.fixture
def submit(client, patient):
    """POST a form the way a browser without JavaScript does, with the page's CSRF token."""

    def post(path, fields, *, source=None):
        return client.post(path, data={"csrf_token": form_token(client, source or path), **fields})

    return post


def therapies(api):
    return api.get("/api/v1/therapies").get_json()["therapies"]


def test_list_is_empty_at_first_and_says_what_to_do(client, patient):
    words = text_of(client.get("/therapies/"))
    assert "No therapies yet" in words
    assert 'href="/therapies/new"' in client.get("/therapies/").get_data(as_text=True)


def test_the_kind_comes_first_and_decides_whether_an_end_day_is_offered(client, patient):
    chooser = client.get("/therapies/new").get_data(as_text=True)
    assert 'href="/therapies/new?kind=msc_injection"' in chooser
    assert 'href="/therapies/new?kind=physiotherapy"' in chooser
    injection = client.get("/therapies/new?kind=msc_injection").get_data(as_text=True)
    assert 'name="end_day"' not in injection
    assert 'name="kind" value="msc_injection"' in injection
    assert f'value="{TODAY.isoformat()}"' in injection  # the start day defaults to today
    course = client.get("/therapies/new?kind=physiotherapy").get_data(as_text=True)
    assert 'name="end_day"' in course


def test_recording_a_therapy(client, patient, submit):
    response = submit(
        "/therapies/new",
        {
            "kind": "physiotherapy",
            "label": " Physio, twice a week ",
            "start_day": "2026-01-05",
            "end_day": "2026-03-01",
            "notes": "McKenzie exercises",
        },
        source="/therapies/new?kind=physiotherapy",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/therapies/"
    [saved] = therapies(patient)
    assert saved["label"] == "Physio, twice a week"
    assert (saved["start_day"], saved["end_day"]) == ("2026-01-05", "2026-03-01")
    words = text_of(client.get("/therapies/"))
    assert "Saved: Physio, twice a week." in words
    assert "from 5 Jan 2026 to 1 Mar 2026" in words


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"start_day": ""}, "Start day must be a date like 2026-03-31."),
        ({"start_day": "2026-02-30"}, "Start day must be a real calendar date"),
        ({"start_day": "2999-01-01"}, "Start day is in the future"),
        ({"end_day": "2026-01-01"}, "End day (optional) must be on or after the start day."),
        ({"label": "x" * 201}, "Name (optional) is too long (at most 200 characters)."),
        ({"notes": "x" * 2001}, "Notes is too long (at most 2000 characters)."),
        (
            {"label": "Physio\x1b[31m twice"},
            "Name (optional) must be one line without control characters",
        ),
        (
            {"notes": "fine\nthen \x07"},
            "Notes must not hold control characters other than line breaks and tabs",
        ),
    ],
)
def test_refused_forms_are_shown_again_with_the_message_and_the_values(
    client, patient, submit, fields, message
):
    data = {"kind": "physiotherapy", "label": "Physio", "start_day": "2026-01-05", **fields}
    response = submit("/therapies/new", data, source="/therapies/new?kind=physiotherapy")
    assert response.status_code == 422
    words = text_of(response)
    assert message in words
    assert "Please fix the fields marked below." in words
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    if "label" not in fields:
        assert 'value="Physio"' in response.get_data(as_text=True)
    assert therapies(patient) == []


def test_an_end_day_is_refused_for_a_single_treatment(client, patient, submit):
    response = submit(
        "/therapies/new",
        {"kind": "surgery", "start_day": "2026-01-05", "end_day": "2026-01-06"},
        source="/therapies/new?kind=surgery",
    )
    assert response.status_code == 422
    assert "End day (optional) is only for courses" in text_of(response)
    assert therapies(patient) == []


def test_an_unknown_kind_goes_back_to_the_choice(client, patient, submit):
    response = submit("/therapies/new", {"kind": "magic", "start_day": "2026-01-05"})
    assert response.status_code == 200
    assert "What kind of therapy was it?" in text_of(response)
    assert therapies(patient) == []


def test_editing_a_therapy(client, patient, submit):
    therapy = patient.post(
        "/api/v1/therapies", {"kind": "epidural_steroid", "start_day": "2026-01-05"}
    ).get_json()
    path = f"/therapies/{therapy['id']}/edit"
    page = client.get(path).get_data(as_text=True)
    assert 'name="base_version" value="1"' in page
    assert 'name="end_day"' not in page
    response = submit(
        path,
        {
            "kind": "nerve_block",
            "label": "Block",
            "start_day": "2026-01-06",
            "notes": "",
            "base_version": "1",
        },
    )
    assert response.status_code == 302
    [saved] = therapies(patient)
    assert (saved["kind"], saved["label"], saved["start_day"], saved["version"]) == (
        "nerve_block",
        "Block",
        "2026-01-06",
        2,
    )


def test_a_stale_edit_shows_the_saved_version(client, patient, submit):
    therapy = patient.post(
        "/api/v1/therapies", {"kind": "surgery", "start_day": "2026-01-05"}
    ).get_json()
    path = f"/therapies/{therapy['id']}/edit"
    token = form_token(client, path)
    patient.put(
        f"/api/v1/therapies/{therapy['id']}",
        {
            "kind": "surgery",
            "label": "From the phone",
            "start_day": "2026-01-05",
            "base_version": 1,
        },
    )
    response = client.post(
        path,
        data={
            "csrf_token": token,
            "kind": "surgery",
            "label": "From the laptop",
            "start_day": "2026-01-05",
            "base_version": "1",
        },
    )
    assert response.status_code == 409
    assert "changed on another device" in text_of(response)
    assert 'value="From the phone"' in response.get_data(as_text=True)
    assert 'name="base_version" value="2"' in response.get_data(as_text=True)
    assert therapies(patient)[0]["label"] == "From the phone"


def test_deleting_asks_first_then_keeps_a_tombstone(client, patient, submit):
    therapy = patient.post(
        "/api/v1/therapies", {"kind": "surgery", "label": "Discectomy", "start_day": "2026-01-05"}
    ).get_json()
    path = f"/therapies/{therapy['id']}/delete"
    assert "Delete “Discectomy”?" in text_of(client.get(path))
    assert therapies(patient)  # asking deleted nothing
    response = submit(path, {})
    assert response.status_code == 302
    assert therapies(patient) == []
    assert "Deleted: Discectomy." in text_of(client.get("/therapies/"))
    assert client.get(f"/therapies/{therapy['id']}/edit").status_code == 404


def test_another_patients_therapy_is_not_found(client, patient, make_api):
    other = make_api()
    other.register(email="other@example.org")
    theirs = other.post("/api/v1/therapies", {"kind": "surgery", "start_day": "2026-01-05"})
    tid = theirs.get_json()["id"]
    assert client.get(f"/therapies/{tid}/edit").status_code == 404
    assert client.get(f"/therapies/{tid}/delete").status_code == 404
    token = form_token(client, "/therapies/")
    assert client.post(f"/therapies/{tid}/delete", data={"csrf_token": token}).status_code == 404
    assert client.get("/therapies/not-a-uuid/edit").status_code == 404
    assert len(therapies(other)) == 1


def test_forms_need_their_csrf_token(client, patient):
    response = client.post("/therapies/new", data={"kind": "surgery", "start_day": "2026-01-05"})
    assert response.status_code == 400
    assert therapies(patient) == []


def test_only_signed_in_patients(client, make_api):
    assert client.get("/therapies/").status_code == 302
    assert client.get("/charts").headers["Location"].startswith("/signin")
    doctor = make_api()
    doctor.register(email="dr@example.org", role="physician")
    assert doctor.client.get("/therapies/").status_code == 403
    assert doctor.client.get("/charts").status_code == 403


# ---- the charts page as server HTML --------------------------------------------------------


def test_charts_empty_states(client, patient):
    words = text_of(client.get("/charts"))
    assert "Nothing to chart yet" in words
    assert "chart.umd.min.js" not in client.get("/charts").get_data(as_text=True)
    patient.post("/api/v1/entries", {"day": TODAY.isoformat(), "leg_pain": 4})
    page = client.get("/charts")
    words = text_of(page)
    assert "Add a therapy to compare before and after." in words
    assert "Weekly averages as a table" in words
    assert 'href="/therapies/new"' in page.get_data(as_text=True)


def test_the_weekly_table_shows_a_year_and_every_week_on_request(client, patient):
    # One entry a week for 60 weeks: the table lists the latest 52, and links to the rest.
    for week in range(60):
        day = TODAY - timedelta(weeks=week)
        response = patient.post("/api/v1/entries", {"day": day.isoformat(), "leg_pain": 5})
        assert response.status_code == 201
    html = client.get("/charts").get_data(as_text=True)
    table = html[html.index('id="weekly-averages"') :]
    assert table[: table.index("</tbody>")].count('<th scope="row">') == 52
    assert "Show all 60 weeks, back to" in text_of(client.get("/charts"))
    every = client.get("/charts?weeks=all").get_data(as_text=True)
    table = every[every.index('id="weekly-averages"') :]
    assert table[: table.index("</tbody>")].count('<th scope="row">') == 60
    assert "Show all" not in table[: table.index("</details>")]
    refused = client.get("/charts?weeks=7")
    assert refused.status_code == 400
    assert "The only choice for weeks is" in text_of(refused)


def test_charts_page_reads_without_javascript(client, patient):
    for entry in demo.diary_entries(TODAY):
        assert patient.post("/api/v1/entries", entry).status_code == 201
    for therapy in demo.therapies(TODAY):
        assert patient.post("/api/v1/therapies", therapy).status_code == 201
    response = client.get("/charts")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    words = text_of(response)
    # The headline, the explanations and the caveat, as text.
    assert re.search(
        r"Leg pain \d+% lower than before the injection: substantial improvement", words
    )
    assert re.search(r"On \d+ of 100 pairs of days \(one before, one after\), the later", words)
    assert "50 of 100 would mean no change" in words
    # The injection and the physiotherapy share their weeks: both panels say so.
    assert "the change since then may come from either" in words
    assert "95% interval of the change" in words
    assert "A before/after diary is not a controlled trial." in words
    assert "Pain now stops above the knee" in words and "centralization" in words
    # Every chart's numbers are in a table; the charts' boxes are there from the first paint
    # (CSS hides them when scripting is off).
    assert "not reached yet (from" in words  # 6 and 12 months lie ahead
    assert words.count("Numbers for each period") == 2
    assert "Where it hurt, as a table" in words
    assert "Washing and dressing" in words
    assert html.count("data-chart-area>") == 3 and "data-chart-area hidden" not in html
    # Vendored scripts as files, data as JSON: nothing inline for the strict CSP.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert ' style="' not in html
    assert 'class="map-region share-10"' in html
    assert '<div id="chart-data" hidden data-chart=\'{' in html


def test_charts_page_says_when_there_is_not_enough_data(client, patient):
    start = TODAY - timedelta(days=3)
    for i in range(-3, 4):
        day = (start + timedelta(days=i)).isoformat()
        patient.post("/api/v1/entries", {"day": day, "leg_pain": 6})
    patient.post("/api/v1/therapies", {"kind": "prp_injection", "start_day": start.isoformat()})
    words = text_of(client.get("/charts"))
    assert "Before this therapy: not enough data (3 of 5 days)." in words


def test_a_new_therapy_form_sent_twice_stores_one_therapy(client, patient):
    page = client.get("/therapies/new?kind=surgery").get_data(as_text=True)
    form_id = re.search(r'name="id" value="([^"]+)"', page).group(1)
    fields = {
        "csrf_token": form_token(client, "/therapies/new?kind=surgery"),
        "id": form_id,
        "kind": "surgery",
        "label": "Microdiscectomy",
        "start_day": "2026-01-05",
        "end_day": "",
        "notes": "",
    }
    assert client.post("/therapies/new", data=fields).status_code == 302
    assert client.post("/therapies/new", data=fields).status_code == 302  # tapped twice
    assert [t["id"] for t in therapies(patient)] == [form_id]
    changed = client.post("/therapies/new", data={**fields, "label": "Fusion"})
    assert changed.status_code == 409
    assert "This form was saved already" in text_of(changed)
    assert [t["label"] for t in therapies(patient)] == ["Microdiscectomy"]


def test_forms_whose_id_belongs_to_another_kind_are_shown_again_not_a_500(client, patient):
    entry = patient.post("/api/v1/entries", {"day": "2026-01-05", "leg_pain": 3}).get_json()
    fields = {
        "csrf_token": form_token(client, "/therapies/new?kind=surgery"),
        "id": entry["id"],
        "kind": "surgery",
        "label": "Fusion",
        "start_day": "2026-01-05",
    }
    r = client.post("/therapies/new", data=fields)
    assert r.status_code == 409 and "Fusion" in r.get_data(as_text=True)
    assert therapies(patient) == []
    therapy = patient.post("/api/v1/therapies", {"kind": "surgery", "start_day": "2026-01-05"})
    today = {
        "csrf_token": form_token(client, "/today"),
        "id": therapy.get_json()["id"],
        "day": "2026-01-05",
        "leg_pain": "6",
    }
    r = client.post("/today", data=today)
    assert r.status_code == 409
    assert len(patient.get("/api/v1/entries").get_json()["entries"]) == 1


def test_a_window_still_running_is_shown_as_so_far_never_as_finished(client, patient):
    start = TODAY - timedelta(days=90)  # 3 months runs T+77 .. T+105: 14 of 29 days so far
    days = [start + timedelta(days=n) for n in [*range(-28, 0), *range(77, 91)]]
    for day in days:
        leg = 8 if day < start else 3
        assert (
            patient.post("/api/v1/entries", {"day": day.isoformat(), "leg_pain": leg}).status_code
            == 201
        )
    patient.post("/api/v1/therapies", {"kind": "epidural_steroid", "start_day": start.isoformat()})
    words = text_of(client.get("/charts"))
    assert "in progress: 14 of 29 days so far" in words
    assert "substantial improvement so far" in words
    # The finished latest four weeks lead, in plain words (62.5% is cut, never rounded up).
    assert "Leg pain 62% lower than before the injection: substantial improvement." in words
    assert "Average leg pain: 8.0 before, 3.0 now: 5.0 points lower." in words
