"""Questionnaire responses over JSON: the definitions, the resource with its score, the sync
kind `response` under the same rules as entries, a sharing physician's read, deletion."""

import json
import uuid

import pytest

from diary.db import get_db
from diary.questionnaires.schemas import QuestionnaireList
from tests.conftest import change, sync

DAY = "2026-03-02"
RMDQ = {"questionnaire": "rmdq", "day": DAY, "answers": {"1": True, "13": True, "24": False}}


def test_the_definitions_are_served_to_anyone_signed_in(api, client):
    assert client.get("/api/v1/questionnaires").status_code == 401
    api.register()
    body = api.get("/api/v1/questionnaires").get_json()
    ids = [q["id"] for q in body["questionnaires"]]
    assert ids == ["rmdq", "pgic", "odi"]
    rmdq = body["questionnaires"][0]
    assert rmdq["url"] == "urn:diary:questionnaire:rmdq"
    assert rmdq["diary"]["important_change"] == {"points": 5, "percent": 30}
    assert len([i for i in rmdq["item"] if i["type"] == "boolean"]) == 24
    # A client drawing its own ODI form learns the range and the one decimal from the item,
    # as the OpenAPI document describes it.
    (total,) = body["questionnaires"][2]["item"]
    assert (total["type"], total["extension"]) == (
        "decimal",
        [
            {"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueDecimal": 0},
            {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueDecimal": 100},
            {"url": "http://hl7.org/fhir/StructureDefinition/maxDecimalPlaces", "valueInteger": 1},
        ],
    )
    QuestionnaireList.model_validate(body)


def test_a_response_comes_back_with_its_score_and_every_answer(patient):
    created = patient.post("/api/v1/responses", RMDQ)
    assert created.status_code == 201
    body = created.get_json()
    assert (body["questionnaire"], body["day"], body["score"], body["version"]) == (
        "rmdq",
        DAY,
        2,
        1,
    )
    assert len(body["answers"]) == 24 and body["answers"]["2"] is False
    assert patient.get(f"/api/v1/responses/{body['id']}").get_json() == body
    listed = patient.get("/api/v1/responses").get_json()["responses"]
    assert [r["id"] for r in listed] == [body["id"]]


def test_an_odi_total_with_a_skipped_section_keeps_its_decimal(patient):
    # Fairbank's scoring with one of ten sections unanswered: 20 points of 45 is 44.4%.
    body = {"questionnaire": "odi", "day": DAY, "answers": {"total": 44.4}}
    created = patient.post("/api/v1/responses", body)
    assert created.status_code == 201
    assert (created.get_json()["answers"], created.get_json()["score"]) == ({"total": 44.4}, 44.4)
    again = patient.get(f"/api/v1/responses/{created.get_json()['id']}").get_json()
    assert again["score"] == 44.4
    refused = patient.post("/api/v1/responses", {**body, "answers": {"total": 44.44}})
    assert refused.get_json()["error"]["fields"] == {
        "answers.total": "must be a number with at most 1 decimal"
    }


def test_a_statement_sent_as_null_is_not_ticked_as_the_document_says(patient, client):
    answer = {"questionnaire": "rmdq", "day": DAY, "answers": {"1": True, "2": None}}
    created = patient.post("/api/v1/responses", answer)
    assert created.status_code == 201
    assert created.get_json()["score"] == 1 and created.get_json()["answers"]["2"] is False
    document = client.get("/api/v1/openapi.json").get_json()
    assert '["boolean", "null"]' in json.dumps(document)


def test_responses_are_edited_with_their_version_and_deleted_as_tombstones(patient):
    made = patient.post("/api/v1/responses", {**RMDQ, "answers": {"1": True}}).get_json()
    edited = patient.put(
        f"/api/v1/responses/{made['id']}", {**RMDQ, "base_version": made["version"]}
    )
    assert edited.status_code == 200 and edited.get_json()["score"] == 2
    stale = patient.put(f"/api/v1/responses/{made['id']}", {**RMDQ, "base_version": 1})
    assert stale.status_code == 200  # the same content: a duplicate, not a conflict
    other = patient.put(
        f"/api/v1/responses/{made['id']}",
        {**RMDQ, "answers": {"5": True}, "base_version": 1},
    )
    assert other.status_code == 409
    assert other.get_json()["error"]["code"] == "conflict"
    assert patient.delete(f"/api/v1/responses/{made['id']}?base_version=2").status_code == 204
    assert patient.get(f"/api/v1/responses/{made['id']}").status_code == 404
    assert patient.get("/api/v1/responses").get_json()["responses"] == []


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({**RMDQ, "questionnaire": "sf36"}, {"questionnaire"}),
        ({**RMDQ, "answers": {"1": "yes"}}, {"answers.1"}),
        ({**RMDQ, "answers": {"0": True}}, {"answers.0"}),
        ({"questionnaire": "pgic", "day": DAY, "answers": {"1": 2}}, {"therapy_id"}),
        (
            {"questionnaire": "pgic", "day": DAY, "answers": {}, "therapy_id": str(uuid.uuid4())},
            {"answers.1"},
        ),
        ({"questionnaire": "odi", "day": DAY, "answers": {"total": 101}}, {"answers.total"}),
        ({"questionnaire": "odi", "day": DAY, "answers": {"total": 44.44}}, {"answers.total"}),
        ({"questionnaire": "odi", "day": DAY, "answers": {"total": 10**400}}, {"answers.total"}),
        ({"questionnaire": "odi", "day": "2999-01-01", "answers": {"total": 4}}, {"day"}),
        ({**RMDQ, "score": 24}, {"score"}),
    ],
)
def test_a_bad_response_is_refused_naming_the_field_and_nothing_is_written(patient, body, fields):
    response = patient.post("/api/v1/responses", body)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == fields
    assert patient.get("/api/v1/responses").get_json()["responses"] == []


