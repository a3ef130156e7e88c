"""The export and import routes over HTTP, on the real app and its SQLite file: what a
patient downloads, what a copy brings back (on another server too), and what a physician
with a share may take."""

import csv
import io
import json
import re
import uuid
from datetime import date, timedelta
from html import unescape

import pytest
from fhir.resources.R4B.bundle import Bundle

from diary import create_app, demo
from diary.clinical.comparison import patient_today
from diary.exports import copy_schemas
from diary.sync.rows import data_fields
from tests import old_copy
from tests.conftest import IMPORTED_TABLES, TEST_CONFIG, Api, insert_share


def tables(app):
    """Every table an import could touch, as plain tuples."""
    db = app.extensions["diary.db"].get()
    return {
        name: sorted(map(tuple, db.execute(f"SELECT * FROM {name}").fetchall()))  # noqa: S608
        for name in (*IMPORTED_TABLES, "users")
    }


def fill(api, entries, therapies=()):
    """Record entries and therapies as a phone's outbox sends them (sync batches that keep
    under the 2 MB a batch may hold)."""
    changes = [{"kind": "entry", "data": e} for e in entries]
    changes += [{"kind": "therapy", "data": t} for t in therapies]
    ids = []
    for start in range(0, len(changes), 500):
        batch = [
            {**c, "id": str(uuid.uuid4()), "base_version": None}
            for c in changes[start : start + 500]
        ]
        answer = api.post("/api/v1/sync", {"cursor": None, "changes": batch}).get_json()
        assert {r["status"] for r in answer["results"]} == {"applied"}
        ids += [c["id"] for c in batch]
    return ids


def rows(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def import_file(api, raw, **kw):
    return api.post("/api/v1/import", data=raw, headers={"Content-Type": "application/json"}, **kw)


@pytest.fixture
def diary(patient):
    """A patient with three entries (one deleted since) and a therapy."""
    ids = fill(
        patient,
        [
            {
                "day": "2026-01-10",
                "leg_pain": 6,
                "back_pain": 3,
                "regions": {"l_calf_back": "pain"},
            },
            {"day": "2026-01-11", "leg_pain": 5, "note": '=HYPERLINK("http://x.example","hi")'},
            {"day": "2026-01-12", "back_pain": 2, "note": "gone"},
        ],
        [{"kind": "epidural_steroid", "start_day": "2026-01-11", "notes": "80 mg"}],
    )
    assert patient.delete(f"/api/v1/entries/{ids[2]}?base_version=1").status_code == 204
    patient.ids = ids
    return patient


# ---- what the patient downloads ------------------------------------------------------------


def test_the_csv_is_a_file_no_browser_or_proxy_keeps(diary):
    response = diary.get("/api/v1/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8; header=present"
    today = patient_today("UTC").isoformat()
    assert response.headers["Content-Disposition"] == f'attachment; filename="diary-{today}.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    found = rows(response)
    assert [r["day"] for r in found] == ["2026-01-10", "2026-01-11"]  # the deleted one is not
    assert found[0]["most_distal_level"] == "4" and found[0]["region_l_calf_back"] == "pain"
    assert found[1]["note"] == '\'=HYPERLINK("http://x.example","hi")'


def test_a_note_with_commas_quotes_and_newlines_comes_back_from_the_csv(patient):
    note = 'Bad night, "burning" calf,\nbetter after a walk; 3 km'
    fill(patient, [{"day": "2026-02-01", "leg_pain": 4, "note": note}])
    (row,) = rows(patient.get("/api/v1/export.csv"))
    assert row["note"] == note


def test_the_therapies_csv_and_a_wrong_table(diary):
    response = diary.get("/api/v1/export.csv?table=therapies")
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="diary-therapies-'
    )
    (row,) = rows(response)
    assert row["kind"] == "epidural_steroid" and row["notes"] == "80 mg"
    wrong = diary.get("/api/v1/export.csv?table=notes")
    assert wrong.status_code == 422
    assert "table" in wrong.get_json()["error"]["fields"]


def test_the_questionnaires_csv_and_their_fhir_resources(diary):
    diary.post(
        "/api/v1/responses",
        {"questionnaire": "odi", "day": "2026-01-10", "answers": {"total": 46}},
    )
    response = diary.get("/api/v1/export.csv?table=responses")
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="diary-questionnaires-'
    )
    (row,) = rows(response)
    assert (row["questionnaire"], row["score"], row["answers"]) == ("odi", "46", '{"total":46}')
    bundle = json.loads(diary.get("/api/v1/export.fhir.json").get_data())
    Bundle.model_validate(bundle)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("QuestionnaireResponse") == 1


