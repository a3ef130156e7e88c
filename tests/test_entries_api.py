"""The entries resource of the JSON API (DESIGN.md section 5): create, read, list, update,
delete, validation, and who may touch whose entries."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diary.schemas import EntryCreate


def day(offset=0):
    """The server's UTC date moved by ``offset`` days, as text."""
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()


def rows(app):
    """How many entry rows the database holds, tombstones included."""
    return app.extensions["diary.db"].get().execute("SELECT COUNT(*) FROM entries").fetchone()[0]


def create(api, **fields):
    response = api.post("/api/v1/entries", {"day": day(-1), "leg_pain": 5, **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def error_fields(response):
    body = response.get_json()
    assert set(body) >= {"error"}, body
    return body["error"]["fields"]


FULL = {
    "leg_pain": 6,
    "back_pain": 2,
    "worst_leg_pain": 8,
    "regions": {"l_foot_top": "numb", "l_calf_back": "pain"},
    "activities": {"walking": 3, "sitting": 4},
    "sitting_tolerance_min": 30,
    "red_flags": ["leg_weakness"],
    "note": "  stiff  ",
}


def test_create_is_201_normalised_and_readable(app, patient):
    first = patient.post("/api/v1/entries", {"day": day(-1), **FULL})
    assert first.status_code == 201
    entry = first.get_json()
    uuid.UUID(entry["id"])
    assert entry["version"] == 1 and entry["deleted"] is False
    # Normalised: catalogue order, the note trimmed, the missing fields filled in.
    assert list(entry["regions"]) == ["l_calf_back", "l_foot_top"]
    assert list(entry["activities"]) == ["sitting", "walking"]
    assert entry["note"] == "stiff" and entry["walking_tolerance_min"] is None
    assert patient.get(f"/api/v1/entries/{entry['id']}").get_json() == entry
    assert rows(app) == 1


def test_a_client_id_sent_twice_is_one_row(app, patient):
    entry_id = str(uuid.uuid4())
    body = {"id": entry_id, "day": day(-1), **FULL}
    first = patient.post("/api/v1/entries", body)
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["id"] == entry_id
    again = patient.post("/api/v1/entries", body)  # a phone that never heard the answer
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert rows(app) == 1


def test_the_same_id_with_other_content_is_a_conflict_not_an_overwrite(patient):
    entry_id = str(uuid.uuid4())
    created = patient.post("/api/v1/entries", {"id": entry_id, "day": day(-1), "leg_pain": 4})
    assert created.status_code == 201, created.get_json()
    response = patient.post("/api/v1/entries", {"id": entry_id, "day": day(-1), "leg_pain": 9})
    assert response.status_code == 409
    assert response.get_json()["server"]["leg_pain"] == 4


def test_another_patients_id_cannot_be_taken_over(patient, make_api):
    entry = create(patient)
    other = make_api()
    other.register(email="other@example.org", name="Other")
    taken = other.post("/api/v1/entries", {"id": entry["id"], "day": entry["day"], "leg_pain": 1})
    assert taken.status_code == 409
    assert taken.get_json()["error"]["code"] == "id_taken"
    assert "id" in taken.get_json()["error"]["fields"] and "server" not in taken.get_json()
    assert patient.get(f"/api/v1/entries/{entry['id']}").get_json() == entry


@pytest.mark.parametrize("first, second", [("entries", "therapies"), ("therapies", "entries")])
def test_an_id_cannot_be_reused_for_another_kind(patient, make_api, first, second):
    bodies = {
        "entries": {"day": "2026-01-03", "leg_pain": 3},
        "therapies": {"kind": "surgery", "start_day": "2026-01-03"},
    }
    made = patient.post(f"/api/v1/{first}", bodies[first]).get_json()
    for caller in (patient, make_api()):
        if caller is not patient:
            caller.register(email="someone@example.org", name="Someone")
        r = caller.post(f"/api/v1/{second}", {**bodies[second], "id": made["id"]})
        assert r.status_code == 409, r.get_json()
        assert r.get_json()["error"]["code"] == "id_taken"
    assert patient.get(f"/api/v1/{second}/{made['id']}").status_code == 404
    assert patient.get(f"/api/v1/{first}/{made['id']}").get_json() == made


def test_list_by_date_range_is_inclusive_and_newest_first(patient):
    for offset in range(-6, 0):
        create(patient, day=day(offset), leg_pain=-offset)
    body = patient.get(f"/api/v1/entries?from={day(-5)}&to={day(-3)}").get_json()
    assert [e["day"] for e in body["entries"]] == [day(-3), day(-4), day(-5)]
    assert body["next"] is None
    everything = patient.get("/api/v1/entries").get_json()["entries"]
    assert [e["day"] for e in everything] == [day(o) for o in range(-1, -7, -1)]


def test_the_next_cursor_walks_every_page_once(patient):
    made = {create(patient, day=day(-(n % 9)), leg_pain=n % 11)["id"] for n in range(23)}
    seen, url, pages = [], "/api/v1/entries?limit=5", 0
    while url:
        body = patient.get(url).get_json()
        assert len(body["entries"]) <= 5
        seen += body["entries"]
        pages += 1
        url = f"/api/v1/entries?limit=5&after={body['next']}" if body["next"] else None
    ids = [e["id"] for e in seen]
    assert pages == 5 and len(ids) == len(set(ids)) and set(ids) == made
    keys = [(e["day"], e["created_at"], e["id"]) for e in seen]
    assert keys == sorted(keys, reverse=True)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=5001", "limit"),
        ("limit=ten", "limit"),
        ("from=2026-13-01", "from"),
        ("to=yesterday", "to"),
        ("after=not-a-cursor", "after"),
    ],
)
def test_bad_list_parameters_are_422_naming_the_parameter(patient, query, field):
    response = patient.get(f"/api/v1/entries?{query}")
    assert response.status_code == 422
    assert field in error_fields(response)


