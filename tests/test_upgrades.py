"""Upgrading a database whose records were saved by older versions (diary/upgrades/): text
with control characters the fields now refuse (m015), and questionnaire responses naming a
therapy their questionnaire is not about (m016).

Each test saves records through the API, then makes them what an older version stored
(straight into the file, with the fingerprint that version gave them), marks the database
as before those migrations, and starts the real app on the file, which upgrades it.
"""

import json
import sqlite3
from types import SimpleNamespace

import pytest

from diary import create_app
from diary.i18n.text import in_language
from diary.sync import merge, validation
from diary.sync.rows import JSON_COLUMNS, KINDS, data_fields, row_data
from diary.upgrades import control_characters, unanchored_answers
from tests.conftest import TEST_CONFIG, Api, change, statuses, sync
from tests.html_forms import forms_on

UPGRADES = ("m015_control_characters_cleaned", "m016_unanchored_answers_about_no_therapy")
DAY = "2026-03-02"

#: Per record: the text an older version stored, and what the upgrade makes of it.
DIRTY = {
    "note": ("Walked 2 km\x0bthen sat\x07\x1b[0m\x85slept", "Walked 2 km\nthen sat\nslept"),
    "label": ("Epidural\x1b[31m L5\r\n", "Epidural L5"),
    "notes": ("Dr Rao\x0cFollow-up\x00 in June\x1f", "Dr Rao\nFollow-up in June"),
    "name": ("Pregabalin\t75", "Pregabalin 75"),
    "strength": ("75\x1b", "75"),
    "unit": ("\x85mg\x9b", "mg"),
    "dose": ("150 mg\ntwice a day", "150 mg twice a day"),
}


def _row(conn, table, object_id):
    conn.row_factory = sqlite3.Row
    return dict(conn.execute(f"SELECT * FROM {table} WHERE id = ?", [object_id]).fetchone())  # noqa: S608


def _as_saved_before(conn, kind, object_id, **values):
    """Give a record ``values`` as an older version saved them, its fingerprint included
    (a phone resending that version must still be recognised)."""
    table = KINDS[kind]["table"]
    encoded = {k: json.dumps(v) if k in JSON_COLUMNS else v for k, v in values.items()}
    sets = ", ".join(f"{name} = ?" for name in encoded)
    conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*encoded.values(), object_id])  # noqa: S608
    row = _row(conn, table, object_id)
    conn.execute(
        "UPDATE revisions SET hash = ? WHERE id = ? AND version = ?",
        [merge.content_hash(row_data(kind, row), False), object_id, row["version"]],
    )


