"""The patient's own pages speak to them; what they share speaks of them.

The physician's page of a patient, its printable summary and a view link show the same
before/after panels as the patient's charts page (the same macros and words). Where a
sentence addresses the patient ("the days you answered", "worth telling your physician
about"), the reader of a shared page reads it of the patient instead. Read through the
real app, in English and Spanish.
"""

import re
from datetime import timedelta

import pytest

from tests.clock import TODAY
from tests.conftest import text_of
from tests.worked_example import post_all

T = TODAY - timedelta(days=40)
# Before the injection pain stopped at the buttock and sitting was hard; from a week after
# it, pain runs down to the foot (peripheralization) and four activities are easier (the
# activity index needs four answered).
LIMITS = ("sitting", "standing", "walking", "sleeping")
BEFORE = {
    "leg_pain": 6,
    "regions": {"l_buttock": "pain"},
    "activities": dict.fromkeys(LIMITS, 3),
}
AFTER = {
    "leg_pain": 4,
    "regions": {"l_buttock": "pain", "l_calf_back": "pain", "l_foot_outer": "pain"},
    "activities": dict.fromkeys(LIMITS, 1),
}

WORDS = {
    "en": {
        "own": [
            "the activities you answered, 100 that you could do none of them",
            "The average limit on the days you answered: 0 means pain did not limit it, "
            "4 that you could not do it.",
            "is worth telling your physician about.",
        ],
        "shared": [
            "the activities the patient answered, 100 that they could do none of them",
            "The average limit on the days the patient answered: 0 means pain did not "
            "limit it, 4 that the patient could not do it.",
            "(peripheralization) is worth a closer look.",
        ],
        # Words addressed to the patient: none may reach someone they share with.
        "to_the_patient": r"you answered|you could|your answers|your physician",
    },
    "es": {
        "own": [
            "de las actividades que respondió; 100, que no pudo hacer ninguna",
            "La limitación media los días que respondió: 0 significa que el dolor no lo "
            "limitó; 4, que no pudo hacerlo.",
            "es algo que conviene contar a su médico.",
        ],
        "shared": [
            "de las actividades que respondió el paciente; 100, que no pudo hacer ninguna",
            "La limitación media los días que respondió el paciente: 0 significa que el "
            "dolor no lo limitó; 4, que el paciente no pudo hacerlo.",
            "(periferalización) merece una revisión más detenida.",
        ],
        "to_the_patient": r"que respondió[;:]|su médico",
    },
}


@pytest.fixture
def diary(shared):
    """The shared patient's diary around an MSC injection on T, and its view link's path."""
    patient, doctor = shared
    rows = [{"day": (T - timedelta(days=28 - i)).isoformat(), **BEFORE} for i in range(28)]
    rows += [{"day": (T + timedelta(days=8 + i)).isoformat(), **AFTER} for i in range(30)]
    post_all(patient, "/api/v1/entries", rows)
    therapy = {"kind": "msc_injection", "start_day": T.isoformat()}
    assert patient.post("/api/v1/therapies", therapy).status_code == 201
    link = patient.post("/api/v1/links", {"days": 7}).get_json()
    return patient, doctor, re.sub(r"^https?://[^/]+", "", link["url"])


@pytest.mark.parametrize("language", ["en", "es"])
def test_shared_pages_say_the_patient_where_the_patients_own_say_you(diary, language):
    patient, doctor, link = diary
    for reader in (patient, doctor):
        assert reader.put("/api/v1/users/me", {"locale": language}).status_code == 200
    words = WORDS[language]
    own = text_of(patient.client.get("/charts"))
    for sentence in words["own"]:
        assert sentence in own
    patient_id = patient.user["id"]
    anonymous = patient.client.__class__(patient.client.application)
    anonymous.set_cookie("diary_lang", language)
    pages = {
        "physician's page": doctor.client.get(f"/patients/{patient_id}"),
        "view link's charts": anonymous.get(link + "/charts"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        text = text_of(response)
        for sentence in words["shared"]:
            assert sentence in text, (name, sentence)
        assert not re.search(words["to_the_patient"], text), name
    # The printable summary names the spreading pain only (no activity table).
    summary = text_of(doctor.client.get(f"/patients/{patient_id}/summary"))
    assert words["shared"][2] in summary
    assert not re.search(words["to_the_patient"], summary)
