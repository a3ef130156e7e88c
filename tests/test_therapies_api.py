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


def test_a_course_may_end(patient):
    body = {"kind": "physiotherapy", "start_day": "2026-01-05", "end_day": "2026-02-09"}
    response = patient.post("/api/v1/therapies", body)
    assert response.status_code == 201
    assert response.get_json()["end_day"] == "2026-02-09"