def _created(api, path, body):
    response = api.post(path, body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def upgraded(app, shared, make_api):
    """A diary of every kind saved before the upgrade, then the app started on its file."""
    patient, doctor = shared
    other = make_api()
    other.register(email="ana@example.org", name="Ana")
    made = SimpleNamespace()
    made.entry = _created(patient, "/api/v1/entries", {"day": DAY, "leg_pain": 5, "note": "x"})
    made.clean_entry = _created(
        patient, "/api/v1/entries", {"day": DAY, "leg_pain": 3, "note": "Fine\nall day"}
    )
    made.tombstone = _created(patient, "/api/v1/entries", {"day": DAY, "leg_pain": 4})
    gone = patient.delete(f"/api/v1/entries/{made.tombstone['id']}", json={"base_version": 1})
    assert gone.status_code == 204, gone.get_json()
    therapy = {"kind": "epidural_steroid", "start_day": "2026-01-05"}
    made.therapy = _created(patient, "/api/v1/therapies", therapy)
    medicine = {"name": "x", "schedule": "regular", "start_day": "2026-01-05"}
    made.medication = _created(
        patient,
        "/api/v1/medications",
        {**medicine, "changes": [{"day": "2026-02-01", "dose": "x"}]},
    )
    made.unreadable = _created(
        patient,
        "/api/v1/medications",
        {**medicine, "changes": [{"day": "2026-02-01", "dose": "x"}]},
    )
    made.dose = _created(
        patient,
        "/api/v1/doses",
        {"medication_id": made.medication["id"], "taken_at": "2026-03-01T08:00:00Z"},
    )
    answers = {"rmdq": {"1": True}, "odi": {"total": 30}, "pgic": {"1": 2}}
    made.responses = {
        q: _created(
            patient,
            "/api/v1/responses",
            {"questionnaire": q, "day": DAY, "answers": a}
            | ({"therapy_id": made.therapy["id"]} if q == "pgic" else {}),
        )
        for q, a in answers.items()
    }
    # The physician reads the diary: the access log keeps their name.
    assert doctor.get(f"/api/v1/patients/{patient.user['id']}/entries").status_code == 200
    made.cursor = sync(patient, [])["cursor"]

    path = app.config["DATABASE"]
    app.extensions["diary.db"].close_all()
    with sqlite3.connect(path) as old:
        _as_saved_before(old, "entry", made.entry["id"], note=DIRTY["note"][0])
        _as_saved_before(
            old, "therapy", made.therapy["id"], label=DIRTY["label"][0], notes=DIRTY["notes"][0]
        )
        _as_saved_before(
            old,
            "medication",
            made.medication["id"],
            name=DIRTY["name"][0],
            strength=DIRTY["strength"][0],
            unit=DIRTY["unit"][0],
            changes=[{"day": "2026-02-01", "dose": DIRTY["dose"][0]}],
        )
        # Nothing but control and invisible characters: nothing readable to keep.
        _as_saved_before(
            old,
            "medication",
            made.unreadable["id"],
            name="\x1b\u200b",
            changes=[{"day": "2026-02-01", "dose": "\x07"}],
        )
        for questionnaire in ("rmdq", "odi"):
            _as_saved_before(
                old,
                "response",
                made.responses[questionnaire]["id"],
                therapy_id=made.therapy["id"],
            )
        old.execute("UPDATE users SET name = ? WHERE id = ?", ["Pat\x1b[1m", patient.user["id"]])
        old.execute(
            "UPDATE users SET name = ?, locale = 'es' WHERE email = 'ana@example.org'",
            ["\u200b\x07"],
        )
        old.execute("UPDATE users SET name = ? WHERE id = ?", ["Dr\tLee", doctor.user["id"]])
        old.execute("UPDATE access_log SET physician_name = ?", ["Dr\tLee"])
        made.before = {
            kind: {r["id"]: r for r in map(dict, old.execute(f"SELECT * FROM {table}"))}  # noqa: S608
            for kind, table in (
                ("entry", "entries"),
                ("therapy", "therapies"),
                ("medication", "medications"),
                ("dose", "doses"),
                ("response", "responses"),
            )
        }
        marks = ", ".join("?" for _ in UPGRADES)
        old.execute(f"DELETE FROM _sqlite_migrations WHERE name IN ({marks})", UPGRADES)  # noqa: S608
    new = create_app({**TEST_CONFIG, "DATABASE": path})
    made.app = new
    made.patient = Api(new.test_client())
    assert made.patient.signin().status_code == 200
    made.db = new.extensions["diary.db"].get()
    yield made
    new.extensions["diary.db"].close_all()


def _stored(made, kind, object_id):
    table = KINDS[kind]["table"]
    rows = made.db.execute(f"SELECT * FROM {table} WHERE id = ?", [object_id])  # noqa: S608
    keys = [d[0] for d in rows.description]
    return dict(zip(keys, rows.fetchone(), strict=True))


def test_the_upgrade_cleans_every_text_the_fields_refuse(upgraded):
    made = upgraded
    entry = _stored(made, "entry", made.entry["id"])
    assert entry["note"] == DIRTY["note"][1]
    therapy = _stored(made, "therapy", made.therapy["id"])
    assert (therapy["label"], therapy["notes"]) == (DIRTY["label"][1], DIRTY["notes"][1])
    medication = _stored(made, "medication", made.medication["id"])
    assert [medication[k] for k in ("name", "strength", "unit")] == [
        DIRTY[k][1] for k in ("name", "strength", "unit")
    ]
    assert json.loads(medication["changes"]) == [{"day": "2026-02-01", "dose": DIRTY["dose"][1]}]
    # A required field with nothing readable left says so, in the owner's language.
    unreadable = _stored(made, "medication", made.unreadable["id"])
    assert unreadable["name"] == "Medicine (name unreadable)"
    assert json.loads(unreadable["changes"])[0]["dose"] == "unreadable"
    names = dict(made.db.execute("SELECT email, name FROM users"))
    assert names == {
        "pat@example.org": "Pat",
        "doc@example.org": "Dr Lee",
        "ana@example.org": "Nombre ilegible",
    }
    assert {n for (n,) in made.db.execute("SELECT physician_name FROM access_log")} == {"Dr Lee"}
    # Every record, as the API shows it, passes the rules a save checks.
    for kind, key in (
        ("entry", "entries"),
        ("therapy", "therapies"),
        ("medication", "medications"),
    ):
        for record in made.patient.get(f"/api/v1/{key}").get_json()[key]:
            body = {name: record[name] for name in data_fields(kind)}
            _, problems = validation.validate_change(kind, body)
            assert problems is None, (record, problems)


def test_each_cleaned_record_is_a_new_version_every_phone_pulls(upgraded):
    made = upgraded
    cleaned = {
        made.entry["id"],
        made.therapy["id"],
        made.medication["id"],
        made.unreadable["id"],
        made.responses["rmdq"]["id"],
        made.responses["odi"]["id"],
    }
    old_seq = max(r["seq"] for rows in made.before.values() for r in rows.values())
    for kind, rows in made.before.items():
        for object_id, before in rows.items():
            after = _stored(made, kind, object_id)
            if object_id in cleaned:
                assert after["version"] == before["version"] + 1, (kind, object_id)
                assert after["seq"] > old_seq and after["updated_at"] > before["updated_at"]
                hashes = dict(
                    made.db.execute("SELECT version, hash FROM revisions WHERE id = ?", [object_id])
                )
                content = row_data(kind, after)
                assert hashes[after["version"]] == merge.content_hash(content, False)
            else:  # clean records, tombstones, doses, the PGIC: untouched
                assert after == before, (kind, object_id)
    pulled = sync(made.patient, [], cursor=made.cursor)["changes"]
    assert {c["id"] for c in pulled} == cleaned
    by_id = {c["id"]: c for c in pulled}
    assert by_id[made.entry["id"]]["data"]["note"] == DIRTY["note"][1]
    assert by_id[made.entry["id"]]["version"] == 2
    assert by_id[made.responses["rmdq"]["id"]]["data"]["therapy_id"] is None


def test_after_the_upgrade_the_records_can_be_edited_again(upgraded):
    made = upgraded
    patient = made.patient
    entry = patient.get(f"/api/v1/entries/{made.entry['id']}").get_json()
    body = {k: entry[k] for k in data_fields("entry")}
    edited = patient.put(
        f"/api/v1/entries/{entry['id']}",
        {**body, "note": entry["note"] + "\nbetter", "base_version": entry["version"]},
    )
    assert edited.status_code == 200, edited.get_json()
    assert (edited.get_json()["version"], edited.get_json()["note"]) == (
        3,
        DIRTY["note"][1] + "\nbetter",
    )
    medication = patient.get(f"/api/v1/medications/{made.unreadable['id']}").get_json()
    renamed = {k: medication[k] for k in data_fields("medication")}
    renamed = {**renamed, "name": "Naproxen", "base_version": medication["version"]}
    assert patient.put(f"/api/v1/medications/{medication['id']}", renamed).status_code == 200
    response = patient.get(f"/api/v1/responses/{made.responses['rmdq']['id']}").get_json()
    again = {k: response[k] for k in data_fields("response")}
    saved = patient.put(
        f"/api/v1/responses/{response['id']}", {**again, "base_version": response["version"]}
    )
    assert saved.status_code == 200, saved.get_json()
    account = patient.put("/api/v1/users/me", {"name": "Pat"})
    assert account.status_code == 200, account.get_json()


def test_a_phones_unsent_edit_of_the_old_version_is_a_conflict_not_lost(upgraded):
    made = upgraded
    # Edited offline from version 1 before the upgrade (its text cleaned by the phone's form).
    mine = {"day": DAY, "leg_pain": 6, "note": "typed on the bus"}
    answer = sync(made.patient, [change(made.entry["id"], mine, base=1)], cursor=made.cursor)
    assert statuses(answer) == [("conflict", 2)]
    assert answer["results"][0]["server"]["note"] == DIRTY["note"][1]
    # Resolved on the phone: its edit made from the server's copy is applied.
    assert statuses(sync(made.patient, [change(made.entry["id"], mine, base=2)])) == [
        ("applied", 3)
    ]


def test_a_cleaned_therapy_is_saved_again_from_its_web_form(upgraded):
    made = upgraded
    path = f"/therapies/{made.therapy['id']}/edit"
    html = made.patient.client.get(path).get_data(as_text=True)
    values = dict(next(form for form in forms_on(html) if form.action == path).sent)
    assert values["label"] == DIRTY["label"][1]
    sent = made.patient.client.post(path, data={**values, "notes": "Dr Rao, June"})
    assert sent.status_code == 302, sent.get_data(as_text=True)
    therapy = made.patient.get(f"/api/v1/therapies/{made.therapy['id']}").get_json()
    assert (therapy["label"], therapy["notes"], therapy["version"]) == (
        DIRTY["label"][1],
        "Dr Rao, June",
        3,
    )


# ---- each repair, record by record: what the upgrade and an old copy's import share --------

THERAPY_ID = "0b6c3d1e-1f2a-4b5c-8d9e-0f1a2b3c4d5e"


def test_the_upgrade_cleans_every_control_character_and_the_import_only_refused_ones():
    # Word's Shift+Enter is a line break a note accepts: the upgrade stores it as the field
    # would; an import leaves it to the field, which does the same.
    note = {"note": "Walked\x0bthen sat", "day": DAY}
    assert control_characters.clean_record("entry", note) == (
        {"note": "Walked\nthen sat", "day": DAY},
        [],
    )
    assert control_characters.clean_record("entry", note, only_refused=True) == (note, [])
    dirty = {"note": "Walked\x1b[31m 2 km\x07", "day": DAY}
    for only_refused in (False, True):
        assert control_characters.clean_record("entry", dirty, only_refused=only_refused) == (
            {"note": "Walked 2 km", "day": DAY},
            ["note"],
        )


def test_a_medicine_is_cleaned_field_by_field_and_dose_by_dose():
    medicine = {
        "name": "\x9b",
        "strength": "75\x1b",
        "unit": "mg",
        "changes": [
            {"day": DAY, "dose": "150 mg\x07twice"},
            {"day": DAY, "dose": "\x1b[0m"},
            {"day": DAY, "dose": "\n"},  # empty, not unreadable: validation refuses it
        ],
    }
    cleaned, refused = control_characters.clean_record("medication", medicine, only_refused=True)
    assert refused == ["name", "strength", "changes"]
    assert cleaned == {
        "name": "Medicine (name unreadable)",
        "strength": "75",
        "unit": "mg",
        "changes": [
            {"day": DAY, "dose": "150 mg twice"},
            {"day": DAY, "dose": "unreadable"},
            {"day": DAY, "dose": "\n"},
        ],
    }
    with in_language("es"):
        cleaned, _ = control_characters.clean_record("medication", medicine)
    assert (cleaned["name"], cleaned["changes"][1]["dose"]) == (
        "Medicamento (nombre ilegible)",
        "ilegible",
    )


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("entry", {"note": 5}),
        ("entry", {"note": ""}),
        ("entry", {}),
        ("therapy", {"label": None, "notes": ["\x07"]}),
        ("medication", {"name": "", "changes": "\x07"}),
        ("medication", {"name": " ", "changes": [5, {"dose": 3}, {"day": DAY}]}),
        ("dose", {"taken_at": "\x07"}),
        ("response", {"answers": {"1": "\x07"}}),
    ],
)
def test_what_is_not_text_with_control_characters_is_left_for_validation(kind, data):
    for only_refused in (False, True):
        assert control_characters.clean_record(kind, data, only_refused=only_refused) == (
            data,
            [],
        )