def test_the_list_filters_by_questionnaire_and_days(patient):
    therapy = patient.post(
        "/api/v1/therapies", {"kind": "surgery", "start_day": "2026-01-05"}
    ).get_json()
    patient.post("/api/v1/responses", RMDQ)
    patient.post(
        "/api/v1/responses",
        {
            "questionnaire": "pgic",
            "day": "2026-03-20",
            "answers": {"1": 1},
            "therapy_id": therapy["id"],
        },
    )
    only = patient.get("/api/v1/responses?questionnaire=pgic").get_json()["responses"]
    assert [(r["questionnaire"], r["score"], r["therapy_id"]) for r in only] == [
        ("pgic", 1, therapy["id"])
    ]
    assert len(patient.get("/api/v1/responses?from=2026-03-10").get_json()["responses"]) == 1
    refused = patient.get("/api/v1/responses?questionnaire=x&to=soon")
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]) == {"questionnaire", "to"}


def test_a_reversed_range_of_responses_is_422_naming_to(patient, shared):
    _, doctor = shared
    for reader, path in (
        (patient, "/api/v1/responses"),
        (doctor, f"/api/v1/patients/{patient.user['id']}/responses"),
    ):
        response = reader.get(f"{path}?from=2026-05-01&to=2026-04-01")
        assert response.status_code == 422
        assert set(response.get_json()["error"]["fields"]) == {"to"}


# ---- sync ------------------------------------------------------------------------------


def response_change(ident, data, base=None):
    """A questionnaire response as a phone sends it in a sync batch."""
    return change(ident, data, base=base, kind="response")


def test_a_response_synced_twice_is_stored_once_with_the_same_rules_as_entries(patient):
    ident = uuid.uuid4()
    first = sync(patient, [response_change(ident, RMDQ)])
    assert [(r["status"], r["kind"], r["version"]) for r in first["results"]] == [
        ("applied", "response", 1)
    ]
    pulled = [c for c in first["changes"] if c["kind"] == "response"]
    assert pulled[0]["data"]["answers"]["13"] is True and "score" not in pulled[0]["data"]
    # Sent again (its answer was lost): a duplicate; the same content written out in full too.
    full = {**RMDQ, "answers": {str(n): n in (1, 13) for n in range(1, 25)}, "therapy_id": None}
    assert [r["status"] for r in sync(patient, [response_change(ident, full)])["results"]] == [
        "duplicate"
    ]
    assert [r["status"] for r in sync(patient, [response_change(ident, RMDQ)])["results"]] == [
        "duplicate"
    ]
    # An edit on version 1 applies; another device's edit on version 1 is then a conflict.
    edit = {**RMDQ, "answers": {"2": True}}
    assert (
        sync(patient, [response_change(ident, edit, base=1)])["results"][0]["status"] == "applied"
    )
    other = sync(patient, [response_change(ident, {**RMDQ, "answers": {"9": True}}, base=1)])
    (result,) = other["results"]
    assert result["status"] == "conflict" and result["server"]["answers"]["2"] is True
    bad = sync(patient, [response_change(uuid.uuid4(), {**RMDQ, "answers": {"1": 3}})])
    assert bad["results"][0]["error"]["fields"] == {
        "data.answers.1": "must be true (ticked) or false"
    }
    assert len(patient.get("/api/v1/responses").get_json()["responses"]) == 1


def pgic(therapy_id, answer=2):
    return {"questionnaire": "pgic", "day": DAY, "answers": {"1": answer}, "therapy_id": therapy_id}


def therapy_of(api, start_day="2026-02-01"):
    made = api.post("/api/v1/therapies", {"kind": "nerve_block", "start_day": start_day})
    assert made.status_code == 201, made.get_json()
    return made.get_json()