def test_the_fhir_bundle_validates_and_counts_every_score(diary):
    response = diary.get("/api/v1/export.fhir.json")
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    assert response.headers["Content-Disposition"].endswith('.fhir.json"')
    bundle = json.loads(response.get_data())
    Bundle.model_validate(bundle)
    observations = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"]
    assert len(observations) == 3  # leg and back on the 10th, leg on the 11th; none deleted
    patient_url = bundle["entry"][0]["fullUrl"]
    assert all(o["resource"]["subject"]["reference"] == patient_url for o in observations)
    again = json.loads(diary.get("/api/v1/export.fhir.json").get_data())
    assert [e["fullUrl"] for e in again["entry"]] == [e["fullUrl"] for e in bundle["entry"]]


def test_only_a_patient_has_a_diary_to_export(make_api):
    physician = make_api()
    physician.register(email="doc@example.org", role="physician", name="Dr Who")
    assert physician.get("/api/v1/export.json").status_code == 403


# ---- the copy, and bringing it back -------------------------------------------------------


def comparisons(api):
    therapies = api.get("/api/v1/therapies").get_json()["therapies"]
    return {
        t["id"]: api.get(f"/api/v1/therapies/{t['id']}/comparison").get_json() for t in therapies
    }


def test_a_copy_recreates_the_diary_on_a_fresh_server(patient, tmp_path):
    today = date.today()
    fill(patient, demo.diary_entries(today), demo.therapies(today))
    copy = patient.get("/api/v1/export.json")
    assert copy.headers["Content-Disposition"].startswith('attachment; filename="diary-copy-')
    entries = patient.get("/api/v1/entries?limit=5000").get_json()["entries"]
    therapies = patient.get("/api/v1/therapies").get_json()["therapies"]
    before = comparisons(patient)
    assert any(w["enough_data"] for c in before.values() for w in c["windows"][1:])
    assert patient.delete_account().status_code == 204

    fresh = create_app({**TEST_CONFIG, "DATABASE": str(tmp_path / "elsewhere.sqlite3")})
    try:
        moved = Api(fresh.test_client())
        moved.register(email="pat.moved@example.org", name="Pat")
        answer = import_file(moved, copy.get_data())
        assert answer.status_code == 200, answer.get_json()
        summary = answer.get_json()
        assert summary["entries"] == {"applied": len(entries), "duplicate": 0, "conflict": 0}
        assert summary["therapies"]["applied"] == len(therapies) == 2
        assert moved.get("/api/v1/entries?limit=5000").get_json()["entries"] == entries
        assert moved.get("/api/v1/therapies").get_json()["therapies"] == therapies
        assert comparisons(moved) == before
    finally:
        fresh.extensions["diary.db"].close_all()


def test_importing_the_same_copy_twice_changes_nothing(app, diary):
    copy = diary.get("/api/v1/export.json").get_data()
    before = tables(app)
    for _ in range(2):
        answer = import_file(diary, copy)
        assert answer.status_code == 200
        assert answer.get_json()["entries"] == {"applied": 0, "duplicate": 2, "conflict": 0}
    assert tables(app) == before


