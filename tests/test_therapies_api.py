"""The therapies API keeps CLINICAL.md section 3's rules, whichever client writes."""

import uuid

import pytest


@pytest.mark.parametrize("kind", ["surgery", "msc_injection", "epidural_steroid"])
def test_a_single_treatment_has_no_end_day(patient, kind):
    body = {"kind": kind, "start_day": "2026-01-05", "end_day": "2026-01-09"}
    response = patient.post("/api/v1/therapies", body)
    assert response.status_code == 422
    assert "only for courses" in response.get_json()["error"]["fields"]["end_day"]
    assert patient.get("/api/v1/therapies").get_json()["therapies"] == []


def test_the_same_rule_holds_through_sync(patient):
    change = {
        "kind": "therapy",
        "id": str(uuid.uuid4()),
        "base_version": None,
        "data": {"kind": "surgery", "start_day": "2026-01-05", "end_day": "2026-01-09"},
    }
    result = patient.post("/api/v1/sync", {"cursor": None, "changes": [change]}).get_json()
    assert result["results"][0]["status"] == "rejected"
    assert "data.end_day" in result["results"][0]["error"]["fields"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"label": "Physio\x1b[31m"}, "label"),
        ({"label": "Physio\nweekly"}, "label"),
        ({"label": "Physio\u0085"}, None),  # white space at the end: trimmed
        ({"notes": "Tuesdays\x00"}, "notes"),
        ({"notes": "Tuesdays,\n\tThursdays"}, None),
    ],
)
def test_control_characters_in_a_label_or_notes_are_named(patient, change, field):
    body = {"kind": "physiotherapy", "label": "Physio", "start_day": "2026-01-05", **change}
    response = patient.post("/api/v1/therapies", body)
    if field is None:
        assert response.status_code == 201
        assert response.get_json()["label"] == "Physio"
        return
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and set(error["fields"]) == {field}
    # The same rule through sync: that change alone is rejected, naming the field.
    change = {"kind": "therapy", "id": str(uuid.uuid4()), "base_version": None, "data": body}
    result = patient.post("/api/v1/sync", {"cursor": None, "changes": [change]}).get_json()
    assert result["results"][0]["status"] == "rejected"
    assert set(result["results"][0]["error"]["fields"]) == {f"data.{field}"}
    assert patient.get("/api/v1/therapies").get_json()["therapies"] == []


def test_a_course_may_end(patient):
    body = {"kind": "physiotherapy", "start_day": "2026-01-05", "end_day": "2026-02-09"}
    response = patient.post("/api/v1/therapies", body)
    assert response.status_code == 201
    assert response.get_json()["end_day"] == "2026-02-09"
