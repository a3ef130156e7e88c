"""The FHIR R4 Bundle: valid for the fhir.resources R4B models (R4B is R4 for every resource
used here), and each pain score an Observation a record system can file under the patient."""

import uuid

import pytest
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from diary.exports import fhir

SERVER = "7f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f"
PATIENT = {"id": 7, "name": "Pat Example"}


def entry(day, leg=None, back=None, regions=None, note=""):
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, day + str(leg) + str(back))),
        "day": day,
        "leg_pain": leg,
        "back_pain": back,
        "worst_leg_pain": None,
        "regions": regions or {},
        "activities": {},
        "sitting_tolerance_min": None,
        "walking_tolerance_min": None,
        "red_flags": [],
        "note": note,
        "version": 1,
        "created_at": f"{day}T08:00:00.000Z",
        "updated_at": f"{day}T09:00:00.000Z",
        "deleted": False,
    }


def therapy(kind, start, end=None, label="", notes=""):
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, kind + start)),
        "kind": kind,
        "label": label,
        "start_day": start,
        "end_day": end,
        "notes": notes,
        "version": 1,
        "created_at": f"{start}T08:00:00.000Z",
        "updated_at": f"{start}T08:00:00.000Z",
        "deleted": False,
    }


ENTRIES = [
    entry("2026-02-01", leg=7, back=4, regions={"l_buttock": "pain", "l_calf_back": "pain"}),
    entry("2026-02-02", leg=6, regions={"r_thigh_back": "pain", "l_foot_top": "numb"}),
    entry("2026-02-03", back=2, regions={"r_low_back": "pain"}, note="Gardening"),
    entry("2026-02-04", leg=0, back=0, regions={"l_knee": "pain", "r_knee": "pain"}),
]
THERAPIES = [
    therapy("epidural_steroid", "2026-01-10", label="L5 left", notes="80 mg"),
    therapy("physiotherapy", "2026-01-15", end="2026-03-01"),
    therapy("other", "2026-02-01"),
    therapy("medication_change", "2026-01-20", label="Pregabalin 75 mg"),
]


def export(include_notes=True, exported_at="2026-02-05T10:00:00.000Z"):
    return fhir.bundle(
        PATIENT,
        ENTRIES,
        THERAPIES,
        server_uuid=SERVER,
        exported_at=exported_at,
        today="2026-02-05",
        include_notes=include_notes,
    )


def resources(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_the_bundle_validates_with_the_fhir_r4b_models():
    bundle = export()
    model = Bundle.model_validate(bundle)
    assert model.type == "collection"
    kinds = [e.resource.__class__.__name__ for e in model.entry]
    assert kinds.count("Patient") == 1 and kinds.count("Observation") == 6


def test_the_validation_would_catch_a_broken_resource():
    bundle = export()
    resources(bundle, "Observation")[0]["valueInteger"] = "seven"
    with pytest.raises(ValidationError):
        Bundle.model_validate(bundle)


def test_every_observation_is_a_loinc_pain_score_of_the_patient_in_the_bundle():
    bundle = export()
    full_urls = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    for observation in resources(bundle, "Observation"):
        assert observation["code"]["coding"][0]["system"] == "http://loinc.org"
        assert observation["code"]["coding"][0]["code"] == "72514-3"
        assert isinstance(observation["valueInteger"], int)
        assert 0 <= observation["valueInteger"] <= 10
        assert observation["status"] == "final"
        assert observation["effectiveDateTime"] in {e["day"] for e in ENTRIES}
        subject = full_urls[observation["subject"]["reference"]]
        assert subject["resourceType"] == "Patient" and subject["name"][0]["text"] == "Pat Example"


def test_one_observation_per_score_given():
    bundle = export()
    scores = sum((e["leg_pain"] is not None) + (e["back_pain"] is not None) for e in ENTRIES)
    assert len(resources(bundle, "Observation")) == scores == 6
    legs = [o for o in resources(bundle, "Observation") if "leg" in o["code"]["text"]]
    assert [o["valueInteger"] for o in legs] == [7, 6, 0]


def test_the_body_site_says_the_side_where_the_pain_regions_do():
    sites = [o["bodySite"] for o in resources(export(), "Observation")]
    leg_left, back_1, leg_right, back_right, leg_both, back_0 = sites
    assert leg_left["text"] == "Left leg" and leg_left["coding"][0]["code"] == "32153003"
    assert leg_right["text"] == "Right leg" and leg_right["coding"][0]["code"] == "62175007"
    assert leg_both["text"] == "Both legs" and leg_both["coding"][0]["code"] == "61685007"
    assert back_1["text"] == "Lower back" and back_1["coding"][0]["code"] == "37822005"
    assert back_right["text"] == "Lower back, right side"
    assert back_0["text"] == "Lower back"


def test_ids_are_stable_so_a_second_export_names_the_same_resources():
    first = export(exported_at="2026-02-05T10:00:00.000Z")
    second = export(exported_at="2026-02-06T11:00:00.000Z")
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]
    for item in first["entry"]:
        assert item["fullUrl"] == f"urn:uuid:{item['resource']['id']}"
    assert first["id"] != second["id"]  # the bundle itself is a new message each time