@pytest.mark.parametrize(
    ("mangle", "status", "code"),
    [
        (lambda raw: raw[: len(raw) // 2], 400, "not_json"),
        (lambda raw: b"", 400, "not_json"),
        (lambda raw: b'{"data": [1, 2]}', 422, "not_a_diary_copy"),
        (lambda raw: raw.replace(b'"version": 5', b'"version": 7'), 422, "unsupported_version"),
        (lambda raw: raw.replace(b'"leg_pain":6', b'"leg_pain":16'), 422, "invalid"),
    ],
)
def test_a_file_that_is_not_a_good_copy_is_refused_and_nothing_written(
    app, diary, make_api, mangle, status, code
):
    copy = diary.get("/api/v1/export.json").get_data()
    assert diary.delete_account().status_code == 204
    newcomer = make_api()
    newcomer.register(email="new@example.org")
    before = tables(app)
    answer = import_file(newcomer, mangle(copy))
    assert answer.status_code == status
    error = answer.get_json()["error"]
    assert error["code"] == code and error["message"]
    assert tables(app) == before


def test_a_copy_stamped_in_the_future_is_refused_naming_the_record(app, diary, make_api):
    copy = json.loads(diary.get("/api/v1/export.json").get_data())
    copy["entries"][1]["created_at"] = "2098-01-01T00:00:00.000Z"
    newcomer = make_api()
    newcomer.register(email="new@example.org")
    before = tables(app)
    answer = import_file(newcomer, json.dumps(copy))
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"entries.1.created_at"}
    assert tables(app) == before


def test_a_record_changed_since_the_copy_is_reported_not_overwritten(diary):
    copy = diary.get("/api/v1/export.json").get_data()
    first = diary.ids[0]
    edited = {"day": "2026-01-10", "leg_pain": 2, "back_pain": 3, "base_version": 1}
    assert diary.put(f"/api/v1/entries/{first}", edited).status_code == 200
    answer = import_file(diary, copy).get_json()
    copy_schemas.ImportSummary.model_validate(answer)  # the shape the document gives
    assert answer["entries"] == {"applied": 0, "duplicate": 1, "conflict": 1}
    (conflict,) = answer["conflicts"]
    assert conflict["id"] == first and "leg_pain" in conflict["differs"]
    assert conflict["file"]["leg_pain"] == 6 and conflict["server"]["leg_pain"] == 2
    assert diary.get(f"/api/v1/entries/{first}").get_json()["leg_pain"] == 2


def test_a_copy_already_in_another_account_is_refused_whole(app, diary, make_api):
    copy = diary.get("/api/v1/export.json").get_data()
    other = make_api()
    other.register(email="other@example.org")
    before = tables(app)
    answer = import_file(other, copy)
    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "id_taken"
    assert tables(app) == before


# ---- a copy exported before the upgrade that cleaned stored text (m015, m016) --------------


@pytest.fixture
def moved(app, patient):
    """An old server's copy (tests/old_copy.py), its account gone, and the patient in a new
    account: the copy is all that is left of the diary."""
    made = old_copy.make(patient)
    assert patient.delete_account().status_code == 204
    patient.user = patient.register(email="pat.moved@example.org")
    made.api = patient
    return made


def _stored(app, table, object_id):
    db = app.extensions["diary.db"].get()
    rows = db.execute(f"SELECT * FROM {table} WHERE id = ?", [object_id])  # noqa: S608
    keys = [d[0] for d in rows.description]
    return dict(zip(keys, rows.fetchone(), strict=True))


def test_a_copy_made_before_the_upgrade_imports_cleaned_and_says_what_was(app, moved):
    answer = import_file(moved.api, old_copy.raw(moved))
    assert answer.status_code == 200, answer.get_json()
    summary = answer.get_json()
    copy_schemas.ImportSummary.model_validate(summary)  # the shape the document gives
    for name, count in (("entries", 3), ("therapies", 1), ("medications", 2), ("responses", 3)):
        assert summary[name] == {"applied": count, "duplicate": 0, "conflict": 0}, name
    assert summary["doses"]["applied"] == 1
    cleaned = summary["cleaned"]
    assert {(r["id"], r["kind"], tuple(r["fields"])) for r in cleaned["records"]} == moved.cleaned
    assert cleaned["sentences"] == [
        "2 notes had unreadable characters removed.",
        "1 therapy had unreadable characters removed from its name or notes.",
        "2 medicines had unreadable characters removed from their names, strengths, units or "
        "doses.",
        "1 RMDQ answer no longer names a therapy.",
    ]
    # In the database file: every record, the dirty ones cleaned, each with the id, version
    # and times it had in the copy.
    dirty = old_copy.DIRTY
    for made, table, field, text in (
        (moved.walked, "entries", "note", dirty["walked"][1]),
        (moved.night, "entries", "note", dirty["night"][1]),
        (moved.clean, "entries", "note", "Ok\n\tok"),
        (moved.therapy, "therapies", "label", dirty["label"][1]),
        (moved.medication, "medications", "name", dirty["name"][1]),
        (moved.unreadable, "medications", "name", dirty["unreadable"][1]),
    ):
        row = _stored(app, table, made["id"])
        assert row[field] == text, (table, field)
        assert row["patient_id"] == moved.api.user["id"]
        assert (row["version"], row["created_at"], row["updated_at"]) == (
            made["version"],
            made["created_at"],
            made["updated_at"],
        )
    changes = json.loads(_stored(app, "medications", moved.medication["id"])["changes"])
    assert changes == [{"day": "2026-01-06", "dose": dirty["dose"][1]}]
    assert _stored(app, "therapies", moved.therapy["id"])["notes"] == "Dr Rao"
    responses = {q: _stored(app, "responses", r["id"]) for q, r in moved.responses.items()}
    assert responses["rmdq"]["therapy_id"] is None
    assert json.loads(responses["rmdq"]["answers"]) == moved.responses["rmdq"]["answers"]
    assert responses["odi"]["therapy_id"] is None
    assert responses["pgic"]["therapy_id"] == moved.therapy["id"]  # a PGIC is about one
    # The cleaned records can be saved again as they are, as after the upgrade.
    for path, made, kind in (
        ("entries", moved.walked, "entry"),
        ("therapies", moved.therapy, "therapy"),
        ("medications", moved.medication, "medication"),
        ("medications", moved.unreadable, "medication"),
        ("responses", moved.responses["rmdq"], "response"),
    ):
        record = moved.api.get(f"/api/v1/{path}/{made['id']}").get_json()
        body = {name: record[name] for name in data_fields(kind)}
        saved = moved.api.put(
            f"/api/v1/{path}/{made['id']}", {**body, "base_version": record["version"]}
        )
        assert saved.status_code == 200, saved.get_json()


def test_a_second_import_of_an_old_copy_changes_nothing(app, moved):
    first = import_file(moved.api, old_copy.raw(moved))
    assert first.status_code == 200
    before = tables(app)
    again = import_file(moved.api, old_copy.raw(moved)).get_json()
    assert again["entries"] == {"applied": 0, "duplicate": 3, "conflict": 0}
    for name in ("therapies", "medications", "doses", "responses"):
        assert again[name]["applied"] == again[name]["conflict"] == 0, name
    assert again["conflicts"] == []
    # The copy still holds what was cleaned, and the answer still says so.
    assert again["cleaned"] == first.get_json()["cleaned"]
    assert tables(app) == before


@pytest.mark.parametrize(
    ("mangle", "field"),
    [
        (lambda copy: copy["entries"][0].update(leg_pain=11), "entries.0.leg_pain"),
        # Nothing but a line break is an empty name, not an unreadable one.
        (lambda copy: copy["medications"][0].update(name="\n"), "medications.0.name"),
        (lambda copy: copy["therapies"][0].update(label="x" * 201), "therapies.0.label"),
        (
            lambda copy: copy["responses"][0].update(therapy_id="therapy 1"),
            "responses.0.therapy_id",
        ),
        (lambda copy: copy["responses"][0].update(questionnaire="sf36"), "responses.0"),
    ],
)
def test_an_old_copy_with_any_other_fault_is_refused_whole(app, moved, mangle, field):
    mangle(moved.copy)
    before = tables(app)
    answer = import_file(moved.api, old_copy.raw(moved))
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert error["code"] == "invalid"
    # Only the fault is named: the control characters and the RMDQ's therapy are not.
    assert [name for name in error["fields"] if name.startswith(field)] == list(error["fields"])
    assert tables(app) == before


def test_importing_needs_the_csrf_token(diary):
    copy = diary.get("/api/v1/export.json").get_data()
    assert import_file(diary, copy, csrf=False).status_code == 400


def test_a_copy_larger_than_other_requests_imports_and_one_over_the_limit_is_413(app, patient):
    # Five years with a long note every day is larger than the 2 MB every other route takes.
    first = date(2021, 1, 1)
    entries = [
        {"day": (first + timedelta(days=i)).isoformat(), "leg_pain": i % 11, "note": "x" * 2000}
        for i in range(1200)
    ]
    fill(patient, entries)
    copy = patient.get("/api/v1/export.json").get_data()
    assert len(copy) > app.config["MAX_CONTENT_LENGTH"]
    assert patient.delete_account().status_code == 204
    patient.register(email="again@example.org")
    answer = import_file(patient, copy)
    assert answer.status_code == 200
    assert answer.get_json()["entries"]["applied"] == 1200
    app.config["IMPORT_MAX_BYTES"] = len(copy) - 1
    too_large = import_file(patient, copy)
    assert too_large.status_code == 413
    assert "MB" in too_large.get_json()["error"]["message"]
    other_route = patient.post(
        "/api/v1/entries", data=copy, headers={"Content-Type": "application/json"}
    )
    assert other_route.status_code == 413


# ---- a physician's exports -----------------------------------------------------------------


@pytest.fixture
def physicians(app, diary, make_api):
    """Physicians whose share from the diary's patient is active, revoked, expired, or none."""
    doctors = {}
    for state in ("active", "revoked", "expired", "none"):
        api = make_api()
        user = api.register(email=f"{state}@clinic.example", role="physician", name=f"Dr {state}")
        if state != "none":
            with app.app_context():
                insert_share(
                    app.extensions["diary.db"].get(),
                    diary.user["id"],
                    user["id"],
                    revoked=state == "revoked",
                    expired=state == "expired",
                )
        doctors[state] = api
    return doctors


def access_log(app):
    db = app.extensions["diary.db"].get()
    return [row[0] for row in db.execute("SELECT what FROM access_log ORDER BY id")]


@pytest.mark.parametrize("path", ["export.csv", "export.csv?table=therapies", "export.fhir.json"])
def test_a_physician_with_an_active_share_gets_the_files_with_notes_only_if_shared(
    app, diary, physicians, path
):
    response = physicians["active"].get(f"/api/v1/patients/{diary.user['id']}/{path}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert f"diary-patient-{diary.user['id']}-" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert "HYPERLINK" not in body and "80 mg" not in body  # notes are the patient's to share
    subject = {"export.csv": "export_csv", "export.csv?table=therapies": "export_csv_therapies"}
    assert access_log(app) == [subject.get(path, "export_fhir")]
    # The patient chooses to share notes: the next download carries them.
    assert diary.put("/api/v1/users/me", {"share_notes": True}).status_code == 200
    shared = physicians["active"].get(f"/api/v1/patients/{diary.user['id']}/{path}")
    note = {"export.csv": "HYPERLINK", "export.csv?table=therapies": "80 mg"}.get(path, "80 mg")
    assert note in shared.get_data(as_text=True)


@pytest.mark.parametrize("state", ["revoked", "expired", "none"])
def test_no_active_share_no_file_and_nothing_logged(app, diary, physicians, state):
    for path in ("export.csv", "export.fhir.json"):
        response = physicians[state].get(f"/api/v1/patients/{diary.user['id']}/{path}")
        assert response.status_code == 404
    assert access_log(app) == []


def test_the_physicians_csv_has_the_patients_entries(diary, physicians):
    response = physicians["active"].get(f"/api/v1/patients/{diary.user['id']}/export.csv")
    found = rows(response)
    assert [r["day"] for r in found] == ["2026-01-10", "2026-01-11"]
    assert "note" not in found[0]


def test_the_access_log_names_the_file_a_physician_took_away(app, diary, physicians):
    """Each table is the patient's to know about: not all 'your diary as a spreadsheet'."""
    base = f"/api/v1/patients/{diary.user['id']}/export.csv"
    for table in ("medications", "dose_changes", "doses", "responses", "entries"):
        assert physicians["active"].get(f"{base}?table={table}").status_code == 200
    words = [e["words"] for e in diary.get("/api/v1/access-log").get_json()["access_log"]]
    for shown in (
        "downloaded your medicines as a spreadsheet (CSV)",
        "downloaded your medicines' dose changes as a spreadsheet (CSV)",
        "downloaded your doses taken when needed as a spreadsheet (CSV)",
        "downloaded your questionnaire answers as a spreadsheet (CSV)",
        "downloaded your diary as a spreadsheet (CSV)",
    ):
        assert sum(shown in w for w in words) == 1, (shown, words)


def test_the_physicians_page_ends_with_the_files_and_each_one_downloads(app, diary, physicians):
    """The charts and numbers come first; each file the page offers answers as a download."""
    doctor = physicians["active"]
    html = doctor.client.get(f"/patients/{diary.user['id']}").get_data(as_text=True)
    files = html.index('id="downloads-heading"')
    assert html.index('id="compare-heading"') < files  # after the before/after panels
    assert 'href="#downloads-heading"' in html[:files]  # and a link jumps down to them
    offered = re.findall(r'<a class="button" href="([^"]+)" download>', html[files:])
    assert len(offered) == 7
    for href in offered:
        response = doctor.client.get(unescape(href))
        assert response.status_code == 200, href
        assert response.headers["Content-Disposition"].startswith("attachment"), href
    assert access_log(app)[0] == "charts" and len(access_log(app)) == 8  # all in the log
