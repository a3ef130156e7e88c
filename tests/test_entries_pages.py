"""The entry pages without JavaScript: today's form, same as yesterday, history, edit, delete."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest

from diary.clinical import RED_FLAG_ADVICE
from diary.db import get_db
from diary.schemas import EntryData
from diary.sync import queries, store
from tests.conftest import form_token, text_of


def utc_today():
    return datetime.now(UTC).date()


def days_ago(n):
    return (utc_today() - timedelta(days=n)).isoformat()


def checked(response, name):
    """The values of the checked inputs called ``name``."""
    html = response.get_data(as_text=True)
    found = []
    for tag in re.findall(r"<input\b[^>]*>", html):
        if f'name="{name}"' in tag and re.search(r"\schecked\b", tag):
            found.append(re.search(r'value="([^"]*)"', tag).group(1))
    return found


def field_value(response, name):
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', response.get_data(True))
    return unescape(match.group(1)) if match else None


def count_entries(app, include_deleted=False):
    with app.app_context():
        sql = "SELECT COUNT(*) FROM entries WHERE deleted = 0 OR ?"
        return get_db().execute(sql, [include_deleted]).fetchone()[0]


@pytest.fixture
def post_form(client, patient):
    """POST a page's form as a browser without JavaScript would: its CSRF token and hidden
    fields, then ``fields`` (lists for repeated names)."""

    def post(path, fields, *, source=None, follow=False):
        html = client.get(source or path).get_data(as_text=True)
        data = {"csrf_token": form_token(client, source or path)}
        for name in ("id", "base_version"):
            match = re.search(rf'name="{name}" value="([^"]*)"', html)
            if match:
                data[name] = match.group(1)
        data.update(fields)
        return client.post(path, data=data, follow_redirects=follow)

    return post


FULL = {
    "leg_pain": "6",
    "back_pain": "3",
    "worst_leg_pain": "8",
    "pain_regions": ["l_buttock", "l_calf_back"],
    "numb_regions": ["l_foot_top"],
    "activities.walking": "4",
    "activities.sitting": "3",
    "activities.sleeping": "1",
    "sitting_tolerance_min": "20",
    "walking_tolerance_min": "",
    "note": "Bad night.\r\nBetter after a walk.",
    "action": "save",
}


def test_home_sends_a_patient_to_today_with_the_day_in_their_time_zone(client, api):
    api.register(time_zone="Pacific/Kiritimati")  # UTC+14: often a day ahead of UTC
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/today"
    page = client.get("/today")
    assert page.status_code == 200
    from zoneinfo import ZoneInfo

    assert (
        field_value(page, "day") == datetime.now(ZoneInfo("Pacific/Kiritimati")).date().isoformat()
    )
    assert checked(page, "leg_pain") == [] and checked(page, "activities.walking") == []


def test_saving_a_full_entry_stores_it_and_shows_what_was_saved(app, client, post_form):
    response = post_form("/today", {**FULL, "day": utc_today().isoformat()})
    assert response.status_code == 302 and response.headers["Location"] == "/today"
    page = client.get("/today")
    words = text_of(page)
    assert "Saved for " in words
    assert "leg pain 6, back pain 3; pain reaches below the knee." in words
    # The form is empty again for another entry, with a new id.
    assert checked(page, "leg_pain") == [] and checked(page, "pain_regions") == []

    entries, _ = api_entries(app)
    assert len(entries) == 1
    entry = entries[0]
    assert entry["leg_pain"] == 6 and entry["back_pain"] == 3 and entry["worst_leg_pain"] == 8
    assert entry["regions"] == {"l_buttock": "pain", "l_calf_back": "pain", "l_foot_top": "numb"}
    assert entry["activities"] == {"sitting": 3, "walking": 4, "sleeping": 1}
    assert entry["sitting_tolerance_min"] == 20 and entry["walking_tolerance_min"] is None
    assert entry["note"] == "Bad night.\nBetter after a walk."
    assert entry["red_flags"] == []


def api_entries(app):
    with app.app_context():
        db = get_db()
        patient_id = db.execute("SELECT id FROM users ORDER BY id LIMIT 1").fetchone()[0]
        return queries.list_entries(db, patient_id)


def test_the_same_form_sent_twice_is_one_entry(app, client, patient):
    token = form_token(client, "/today")
    form_id = field_value(client.get("/today"), "id")
    fields = {"csrf_token": token, "id": form_id, "day": days_ago(0), "leg_pain": "4"}
    assert client.post("/today", data=fields).status_code == 302
    assert client.post("/today", data=fields).status_code == 302  # a double tap on Save
    assert count_entries(app) == 1
    # Back, change a score, Save again: not silently merged into the first entry.
    again = client.post("/today", data={**fields, "leg_pain": "5"})
    assert again.status_code == 409
    assert "This form was saved already" in text_of(again)
    assert field_value(again, "id") != form_id
    assert count_entries(app) == 1


def test_a_red_flag_shows_the_urgent_advice_after_saving(client, post_form):
    response = post_form(
        "/today", {"day": days_ago(0), "leg_pain": "7", "red_flags": ["saddle_numbness"]}
    )
    assert response.status_code == 302
    page = client.get("/today").get_data(as_text=True)
    assert re.search(r'role="alert">' + re.escape(RED_FLAG_ADVICE.split("(")[0]), page)


def test_refused_entries_are_shown_again_with_messages_and_values_and_write_nothing(app, post_form):
    response = post_form(
        "/today",
        {
            "day": days_ago(0),
            "pain_regions": ["r_knee"],
            "activities.walking": "3",
            "red_flags": ["leg_weakness"],
            "note": "x" * 2001,
            "sitting_tolerance_min": "twenty",
        },
    )
    assert response.status_code == 422
    words = text_of(response)
    assert "Nothing was saved" in words
    assert "Leg pain: give a leg pain or a back pain score (or both)" in words
    assert "Note is too long (at most 2000 characters)" in words
    assert "Sitting time must be a whole number" in words
    # What was entered is kept, and the red-flag advice is on the page without JavaScript.
    assert checked(response, "pain_regions") == ["r_knee"]
    assert checked(response, "activities.walking") == ["3"]
    assert checked(response, "red_flags") == ["leg_weakness"]
    assert field_value(response, "sitting_tolerance_min") == "twenty"
    assert "x" * 2001 in response.get_data(as_text=True)
    assert RED_FLAG_ADVICE in words
    assert count_entries(app) == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"leg_pain": "11"}, "Leg pain must be at most 10"),
        ({"leg_pain": "-1"}, "Leg pain must be at least 0"),
        ({"back_pain": "a lot"}, "Back pain must be a whole number"),
        ({"leg_pain": "1" * 40}, "Leg pain must be a whole number"),
        ({"activities.walking": "9"}, "Walking must be at most 4"),
        ({"activities.flying": "2"}, "Activities has unknown activity codes: flying"),
        ({"pain_regions": ["l_wing"]}, "Body map has an area we do not know"),
        ({"red_flags": ["headache"]}, "Warning signs has unknown red flags: headache"),
        ({"walking_tolerance_min": "5000"}, "Walking time must be at most 1440"),
        ({"day": ""}, "Day is required"),
        ({"day": "31/12/2025"}, "Day must be a date like 2026-03-31"),
        ({"day": "2026-02-30"}, "Day must be a real calendar date like 2026-03-31"),
    ],
)
def test_each_bad_field_is_named_and_nothing_is_written(app, post_form, fields, message):
    response = post_form("/today", {"day": days_ago(0), "leg_pain": "5", **fields})
    assert response.status_code == 422
    assert message in text_of(response)
    assert count_entries(app) == 0


@pytest.mark.parametrize("ahead", [1, 2])
def test_a_future_day_is_refused_and_an_earlier_day_is_logged_later(app, client, post_form, ahead):
    # Tomorrow too: the API takes a day begun anywhere on Earth (a phone may live in
    # another zone than its account), but this patient's form is in their own zone (UTC),
    # where tomorrow has not come; a day typed past the field's max is a slip.
    future = (utc_today() + timedelta(days=ahead)).isoformat()
    refused = post_form("/today", {"day": future, "leg_pain": "5"})
    assert refused.status_code == 422
    assert "Day is in the future; you can log today or earlier days" in text_of(refused)
    assert field_value(refused, "day") == future
    assert count_entries(app) == 0

    backfill = post_form("/today", {"day": days_ago(10), "leg_pain": "5", "back_pain": "2"})
    assert backfill.status_code == 302
    (entry,), _ = api_entries(app)
    assert entry["day"] == days_ago(10)
    history = text_of(client.get("/history"))
    assert re.search(r"Back pain 2 logged \d+ [A-Z][a-z]{2} Edit", history)  # logged later


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("0001-01-01", "Day is too far in the past"),
        ("9999-12-31", "Day is in the future; you can log today or earlier days"),
    ],
)
def test_a_day_at_the_edge_of_the_calendar_is_named_not_a_server_error(
    app, patient, post_form, day, message
):
    # The form is shown again with "Same as yesterday" worked out for a day: year 1 has no
    # day before it, which was a 500 (OverflowError) on Save and on "Same as yesterday".
    patient.post(
        "/api/v1/entries", {"day": days_ago(1), "leg_pain": 6, "activities": {"walking": 3}}
    )
    refused = post_form("/today", {"day": day, "leg_pain": "3", "action": "save"})
    assert refused.status_code == 422
    assert message in text_of(refused)
    assert field_value(refused, "day") == day
    copied = post_form("/today", {"day": day, "leg_pain": "3", "action": "same_as_yesterday"})
    assert copied.status_code == 200
    assert checked(copied, "activities.walking") == ["3"]  # the latest entry before today
    entry = _make_entry(patient)
    edited = post_form(f"/entries/{entry['id']}/edit", {"day": day, "leg_pain": "3"})
    assert edited.status_code == 422
    assert message in text_of(edited)
    assert count_entries(app) == 2


def test_same_as_yesterday_without_javascript_fills_the_map_and_activities(app, patient, post_form):
    none_yet = post_form("/today", {"action": "same_as_yesterday", "day": days_ago(0)})
    assert none_yet.status_code == 200
    assert "There is no earlier entry to copy yet." in text_of(none_yet)

    yesterday = {
        "day": days_ago(1),
        "leg_pain": 6,
        "regions": {"l_calf_back": "pain", "l_foot_outer": "numb"},
        "activities": {"walking": 3, "sitting": 2},
        "note": "not copied",
    }
    patient.post("/api/v1/entries", yesterday)
    patient.post("/api/v1/entries", {"day": days_ago(0), "leg_pain": 1})  # today: not copied
    response = post_form(
        "/today", {"action": "same_as_yesterday", "day": days_ago(0), "leg_pain": "5"}
    )
    assert response.status_code == 200
    assert "Copied where it hurt and your activities from" in text_of(response)
    assert checked(response, "pain_regions") == ["l_calf_back"]
    assert checked(response, "numb_regions") == ["l_foot_outer"]
    assert checked(response, "activities.walking") == ["3"]
    assert checked(response, "activities.sitting") == ["2"]
    assert checked(response, "leg_pain") == ["5"]  # what the patient tapped stays
    assert checked(response, "back_pain") == []  # scores are the patient's to give
    assert "not copied" not in response.get_data(as_text=True)
    assert count_entries(app) == 2  # nothing saved by copying


def _add_entries(app, patient_id, days):
    with app.app_context():
        db = get_db()
        for day in days:
            data = EntryData(day=day, leg_pain=int(day[-2:]) % 11, back_pain=2)
            store.change(db, patient_id, "entry", None, None, False, data)


def test_history_is_empty_for_a_new_patient_and_says_what_to_do(client, patient):
    response = client.get("/history")
    assert response.status_code == 200
    assert "No entries yet." in text_of(response)
    assert 'href="/today"' in response.get_data(as_text=True)
    assert "Older entries" not in text_of(response)


# The pages whose lists this phone's store completes, and the list that says its seq.
LISTS = {
    "/today": "data-logged-today",
    "/history": "data-history",
    "/therapies/": "data-therapy-list",
    "/medications/": "data-medication-list",
    "/questionnaires/": "data-response-list",
}


def test_the_listing_pages_say_how_new_they_are_as_a_sync_cursor_would(client, patient):
    """The pages' data-seq is the cursor a phone holds once it has pulled everything they
    show: their scripts compare the two (Outbox.pulledSince in static/js/outbox.js)."""

    def page_seq():
        pages = {path: client.get(path).get_data(as_text=True) for path in LISTS}
        seqs = {
            path: re.search(rf'{marker} data-seq="([0-9]+)"', pages[path])
            for path, marker in LISTS.items()
        }
        assert all(seqs.values()), seqs
        (seq,) = {found.group(1) for found in seqs.values()}
        return seq

    def pulled_cursor():
        # The sequence number a cursor carries after the database's sync epoch.
        answer = patient.post("/api/v1/sync", {"cursor": None, "changes": []})
        epoch, _, seq = answer.get_json()["cursor"].rpartition(".")
        assert len(epoch) == 16
        return seq

    assert page_seq() == pulled_cursor() == "0"
    entry = patient.post("/api/v1/entries", {"day": days_ago(1), "leg_pain": 4}).get_json()
    patient.post("/api/v1/therapies", {"kind": "physiotherapy", "start_day": days_ago(3)})
    assert page_seq() == pulled_cursor() != "0"
    before = page_seq()
    # A deletion is a change too (its tombstone is what the phone must pull).
    patient.delete(f"/api/v1/entries/{entry['id']}")
    assert page_seq() == pulled_cursor() and int(page_seq()) > int(before)


def test_history_pages_through_every_entry_newest_first_without_repeats(app, client, patient):
    days = [days_ago(n) for n in range(70)]
    _add_entries(app, patient.user["id"], days)
    seen, url, pages = [], "/history", 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "data-history" in html
        seen += re.findall(r'<h2 id="day-(\d{4}-\d\d-\d\d)">', html)
        ids = re.findall(r'data-entry-id="([^"]+)" data-version="1"', html)
        assert len(ids) <= 30
        pages += 1
        more = re.search(r'href="(/history\?after=[^"]+)" rel="next">Older entries', html)
        url = unescape(more.group(1)) if more else None
    assert pages == 3
    assert seen == days  # newest first, each once


def test_history_summarises_each_entry(app, client, patient):
    patient.post(
        "/api/v1/entries",
        {
            "day": days_ago(0),
            "leg_pain": 7,
            "back_pain": 2,
            "regions": {"l_thigh_back": "pain", "r_foot_top": "numb"},
            "activities": {"walking": 4, "sitting": 3, "standing": 1},
            "red_flags": ["bladder_bowel"],
        },
    )
    response = client.get("/history")
    html = response.get_data(as_text=True)
    assert 'class="chip scale-7"' in html and 'class="chip scale-2"' in html
    words = text_of(response)
    assert "Leg pain 7" in words and "Back pain 2" in words
    assert "Pain reaches above the knee; numbness or pins and needles in 1 area." in words
    assert "Hardest: sitting (severe), walking (could not do it)." in words
    assert "standing" not in words.lower()
    assert "Warning signs: New trouble controlling or passing urine or stools." in words
    assert not re.search(r" logged \d+ [A-Z][a-z]{2} ", words)  # not "logged later"


def test_a_mangled_history_cursor_says_so_and_leads_back(client, patient):
    response = client.get("/history?after=not-a-cursor")
    assert response.status_code == 400
    assert "Open History again to start from your newest entries." in text_of(response)


def _make_entry(patient, **fields):
    body = {"day": days_ago(1), "leg_pain": 6, "back_pain": 3, **fields}
    return patient.post("/api/v1/entries", body).get_json()


def test_editing_an_entry_shows_it_filled_in_and_saves_a_new_version(client, patient, post_form):
    entry = _make_entry(patient, regions={"r_calf_back": "pain"}, activities={"walking": 2})
    path = f"/entries/{entry['id']}/edit"
    page = client.get(path)
    assert page.status_code == 200
    assert checked(page, "leg_pain") == ["6"] and checked(page, "pain_regions") == ["r_calf_back"]
    assert checked(page, "activities.walking") == ["2"]
    assert field_value(page, "base_version") == "1"

    response = post_form(path, {"day": entry["day"], "leg_pain": "4", "back_pain": "3"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/history#entry-{entry['id']}"
    saved = patient.get(f"/api/v1/entries/{entry['id']}").get_json()
    assert saved["leg_pain"] == 4 and saved["version"] == 2
    assert saved["regions"] == {} and saved["activities"] == {}  # unticked means removed
    assert "Saved your changes for" in text_of(client.get("/history"))


def test_a_stale_edit_shows_the_saved_copy_and_what_was_typed(client, patient, post_form):
    entry = _make_entry(patient)
    path = f"/entries/{entry['id']}/edit"
    token = form_token(client, path)
    # Another device changes the entry after this form was opened at version 1.
    patient.put(
        f"/api/v1/entries/{entry['id']}", {**_content(entry), "leg_pain": 9, "base_version": 1}
    )
    response = client.post(
        path,
        data={"csrf_token": token, "base_version": "1", "day": entry["day"], "leg_pain": "2"},
    )
    assert response.status_code == 409
    words = text_of(response)
    assert "changed on another device after you opened it" in words
    assert "Leg pain 2" in words  # the patient's own version, shown
    assert checked(response, "leg_pain") == ["9"]  # the form holds the saved copy
    assert field_value(response, "base_version") == "2"
    assert patient.get(f"/api/v1/entries/{entry['id']}").get_json()["leg_pain"] == 9


def _content(entry):
    return {k: entry[k] for k in EntryData.model_fields}


def test_deleting_asks_first_then_removes_the_entry_everywhere(app, client, patient):
    entry = _make_entry(patient)
    path = f"/entries/{entry['id']}/delete"
    token = form_token(client, f"/entries/{entry['id']}/edit")
    confirm = client.post(path, data={"csrf_token": token})
    assert confirm.status_code == 200
    assert "Delete the entry for" in text_of(confirm)
    assert count_entries(app) == 1

    done = client.post(path, data={"csrf_token": token, "confirm": "yes", "base_version": "1"})
    assert done.status_code == 302 and done.headers["Location"] == "/history"
    history = client.get("/history")
    assert "Deleted the entry for" in text_of(history)
    assert entry["id"] not in history.get_data(as_text=True)
    assert patient.get(f"/api/v1/entries/{entry['id']}").status_code == 404
    assert count_entries(app, include_deleted=True) == 1  # a tombstone, so devices learn
    assert client.get(f"/entries/{entry['id']}/edit").status_code == 302  # to history


def test_another_patients_entry_is_not_found(make_api, client, patient):
    entry = _make_entry(patient)
    other = make_api()
    other.register(email="other@example.org", name="Other")
    token = form_token(other.client, "/today")
    edit = f"/entries/{entry['id']}/edit"
    assert other.client.get(edit).status_code == 404
    assert other.client.post(edit, data={"csrf_token": token, "leg_pain": "1"}).status_code == 404
    delete = f"/entries/{entry['id']}/delete"
    assert (
        other.client.post(delete, data={"csrf_token": token, "confirm": "yes"}).status_code == 404
    )
    assert client.get("/entries/not-a-uuid/edit").status_code == 404
    assert patient.get(f"/api/v1/entries/{entry['id']}").get_json()["deleted"] is False


def test_the_pages_need_a_patient_and_a_csrf_token(client, make_api, api):
    assert client.get("/today").headers["Location"].startswith("/signin")
    assert client.get("/history").headers["Location"].startswith("/signin")
    doctor = make_api()
    doctor.register(email="doc@example.org", role="physician", name="Doc")
    assert doctor.client.get("/today").status_code == 403
    assert doctor.client.get("/history").status_code == 403
    api.register()
    refused = client.post("/today", data={"day": days_ago(0), "leg_pain": "3"})
    assert refused.status_code == 400


def test_the_pages_carry_no_inline_script_or_style(client, patient):
    _make_entry(patient, red_flags=["leg_weakness"], note="<script>alert(1)</script>")
    entry_id = patient.get("/api/v1/entries").get_json()["entries"][0]["id"]
    for path in ("/today", "/history", f"/entries/{entry_id}/edit"):
        html = client.get(path).get_data(as_text=True)
        assert " style=" not in html
        assert not re.search(r"\son[a-z]+=", html)
        assert "<script>alert" not in html
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag


def test_today_lists_what_is_logged_today_and_folds_the_form(client, patient):
    fresh = client.get("/today").get_data(as_text=True)
    assert "How is your pain today?" in fresh
    assert re.search(r'<details class="another-entry" data-another-entry open>', fresh)

    today = utc_today().isoformat()
    entry = patient.post("/api/v1/entries", {"day": today, "leg_pain": 6, "back_pain": 3})
    entry = entry.get_json()
    patient.post("/api/v1/entries", {"day": days_ago(1), "leg_pain": 2})  # not today's
    page = client.get("/today")
    html, words = page.get_data(as_text=True), text_of(page)
    assert "<h1" in html and "Logged today" in words
    assert f'data-entry-id="{entry["id"]}"' in html
    assert f'href="/entries/{entry["id"]}/edit"' in html
    assert html.count('class="entry-card"') == 1
    # A second entry today is a deliberate choice: the form is folded behind a button.
    assert re.search(r'<details class="another-entry collapsible" data-another-entry>', html)
    assert "Add another entry" in words


def test_a_refused_second_entry_keeps_the_form_open_with_its_messages(client, patient, post_form):
    patient.post("/api/v1/entries", {"day": utc_today().isoformat(), "leg_pain": 6})
    refused = post_form("/today", {"day": utc_today().isoformat(), "leg_pain": "11"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert re.search(r'<details class="another-entry collapsible" data-another-entry open>', html)


def test_history_opens_with_the_last_week_against_the_week_before(client, patient):
    for n, (leg, back) in enumerate([(3, 2), (4, 2), (2, 1)]):
        patient.post("/api/v1/entries", {"day": days_ago(n), "leg_pain": leg, "back_pain": back})
    for n in (8, 9):
        patient.post("/api/v1/entries", {"day": days_ago(n), "leg_pain": 6, "back_pain": 4})
    words = text_of(client.get("/history"))
    assert (
        "Last 7 days, 3 of 7 logged: leg pain 3.0 on average (the 7 days before: 6.0), "
        "back pain 1.7 on average (the 7 days before: 4.0)."
    ) in words
    position = f"{days_ago(100)}_2026-01-01T00:00:00.000Z_00000000-0000-0000-0000-000000000000"
    later_page = client.get(f"/history?after={position}")
    assert later_page.status_code == 200 and "Last 7 days" not in text_of(later_page)


def test_therapies_are_in_the_navigation_and_marked_where_the_patient_is(client, patient):
    html = client.get("/therapies/new").get_data(as_text=True)
    nav = html[html.index('<nav class="main-nav"') :]
    nav = nav[: nav.index("</nav>")]
    assert re.search(r'<a href="/therapies/" aria-current="true">Therapies</a>', nav)
    history = client.get("/history").get_data(as_text=True)
    history_nav = history[history.index('<nav class="main-nav"') :]
    assert '<a href="/history" aria-current="page">History</a>' in history_nav
    assert re.search(r'<a href="/today"\s*>Today</a>', history_nav)  # not marked