def test_another_server_gives_the_same_account_number_another_patient_id():
    here = fhir.patient_id(SERVER, 7)
    assert here == fhir.patient_id(SERVER, 7)
    assert here != fhir.patient_id(str(uuid.uuid4()), 7)
    assert here != fhir.patient_id(SERVER, 8)


def test_therapies_map_to_procedures_and_a_medication_statement():
    bundle = export()
    procedures = {p["id"]: p for p in resources(bundle, "Procedure")}
    injection, course, other, medication = (t["id"] for t in THERAPIES)
    assert procedures[injection]["performedDateTime"] == "2026-01-10"
    assert procedures[injection]["status"] == "completed"
    assert procedures[injection]["code"]["text"] == "Epidural steroid injection: L5 left"
    assert procedures[course]["performedPeriod"] == {"start": "2026-01-15", "end": "2026-03-01"}
    assert procedures[course]["status"] == "in-progress"  # ends after today
    assert procedures[other]["performedPeriod"] == {"start": "2026-02-01"}
    (statement,) = resources(bundle, "MedicationStatement")
    assert statement["id"] == medication and statement["status"] == "active"
    assert statement["medicationCodeableConcept"]["text"] == "Medication change: Pregabalin 75 mg"


@pytest.mark.parametrize(
    ("today", "status"), [("2026-03-31", "active"), ("2026-04-01", "completed")]
)
def test_a_course_is_completed_once_its_last_day_has_passed_not_on_it(today, status):
    # The regular medicine's course and the physiotherapy both end on their end day, which
    # is still a day of the course (Today offers its doses): a clinic must not see it stopped.
    physiotherapy = {**THERAPIES[1], "end_day": "2026-03-31"}
    bundle = fhir.bundle(
        PATIENT,
        ENTRIES,
        [physiotherapy],
        server_uuid=SERVER,
        exported_at=f"{today}T10:00:00.000Z",
        today=today,
        medications=MEDICINES[:1],
        doses=[],
    )
    (procedure,) = resources(bundle, "Procedure")
    (statement,) = resources(bundle, "MedicationStatement")
    assert (
        statement["effectivePeriod"]["end"] == procedure["performedPeriod"]["end"] == "2026-03-31"
    )
    assert statement["status"] == status
    assert procedure["status"] == {"active": "in-progress", "completed": "completed"}[status]


def test_notes_appear_only_when_shared():
    with_notes = export()
    notes = [o["note"] for o in resources(with_notes, "Observation") if "note" in o]
    assert notes == [[{"text": "Gardening"}]]
    procedures = resources(with_notes, "Procedure")
    assert procedures[0]["note"] == [{"text": "80 mg"}]
    without = export(include_notes=False)
    assert "Gardening" not in str(without) and "80 mg" not in str(without)
    Bundle.model_validate(without)


# ---- medicines and doses ----------------------------------------------------------------------

