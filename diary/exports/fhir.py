"""The diary as a FHIR R4 ``collection`` Bundle that a clinic's record system can read.

One Patient; an Observation for each leg-pain and each back-pain score of every entry
(LOINC 72514-3, the 0-10 numeric rating, reported by the patient); a Procedure for each
injection or operation, a Procedure with a period for a course (physiotherapy, other), a
MedicationStatement for a medication change; a MedicationStatement for each medicine (its
course, and each dose change as a dosage with its period), and a MedicationAdministration
for each dose taken when needed, taken by the patient; a QuestionnaireResponse for each
questionnaire answer (naming its Questionnaire by canonical URL) and an Observation of its
score. Every resource has a stable id, and its ``fullUrl`` is ``urn:uuid:<id>``, so a
second export of the same diary names the same resources again: a receiver that keeps
resources by id updates them instead of adding copies. docs/exports.md documents every
mapping and how each id is made.
"""

import uuid
from datetime import date, timedelta

from diary import clinical
from diary.clinical import regions
from diary.medications import doses as dose_days
from diary.medications.words import medication_name
from diary.questionnaires import engine, words

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
PAIN_SCORE = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
SURVEY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}
# SNOMED CT body structures: the leg (with its side when the pain regions say it) and the
# lower back.
LEGS = {
    frozenset({"l"}): ("32153003", "Structure of left lower limb", "Left leg"),
    frozenset({"r"}): ("62175007", "Structure of right lower limb", "Right leg"),
    frozenset({"l", "r"}): ("61685007", "Lower limb structure", "Both legs"),
    frozenset(): ("61685007", "Lower limb structure", "Leg"),
}
LOWER_BACK = ("37822005", "Lower back structure", "Lower back")
BACK_SIDES = {frozenset({"l"}): ", left side", frozenset({"r"}): ", right side"}

SCORES = {
    "leg_pain": "Average leg pain over the last 24 hours (0 no pain, 10 worst imaginable)",
    "back_pain": "Average back pain over the last 24 hours (0 no pain, 10 worst imaginable)",
}


def patient_id(server_uuid: str, user_id: int) -> str:
    """The Patient's id: a UUID derived (version 5) from this database's own random UUID and
    the account's number, so it is the same in every export from this server and differs
    between servers."""
    return str(uuid.uuid5(uuid.UUID(server_uuid), f"patient/{user_id}"))


def observation_id(entry_id: str, score: str) -> str:
    """The id of one score's Observation: a UUID derived from the entry's id and the score's
    name ("leg_pain" or "back_pain"), the same in every export."""
    return str(uuid.uuid5(uuid.UUID(entry_id), score))


def _entry(resource: dict) -> dict:
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def _body_site(entry: dict, score: str) -> dict:
    """Where the score is felt: the leg(s) marked with pain, or the lower back."""
    pain = [regions.get(code) for code, state in entry["regions"].items() if state == "pain"]
    if score == "leg_pain":
        sides = frozenset(r.side for r in pain if r.part != "low_back" and r.side in "lr")
        code, display, text = LEGS[sides]
    else:
        sides = frozenset(r.side for r in pain if r.part == "low_back")
        code, display, text = LOWER_BACK
        text += BACK_SIDES.get(sides, "")
    return {"coding": [{"system": SNOMED, "code": code, "display": display}], "text": text}


def _observations(entry: dict, subject: dict, include_notes: bool) -> list[dict]:
    out = []
    for score in ("leg_pain", "back_pain"):
        if entry[score] is None:
            continue
        resource = {
            "resourceType": "Observation",
            "id": observation_id(entry["id"], score),
            "status": "final",
            "category": [SURVEY],
            "code": {"coding": [PAIN_SCORE], "text": SCORES[score]},
            "subject": subject,
            "effectiveDateTime": entry["day"],
            "issued": entry["updated_at"],
            "valueInteger": entry[score],
            "bodySite": _body_site(entry, score),
        }
        # The entry's note once, on its first score (it is about the day, not one score).
        if include_notes and entry["note"] and not out:
            resource["note"] = [{"text": entry["note"]}]
        out.append(resource)
    return out