def test_a_pgic_must_name_one_of_the_patients_own_therapies(patient, make_api):
    other = make_api()
    other.register(email="other@example.org")
    theirs = therapy_of(other)
    answers = [
        patient.post("/api/v1/responses", pgic(therapy_id))
        for therapy_id in (str(uuid.uuid4()), theirs["id"])
    ]
    # The same answer for an unknown id and another patient's therapy: nothing is learnt.
    assert [a.status_code for a in answers] == [422, 422]
    errors = [a.get_json()["error"] for a in answers]
    assert errors[0]["code"] == "invalid" and set(errors[0]["fields"]) == {"therapy_id"}
    assert errors[0]["message"] == errors[1]["message"]
    assert errors[0]["fields"] == errors[1]["fields"]
    assert patient.get("/api/v1/responses").get_json()["responses"] == []
    # The patient's own therapy is taken; an edit moving it to another's is refused.
    mine = therapy_of(patient)
    made = patient.post("/api/v1/responses", pgic(mine["id"]))
    assert made.status_code == 201
    moved = patient.put(
        f"/api/v1/responses/{made.get_json()['id']}", {**pgic(theirs["id"]), "base_version": 1}
    )
    assert moved.status_code == 422 and set(moved.get_json()["error"]["fields"]) == {"therapy_id"}
    kept = patient.get(f"/api/v1/responses/{made.get_json()['id']}").get_json()
    assert (kept["therapy_id"], kept["version"]) == (mine["id"], 1)


def test_a_pgic_about_a_therapy_deleted_since_is_kept(patient):
    therapy = therapy_of(patient)
    assert patient.delete(f"/api/v1/therapies/{therapy['id']}").status_code == 204
    # Answered offline before the deletion reached this phone: the answer is not lost.
    (result,) = sync(patient, [response_change(uuid.uuid4(), pgic(therapy["id"]))])["results"]
    assert result["status"] == "applied"
    assert patient.post("/api/v1/responses", pgic(therapy["id"], 3)).status_code == 201


def test_in_a_sync_batch_only_the_change_naming_an_unknown_therapy_is_rejected(patient, make_api):
    other = make_api()
    other.register(email="other@example.org")
    theirs = therapy_of(other)
    therapy_id = str(uuid.uuid4())
    batch = [
        change(therapy_id, {"kind": "surgery", "start_day": "2026-02-01"}, kind="therapy"),
        response_change(uuid.uuid4(), pgic(therapy_id)),  # made earlier in the same batch
        response_change(uuid.uuid4(), pgic(str(uuid.uuid4()))),
        response_change(uuid.uuid4(), pgic(theirs["id"])),
        response_change(uuid.uuid4(), RMDQ),
    ]
    results = sync(patient, batch)["results"]
    assert [r["status"] for r in results] == [
        "applied",
        "applied",
        "rejected",
        "rejected",
        "applied",
    ]
    unknown, another = results[2]["error"], results[3]["error"]
    assert unknown == another
    assert unknown["code"] == "invalid" and set(unknown["fields"]) == {"therapy_id"}
    stored = patient.get("/api/v1/responses").get_json()["responses"]
    assert sorted(r["questionnaire"] for r in stored) == ["pgic", "rmdq"]


ODI = {"questionnaire": "odi", "day": DAY, "answers": {"total": 30}}


@pytest.mark.parametrize("body", [RMDQ, ODI], ids=["rmdq", "odi"])
def test_only_a_pgic_may_name_a_therapy(patient, client, body):
    """An RMDQ or an ODI is about no therapy: a therapy_id with one is refused naming it,
    as the document says, and nothing is written; null is what it holds."""
    therapy = therapy_of(patient)
    refused = patient.post("/api/v1/responses", {**body, "therapy_id": therapy["id"]})
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]) == {"therapy_id"}
    assert patient.get("/api/v1/responses").get_json()["responses"] == []
    made = patient.post("/api/v1/responses", {**body, "therapy_id": None})
    assert made.status_code == 201 and made.get_json()["therapy_id"] is None
    edit = {**body, "therapy_id": therapy["id"], "base_version": 1}
    moved = patient.put(f"/api/v1/responses/{made.get_json()['id']}", edit)
    assert moved.status_code == 422
    assert set(moved.get_json()["error"]["fields"]) == {"therapy_id"}
    assert patient.post("/api/v1/responses", pgic(therapy["id"])).status_code == 201
    document = client.get("/api/v1/openapi.json").get_json()
    branches = document["components"]["schemas"]["ResponseCreate"]["anyOf"]
    said = {
        b["properties"]["questionnaire"]["const"]: b["properties"]["therapy_id"] for b in branches
    }
    assert said[body["questionnaire"]] == {"type": "null"}
    assert said["pgic"]["type"] == "string"