def test_a_range_ending_before_it_starts_is_422_naming_to(patient, shared):
    create(patient, day=day(-3))
    _, doctor = shared
    reversed_span = f"from={day(-1)}&to={day(-5)}"
    for reader, path in (
        (patient, "/api/v1/entries"),
        (doctor, f"/api/v1/patients/{patient.user['id']}/entries"),
    ):
        response = reader.get(f"{path}?{reversed_span}")
        assert response.status_code == 422
        error = response.get_json()["error"]
        assert error["code"] == "invalid" and set(error["fields"]) == {"to"}
        assert day(-1) in error["fields"]["to"]
        # One day, from and to alike, is a span: the entry of that day comes back.
        same_day = reader.get(f"{path}?from={day(-3)}&to={day(-3)}").get_json()["entries"]
        assert [e["day"] for e in same_day] == [day(-3)]


def test_update_needs_the_version_it_was_made_from(patient):
    entry = create(patient, leg_pain=5)
    path = f"/api/v1/entries/{entry['id']}"
    content = {"day": entry["day"], "leg_pain": 3}
    updated = patient.put(path, {**content, "base_version": 1})
    assert updated.status_code == 200
    assert updated.get_json()["leg_pain"] == 3 and updated.get_json()["version"] == 2

    stale = patient.put(path, {**content, "leg_pain": 8, "base_version": 1})
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "conflict"
    assert stale.get_json()["server"]["leg_pain"] == 3
    assert stale.get_json()["server"]["version"] == 2

    ahead = patient.put(path, {**content, "leg_pain": 8, "base_version": 7})
    assert ahead.status_code == 409 and ahead.get_json()["error"]["code"] == "version_ahead"
    assert "base_version" in error_fields(ahead)
    missing = patient.put(path, content)
    assert missing.status_code == 422 and "base_version" in error_fields(missing)
    assert patient.get(path).get_json()["leg_pain"] == 3