def _therapy_text(therapy: dict) -> str:
    kind = str(clinical.THERAPY_KINDS[therapy["kind"]])
    return f"{kind}: {therapy['label']}" if therapy["label"] else kind


def _therapy(therapy: dict, subject: dict, today: str, include_notes: bool) -> dict:
    course = therapy["kind"] in clinical.COURSE_KINDS
    # The end day is the course's last day, still in it (as Today still offers its doses).
    ended = therapy["end_day"] is not None and therapy["end_day"] < today
    period = {"start": therapy["start_day"]}
    if therapy["end_day"]:
        period["end"] = therapy["end_day"]
    if therapy["kind"] == "medication_change":
        resource = {
            "resourceType": "MedicationStatement",
            "id": therapy["id"],
            "status": "completed" if ended else "active",
            "medicationCodeableConcept": {"text": _therapy_text(therapy)},
            "subject": subject,
            "effectivePeriod": period,
            "dateAsserted": therapy["created_at"],
        }
    else:
        resource = {
            "resourceType": "Procedure",
            "id": therapy["id"],
            "status": "in-progress" if course and not ended else "completed",
            "code": {"text": _therapy_text(therapy)},
            "subject": subject,
        }
        if course:
            resource["performedPeriod"] = period
        else:
            resource["performedDateTime"] = therapy["start_day"]
    if include_notes and therapy["notes"]:
        resource["note"] = [{"text": therapy["notes"]}]
    return resource


def _dosages(medication: dict) -> list[dict]:
    """A regular medicine's dose changes as dosages, each with the days it applied; "when
    needed" for a medicine taken as needed."""
    if medication["schedule"] == "as_needed":
        return [{"text": "When needed", "asNeededBoolean": True}]
    changes = medication["changes"]
    dosages = []
    for i, change in enumerate(changes):
        bounds = {"start": change["day"]}
        if i + 1 < len(changes):
            last = date.fromisoformat(changes[i + 1]["day"]) - timedelta(days=1)
            bounds["end"] = last.isoformat()
        elif medication["end_day"]:
            bounds["end"] = medication["end_day"]
        dosages.append(
            {
                "sequence": i + 1,
                "text": change["dose"],
                "timing": {"repeat": {"boundsPeriod": bounds}},
                "asNeededBoolean": False,
            }
        )
    return dosages


def _medication(medication: dict, subject: dict, today: str) -> dict:
    period = {"start": medication["start_day"]}
    if medication["end_day"]:
        period["end"] = medication["end_day"]
    ended = medication["end_day"] is not None and medication["end_day"] < today
    resource = {
        "resourceType": "MedicationStatement",
        "id": medication["id"],
        "status": "completed" if ended else "active",
        "medicationCodeableConcept": {"text": medication_name(medication)},
        "subject": subject,
        "effectivePeriod": period,
        "dateAsserted": medication["created_at"],
    }
    dosages = _dosages(medication)
    if dosages:
        resource["dosage"] = dosages
    return resource


UNKNOWN_MEDICINE = "A medicine no longer in the diary"


def _dose(dose: dict, subject: dict, medications: dict) -> dict:
    """A dose the patient took as a MedicationAdministration by the patient: an event at one
    moment, which is what a MedicationAdministration records."""
    medicine = medications.get(dose["medication_id"])
    resource = {
        "resourceType": "MedicationAdministration",
        "id": dose["id"],
        "status": "completed",
        "medicationCodeableConcept": {
            "text": medication_name(medicine) if medicine else UNKNOWN_MEDICINE
        },
        "subject": subject,
        # The moment with the offset of the zone it was taken in: the patient's clock.
        "effectiveDateTime": dose_days.local_moment(dose),
        "performer": [{"actor": subject}],
    }
    if medicine:
        # The statement of the medicine it is a dose of.
        resource["supportingInformation"] = [{"reference": f"urn:uuid:{medicine['id']}"}]
    return resource


def score_id(response_id: str) -> str:
    """The id of a response's score Observation: a UUID derived from the response's id."""
    return str(uuid.uuid5(uuid.UUID(response_id), "score"))