MEDICINES = [
    {
        "id": "0b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "name": "Pregabalin",
        "strength": "75",
        "unit": "mg",
        "schedule": "regular",
        "start_day": "2026-01-05",
        "end_day": "2026-03-31",
        "changes": [
            {"day": "2026-01-05", "dose": "75 mg twice a day"},
            {"day": "2026-02-01", "dose": "150 mg twice a day"},
        ],
        "version": 2,
        "created_at": "2026-01-05T08:00:00.000Z",
        "updated_at": "2026-02-01T08:00:00.000Z",
        "deleted": False,
    },
    {
        "id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
        "name": "Ibuprofen",
        "strength": "400",
        "unit": "mg",
        "schedule": "as_needed",
        "start_day": "2026-01-01",
        "end_day": None,
        "changes": [],
        "version": 1,
        "created_at": "2026-01-01T08:00:00.000Z",
        "updated_at": "2026-01-01T08:00:00.000Z",
        "deleted": False,
    },
]
DOSES = [
    {
        "id": "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a",
        "medication_id": MEDICINES[1]["id"],
        "taken_at": "2026-02-03T07:15:00.000Z",
        "time_zone": "Europe/Madrid",
        "version": 1,
        "created_at": "2026-02-03T07:15:01.000Z",
        "updated_at": "2026-02-03T07:15:01.000Z",
        "deleted": False,
    },
    {
        # Its medicine was deleted since: the dose is kept, and says so.
        "id": "3e4f5a6b-7c8d-4e9f-8a1b-2c3d4e5f6a7b",
        "medication_id": "4f5a6b7c-8d9e-4f0a-9b1c-2d3e4f5a6b7c",
        "taken_at": "2026-02-04T21:00:00.000Z",
        "time_zone": "UTC",
        "version": 1,
        "created_at": "2026-02-04T21:00:01.000Z",
        "updated_at": "2026-02-04T21:00:01.000Z",
        "deleted": False,
    },
]


def with_medicines():
    return fhir.bundle(
        PATIENT,
        ENTRIES,
        THERAPIES,
        server_uuid=SERVER,
        exported_at="2026-02-05T10:00:00.000Z",
        today="2026-02-05",
        medications=MEDICINES,
        doses=DOSES,
    )


def test_medicines_and_doses_validate_with_the_fhir_r4b_models():
    model = Bundle.model_validate(with_medicines())
    kinds = [e.resource.__class__.__name__ for e in model.entry]
    assert kinds.count("MedicationStatement") == 3  # the medication change and two medicines
    assert kinds.count("MedicationAdministration") == 2


def test_a_medicine_is_a_statement_with_its_course_and_dose_changes():
    statements = {s["id"]: s for s in resources(with_medicines(), "MedicationStatement")}
    regular, as_needed = statements[MEDICINES[0]["id"]], statements[MEDICINES[1]["id"]]
    assert regular["medicationCodeableConcept"] == {"text": "Pregabalin 75 mg"}
    assert regular["effectivePeriod"] == {"start": "2026-01-05", "end": "2026-03-31"}
    assert regular["status"] == "active"
    assert [(d["text"], d["timing"]["repeat"]["boundsPeriod"]) for d in regular["dosage"]] == [
        ("75 mg twice a day", {"start": "2026-01-05", "end": "2026-01-31"}),
        ("150 mg twice a day", {"start": "2026-02-01", "end": "2026-03-31"}),
    ]
    assert as_needed["dosage"] == [{"text": "When needed", "asNeededBoolean": True}]


def test_a_dose_is_an_administration_by_the_patient_at_its_moment():
    bundle = with_medicines()
    full_urls = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    taken, orphan = resources(bundle, "MedicationAdministration")
    # The moment on the clock of the zone it was taken in, with that zone's offset.
    assert taken["effectiveDateTime"] == "2026-02-03T08:15:00+01:00"
    assert orphan["effectiveDateTime"] == "2026-02-04T21:00:00+00:00"
    assert taken["performer"][0]["actor"] == taken["subject"]
    statement = full_urls[taken["supportingInformation"][0]["reference"]]
    assert statement["medicationCodeableConcept"]["text"] == "Ibuprofen 400 mg"
    assert orphan["medicationCodeableConcept"]["text"] == fhir.UNKNOWN_MEDICINE
    assert "supportingInformation" not in orphan