def test_delete_leaves_a_tombstone_that_sync_hands_to_other_devices(app, patient):
    entry = create(patient)
    path = f"/api/v1/entries/{entry['id']}"
    response = patient.delete(path)
    assert response.status_code == 204 and response.get_data() == b""
    assert patient.get(path).status_code == 404
    assert patient.delete(path).status_code == 404
    assert entry["id"] not in str(patient.get("/api/v1/entries").get_json())
    assert rows(app) == 1

    changes = patient.post("/api/v1/sync", {"cursor": None, "changes": []}).get_json()["changes"]
    (tombstone,) = [c for c in changes if c["id"] == entry["id"]]
    assert tombstone["deleted"] is True and tombstone["version"] == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"regions": {"l_wing": "pain"}}, "regions"),
        ({"regions": {"l_calf_back": "ache"}}, "regions.l_calf_back"),
        ({"activities": {"juggling": 2}}, "activities"),
        ({"activities": {"walking": 5}}, "activities.walking"),
        ({"leg_pain": 11}, "leg_pain"),
        ({"back_pain": -1}, "back_pain"),
        ({"worst_leg_pain": 3.5}, "worst_leg_pain"),
        ({"leg_pain": "5"}, "leg_pain"),  # the API does not guess: "5" is not 5
        ({"sitting_tolerance_min": 1441}, "sitting_tolerance_min"),
        ({"note": "x" * 2001}, "note"),
        ({"note": "fine\x1b[31m red"}, "note"),
        ({"note": "bell\x07"}, "note"),
        ({"red_flags": ["headache"]}, "red_flags"),
        ({"mood": "fine"}, "mood"),
        ({"day": day(2)}, "day"),
        ({"day": "1999-12-31"}, "day"),
        ({"leg_pain": None, "back_pain": None}, "leg_pain"),
        ({"id": "not-a-uuid"}, "id"),
    ],
)
def test_invalid_entries_are_422_naming_the_field_and_write_nothing(app, patient, change, field):
    response = patient.post("/api/v1/entries", {"day": day(-1), "leg_pain": 5, **change})
    assert response.status_code == 422
    assert field in error_fields(response)
    assert rows(app) == 0


def test_a_note_keeps_its_line_breaks_and_tabs(patient):
    note = "Walked 2 km,\r\nthen sat:\tbetter"
    assert create(patient, note=f"{note}\n")["note"] == note


def test_tomorrow_is_allowed_for_phones_ahead_of_utc(patient):
    assert create(patient, day=day(1))["day"] == day(1)


def test_another_patients_entry_is_not_found(patient, make_api):
    entry = create(patient)
    other = make_api()
    other.register(email="other@example.org", name="Other")
    path = f"/api/v1/entries/{entry['id']}"
    assert other.get(path).status_code == 404
    put = other.put(path, {"day": entry["day"], "leg_pain": 1, "base_version": 1})
    assert put.status_code == 404
    assert other.delete(path).status_code == 404
    assert other.get("/api/v1/entries").get_json()["entries"] == []
    assert patient.get(path).get_json() == entry


def test_a_physician_may_not_keep_a_diary(make_api, patient):
    entry = create(patient)
    doctor = make_api()
    doctor.register(email="doc@example.org", role="physician", name="Doc")
    assert doctor.get("/api/v1/entries").status_code == 403
    assert doctor.post("/api/v1/entries", {"day": day(-1), "leg_pain": 5}).status_code == 403
    assert doctor.get(f"/api/v1/entries/{entry['id']}").status_code == 403


# Any JSON value, kept small so a hundred examples stay fast.
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=8,
)
FIELDS = [*EntryCreate.model_fields, "unknown_field"]


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(field=st.sampled_from(FIELDS), value=JSON)
def test_any_value_in_any_field_is_accepted_or_refused_by_name_never_a_500(
    app, patient, field, value
):
    before = rows(app)
    body = {"day": day(-1), "leg_pain": 5, field: value}
    response = patient.post("/api/v1/entries", body)
    status = response.status_code
    if status == 201:
        assert rows(app) == before + 1
        return
    assert 400 <= status < 500, (field, value, status)
    named = error_fields(response)
    assert any(name == field or name.startswith(f"{field}.") for name in named), (
        field,
        value,
        named,
    )
    assert rows(app) == before


@pytest.mark.parametrize(("field", "value"), [("regions", "pain"), ("activities", 1)])
def test_a_lone_surrogate_in_a_key_is_refused_not_a_500(app, patient, field, value):
    body = {"day": day(-1), "leg_pain": 5, field: {"\ud800": value}}
    response = patient.post("/api/v1/entries", body)
    assert 400 <= response.status_code < 500
    assert rows(app) == 0