def _answer(definition, item, value) -> dict:
    if item.type == "boolean":
        return {"valueBoolean": value}
    if item.type == "choice":
        coding = {"system": definition.url, "code": str(value), "display": item.words(value)}
        return {"valueCoding": coding}
    if item.type == "decimal":
        return {"valueDecimal": value}
    return {"valueInteger": value}


def _questionnaire_response(response: dict, subject: dict, therapy_ids: set) -> list[dict]:
    """A response as a QuestionnaireResponse and an Observation of its score; none for a
    questionnaire this server does not know."""
    definition = engine.catalogue().get(response["questionnaire"])
    if definition is None:
        return []
    answers = response["answers"]
    items = [
        {"linkId": item.link_id, "text": item.text, "answer": [_answer(definition, item, value)]}
        for item in definition.answerable
        if (value := answers.get(item.link_id)) is not None
    ]
    answered = {
        "resourceType": "QuestionnaireResponse",
        "id": response["id"],
        "questionnaire": f"{definition.url}|{definition.version}",
        "status": "completed",
        "subject": subject,
        "authored": response["day"],
        "item": items,
    }
    if response["score"] is None:
        return [answered]
    scored = {
        "resourceType": "Observation",
        "id": score_id(response["id"]),
        "status": "final",
        "category": [SURVEY],
        "code": {"text": f"{definition.title} score, {words.scale_words(definition)}"},
        "subject": subject,
        "effectiveDateTime": response["day"],
        "issued": response["updated_at"],
        "derivedFrom": [{"reference": f"urn:uuid:{response['id']}"}],
    }
    if definition.codes:
        scored["code"]["coding"] = definition.codes
    if definition.rates_change:
        coding = {
            "system": definition.url,
            "code": str(response["score"]),
            "display": words.score_words(definition, response["score"]),
        }
        scored["valueCodeableConcept"] = {"coding": [coding], "text": coding["display"]}
    elif definition.whole_scores:
        scored["valueInteger"] = response["score"]
    else:
        # Observation has no decimal value: a score that may have decimals (an ODI total
        # of 44.4) is a Quantity with UCUM's unitless {score}, for every response alike.
        scored["valueQuantity"] = {
            "value": response["score"],
            "unit": "score",
            "system": UCUM,
            "code": "{score}",
        }
    if response["therapy_id"] in therapy_ids:
        # What the answer is about: the therapy's Procedure or MedicationStatement.
        scored["focus"] = [{"reference": f"urn:uuid:{response['therapy_id']}"}]
    return [answered, scored]


def bundle(
    patient: dict,
    entries: list[dict],
    therapies: list[dict],
    *,
    server_uuid: str,
    exported_at: str,
    today: str,
    include_notes: bool = True,
    medications: list[dict] = (),
    doses: list[dict] = (),
    responses: list[dict] = (),
) -> dict:
    """The FHIR R4 Bundle (a dict ready for JSON) of one patient's diary.

    ``patient`` is ``{"id": account number, "name"}``; ``entries``, ``therapies``,
    ``medications``, ``doses`` and ``responses`` (with their scores) are live rows as the
    API shows them; ``today`` (the patient's, ISO) decides whether a course is still going
    on. Notes (an entry's, a therapy's) are left out unless ``include_notes``.
    """
    pid = patient_id(server_uuid, patient["id"])
    subject = {"reference": f"urn:uuid:{pid}", "display": patient["name"]}
    resources = [{"resourceType": "Patient", "id": pid, "name": [{"text": patient["name"]}]}]
    for entry in entries:
        resources += _observations(entry, subject, include_notes)
    resources += [_therapy(t, subject, today, include_notes) for t in therapies]
    resources += [_medication(m, subject, today) for m in medications]
    known = {m["id"]: m for m in medications}
    resources += [_dose(d, subject, known) for d in doses]
    therapy_ids = {t["id"] for t in therapies}
    for response in responses:
        resources += _questionnaire_response(response, subject, therapy_ids)
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(uuid.UUID(pid), f"bundle/{exported_at}")),
        "meta": {"lastUpdated": exported_at},
        "type": "collection",
        "timestamp": exported_at,
        "entry": [_entry(r) for r in resources],
    }
