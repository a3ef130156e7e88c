"""A complete copy as a server exported it before migrations m015 and m016: a real diary
exported through the API, then given what those versions kept and exported (control
characters in notes, a therapy's name, medicines' names and a dose; an RMDQ naming a
therapy). What each becomes once imported is beside it."""

import json
from types import SimpleNamespace

#: Per text: what the old copy holds, and what the import keeps of it.
DIRTY = {
    "walked": ("Walked 2 km\x0bthen sat\x07\x1b[0m", "Walked 2 km\nthen sat"),
    "night": ("\x1b[31mBad night\x1b[0m", "Bad night"),
    "label": ("Epidural\x1b[31m L5\r\n", "Epidural L5"),
    "name": ("Pregabalin\x07", "Pregabalin"),
    "dose": ("150 mg\ttwice a day", "150 mg twice a day"),
    "unreadable": ("\x9b\x1b[0m", "Medicine (name unreadable)"),
}


def _made(api, path, body):
    response = api.post(path, body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def make(api) -> SimpleNamespace:
    """``api``'s diary (a signed-in patient with none yet) exported as an old server did:
    ``.copy`` (the file's JSON as a dict) and the records, by name."""
    made = SimpleNamespace()
    entry = {"day": "2026-01-10", "leg_pain": 6, "note": "Walked 2 km"}
    made.walked = _made(api, "/api/v1/entries", entry)
    made.night = _made(api, "/api/v1/entries", {**entry, "day": "2026-01-11", "note": "x"})
    made.clean = _made(api, "/api/v1/entries", {**entry, "day": "2026-01-12", "note": "Ok\n\tok"})
    made.therapy = _made(
        api,
        "/api/v1/therapies",
        {"kind": "epidural_steroid", "start_day": "2026-01-05", "label": "x", "notes": "Dr Rao"},
    )
    made.medication = _made(
        api,
        "/api/v1/medications",
        {
            "name": "x",
            "strength": "75",
            "unit": "mg",
            "schedule": "regular",
            "start_day": "2026-01-05",
            "changes": [{"day": "2026-01-06", "dose": "x"}],
        },
    )
    made.unreadable = _made(
        api,
        "/api/v1/medications",
        {"name": "x", "schedule": "as_needed", "start_day": "2026-01-05"},
    )
    made.dose = _made(
        api,
        "/api/v1/doses",
        {"medication_id": made.unreadable["id"], "taken_at": "2026-01-07T08:00:00Z"},
    )
    answers = {"rmdq": {"1": True, "5": True}, "odi": {"total": 30}, "pgic": {"1": 2}}
    made.responses = {
        q: _made(
            api,
            "/api/v1/responses",
            {"questionnaire": q, "day": "2026-01-12", "answers": a}
            | ({"therapy_id": made.therapy["id"]} if q == "pgic" else {}),
        )
        for q, a in answers.items()
    }
    exported = api.get("/api/v1/export.json")
    assert exported.status_code == 200
    copy = json.loads(exported.get_data())
    lists = ("entries", "therapies", "medications", "responses")
    records = {r["id"]: r for name in lists for r in copy[name]}
    records[made.walked["id"]]["note"] = DIRTY["walked"][0]
    records[made.night["id"]]["note"] = DIRTY["night"][0]
    records[made.therapy["id"]]["label"] = DIRTY["label"][0]
    medication = records[made.medication["id"]]
    medication["name"] = DIRTY["name"][0]
    medication["changes"][0]["dose"] = DIRTY["dose"][0]
    records[made.unreadable["id"]]["name"] = DIRTY["unreadable"][0]
    records[made.responses["rmdq"]["id"]]["therapy_id"] = made.therapy["id"]
    made.copy = copy
    #: The records the import cleans, and the fields it names.
    made.cleaned = {
        (made.therapy["id"], "therapy", ("label",)),
        (made.walked["id"], "entry", ("note",)),
        (made.night["id"], "entry", ("note",)),
        (made.medication["id"], "medication", ("name", "changes")),
        (made.unreadable["id"], "medication", ("name",)),
        (made.responses["rmdq"]["id"], "response", ("therapy_id",)),
    }
    return made


def raw(made) -> bytes:
    return json.dumps(made.copy, ensure_ascii=False).encode()