def test_names_are_cleaned_and_an_empty_one_is_not_made_up():
    assert control_characters.clean_name("Pat\x1b[1m") == "Pat"
    assert control_characters.clean_name("\x07") == "Name unreadable"
    assert control_characters.clean_name("Pat Lee") == "Pat Lee"
    # Nothing but white space is an empty name, not an unreadable one (for the import).
    assert control_characters.clean_name("\n", only_refused=True) == "\n"


@pytest.mark.parametrize(
    ("data", "after"),
    [
        ({"questionnaire": "rmdq", "therapy_id": THERAPY_ID}, None),
        ({"questionnaire": "odi", "therapy_id": THERAPY_ID.upper()}, None),
        # Nothing to clear: no therapy, a PGIC (it is about one), an unknown questionnaire,
        # or what is not an id (older versions stored none such: validation names it).
        ({"questionnaire": "rmdq", "therapy_id": None}, "same"),
        ({"questionnaire": "rmdq"}, "same"),
        ({"questionnaire": "pgic", "therapy_id": THERAPY_ID}, "same"),
        ({"questionnaire": "sf36", "therapy_id": THERAPY_ID}, "same"),
        ({"questionnaire": ["rmdq"], "therapy_id": THERAPY_ID}, "same"),
        ({"questionnaire": "rmdq", "therapy_id": "therapy 1"}, "same"),
        ({"questionnaire": "rmdq", "therapy_id": 7}, "same"),
    ],
)
def test_only_a_questionnaire_about_no_therapy_loses_the_therapy_it_names(data, after):
    if after == "same":
        assert unanchored_answers.cleared(data) is None
    else:
        assert unanchored_answers.cleared(data) == {**data, "therapy_id": None}