def test_in_a_sync_batch_only_the_rmdq_or_odi_naming_a_therapy_is_rejected(patient):
    therapy = therapy_of(patient)
    batch = [
        response_change(uuid.uuid4(), {**RMDQ, "therapy_id": therapy["id"]}),
        response_change(uuid.uuid4(), RMDQ),
        response_change(uuid.uuid4(), {**ODI, "therapy_id": therapy["id"]}),
        response_change(uuid.uuid4(), pgic(therapy["id"])),
    ]
    results = sync(patient, batch)["results"]
    assert [r["status"] for r in results] == ["rejected", "applied", "rejected", "applied"]
    for refused in (results[0], results[2]):
        assert set(refused["error"]["fields"]) == {"data.therapy_id"}
    stored = patient.get("/api/v1/responses").get_json()["responses"]
    assert sorted((r["questionnaire"], r["therapy_id"]) for r in stored) == [
        ("pgic", therapy["id"]),
        ("rmdq", None),
    ]


def test_an_id_is_unique_across_kinds(patient):
    entry = patient.post("/api/v1/entries", {"day": DAY, "leg_pain": 4}).get_json()
    (result,) = sync(patient, [response_change(entry["id"], RMDQ)])["results"]
    assert (result["status"], result["error"]["code"]) == ("rejected", "id_taken")
    taken = patient.post("/api/v1/responses", {**RMDQ, "id": entry["id"]})
    assert taken.status_code == 409


def test_another_patients_response_is_not_found(patient, make_api):
    mine = patient.post("/api/v1/responses", RMDQ).get_json()
    other = make_api()
    other.register(email="other@example.org")
    assert other.get(f"/api/v1/responses/{mine['id']}").status_code == 404
    assert (
        other.put(f"/api/v1/responses/{mine['id']}", {**RMDQ, "base_version": 1}).status_code == 404
    )
    (result,) = sync(other, [response_change(mine["id"], RMDQ, base=1)])["results"]
    assert result["error"]["code"] == "not_found"


# ---- others' eyes, and leaving -------------------------------------------------------------


def test_a_sharing_physician_reads_them_and_the_patient_sees_it_logged(shared):
    patient, doctor = shared
    patient.post("/api/v1/responses", RMDQ)
    path = f"/api/v1/patients/{patient.user['id']}/responses"
    answer = doctor.get(path)
    assert answer.status_code == 200
    assert [r["score"] for r in answer.get_json()["responses"]] == [2]
    log = patient.get("/api/v1/access-log").get_json()["access_log"]
    assert [e["words"] for e in log][0].endswith("read your questionnaire answers")
    listed = doctor.get("/api/v1/patients").get_json()["patients"][0]
    assert listed["questionnaires"][0]["sentence"] == (
        "RMDQ 2 of 24 on 2 Mar 2026 (nothing earlier to compare with)."
    )


def test_deleting_the_account_deletes_every_response_and_its_history(app, patient):
    made = patient.post("/api/v1/responses", RMDQ).get_json()
    assert patient.delete_account().status_code == 204
    with app.app_context():
        db = get_db()
        assert db.execute("SELECT COUNT(*) FROM responses").fetchone()[0] == 0
        assert (
            db.execute("SELECT COUNT(*) FROM revisions WHERE id = ?", [made["id"]]).fetchone()[0]
            == 0
        )


def test_a_pgic_dated_before_its_therapy_began_is_refused_naming_the_day(patient, doctor):
    """A rating of the change since a therapy cannot come before it: the physician's list
    read one as a clinically important improvement from a therapy not yet given."""
    therapy = therapy_of(patient, start_day="2026-02-01")
    early = {**pgic(therapy["id"], 1), "day": "2026-01-20"}
    refused = patient.post("/api/v1/responses", early)
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]) == {"day"}
    (result,) = sync(patient, [response_change(uuid.uuid4(), early)])["results"]
    assert result["status"] == "rejected" and set(result["error"]["fields"]) == {"day"}
    assert patient.post("/api/v1/responses", {**early, "day": "2026-02-01"}).status_code == 201


def test_a_pgic_left_before_its_therapy_by_a_moved_start_day_is_not_the_latest_word(
    patient, doctor, shared
):
    therapy = therapy_of(patient, start_day="2026-02-01")
    answer = {**pgic(therapy["id"], 1), "day": "2026-02-10"}
    assert patient.post("/api/v1/responses", answer).status_code == 201
    assert "PGIC" in str(doctor.get("/api/v1/patients").get_json()["patients"][0])
    moved = {"kind": "nerve_block", "start_day": "2026-03-01", "base_version": 1}
    assert patient.put(f"/api/v1/therapies/{therapy['id']}", moved).status_code == 200
    row = doctor.get("/api/v1/patients").get_json()["patients"][0]
    assert "PGIC" not in str(row)