# ---- questionnaire answers ------------------------------------------------------------------


def response(questionnaire, day, answers, score, therapy_id=None):
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, questionnaire + day)),
        "questionnaire": questionnaire,
        "day": day,
        "answers": answers,
        "therapy_id": therapy_id,
        "score": score,
        "version": 1,
        "created_at": f"{day}T08:00:00.000Z",
        "updated_at": f"{day}T08:00:00.000Z",
        "deleted": False,
    }


RESPONSES = [
    response("rmdq", "2026-01-08", {str(n): n in (2, 13) for n in range(1, 25)}, 2),
    response("pgic", "2026-02-01", {"1": 2}, 2, therapy_id=THERAPIES[0]["id"]),
    # A total worked out with a section skipped: 20 of 45 points is 44.4%.
    response("odi", "2026-02-02", {"total": 44.4}, 44.4, therapy_id="gone-therapy"),
]


def with_answers():
    return fhir.bundle(
        PATIENT,
        ENTRIES,
        THERAPIES,
        server_uuid=SERVER,
        exported_at="2026-02-05T10:00:00.000Z",
        today="2026-02-05",
        responses=RESPONSES,
    )


def test_each_answer_is_a_questionnaire_response_naming_its_questionnaire():
    bundle = with_answers()
    Bundle.model_validate(bundle)
    answered = resources(bundle, "QuestionnaireResponse")
    assert [(q["id"], q["questionnaire"], q["status"], q["authored"]) for q in answered] == [
        (RESPONSES[0]["id"], "urn:diary:questionnaire:rmdq|1", "completed", "2026-01-08"),
        (RESPONSES[1]["id"], "urn:diary:questionnaire:pgic|1", "completed", "2026-02-01"),
        (RESPONSES[2]["id"], "urn:diary:questionnaire:odi|2", "completed", "2026-02-02"),
    ]
    rmdq, pgic, odi = answered
    assert len(rmdq["item"]) == 24
    assert rmdq["item"][12] == {
        "linkId": "13",
        "text": "My back is painful almost all the time.",
        "answer": [{"valueBoolean": True}],
    }
    assert pgic["item"][0]["answer"] == [
        {
            "valueCoding": {
                "system": "urn:diary:questionnaire:pgic",
                "code": "2",
                "display": "Much improved",
            }
        }
    ]
    assert odi["item"][0]["answer"] == [{"valueDecimal": 44.4}]
    patient_url = bundle["entry"][0]["fullUrl"]
    assert {q["subject"]["reference"] for q in answered} == {patient_url}


def test_each_score_is_an_observation_derived_from_its_answers():
    bundle = with_answers()
    full_urls = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    scores = {
        o["derivedFrom"][0]["reference"]: o
        for o in resources(bundle, "Observation")
        if "derivedFrom" in o
    }
    assert len(scores) == 3 and all(url in full_urls for url in scores)
    rmdq = scores[f"urn:uuid:{RESPONSES[0]['id']}"]
    assert rmdq["id"] == fhir.score_id(RESPONSES[0]["id"])
    assert (rmdq["valueInteger"], rmdq["effectiveDateTime"]) == (2, "2026-01-08")
    assert rmdq["code"] == {
        "text": "Roland-Morris Disability Questionnaire score, 0 to 24, lower is better"
    }
    # No LOINC code is claimed for these instruments (docs/exports.md says why).
    assert all("coding" not in o["code"] for o in scores.values())
    pgic = scores[f"urn:uuid:{RESPONSES[1]['id']}"]
    assert pgic["valueCodeableConcept"]["text"] == "Much improved"
    assert full_urls[pgic["focus"][0]["reference"]]["resourceType"] == "Procedure"
    odi = scores[f"urn:uuid:{RESPONSES[2]['id']}"]
    assert "focus" not in odi  # its therapy is not in the bundle (deleted, say)
    # Observation has no decimal value: an ODI score is a unitless Quantity, whole or not.
    assert odi["valueQuantity"] == {
        "value": 44.4,
        "unit": "score",
        "system": "http://unitsofmeasure.org",
        "code": "{score}",
    }
    assert "valueInteger" not in odi
