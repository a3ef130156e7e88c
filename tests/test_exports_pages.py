"""The "Your data" page without JavaScript: download links, and a plain file form that
imports a copy and answers with what happened (or what is wrong with the file)."""

import io
import re

import pytest

from tests import old_copy
from tests.conftest import form_token, text_of


def upload(client, raw, *, token=None, name="diary-copy-2026-12-06.json"):
    data = {"csrf_token": token or form_token(client, "/account/data/")}
    if raw is not None:
        data["file"] = (io.BytesIO(raw), name)
    return client.post("/account/data/import", data=data, content_type="multipart/form-data")


@pytest.fixture
def copy(patient):
    """A copy of a diary of two entries and a therapy, exported by the signed-in patient."""
    patient.post("/api/v1/entries", {"day": "2026-01-10", "leg_pain": 6, "back_pain": 2})
    patient.post("/api/v1/entries", {"day": "2026-01-11", "leg_pain": 4})
    patient.post("/api/v1/therapies", {"kind": "prp_injection", "start_day": "2026-01-10"})
    return patient.get("/api/v1/export.json").get_data()


def test_the_account_page_leads_a_patient_to_their_data(patient, make_api):
    assert 'href="/account/data/"' in patient.client.get("/account").get_data(as_text=True)
    physician = make_api()
    physician.register(email="doc@example.org", role="physician", name="Dr")
    assert "/account/data/" not in physician.client.get("/account").get_data(as_text=True)
    assert physician.client.get("/account/data/").status_code == 403


def test_the_page_links_every_download_and_they_work(patient):
    page = patient.client.get("/account/data/").get_data(as_text=True)
    links = re.findall(r'<a class="button" href="([^"]+)" download', page)
    assert links == [
        "/api/v1/export.csv",
        "/api/v1/export.csv?table=therapies",
        "/api/v1/export.csv?table=medications",
        "/api/v1/export.csv?table=dose_changes",
        "/api/v1/export.csv?table=doses",
        "/api/v1/export.csv?table=responses",
        "/api/v1/export.fhir.json",
        "/api/v1/export.json",
    ]
    for link in links:
        response = patient.client.get(link)
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment;")


def test_a_copy_imported_into_a_new_account_says_what_was_added(app, patient, copy):
    patient.delete_account()
    patient.register(email="moved@example.org", time_zone="Europe/Paris")
    response = upload(patient.client, copy)
    assert response.status_code == 200
    words = text_of(response)
    assert "Import finished" in words
    assert "The copy was made in the time zone UTC; this account’s is Europe/Paris." in words
    assert "Added to your diary: 2 entries and 1 therapy." in words
    assert "Already in your diary: 0 entries and 0 therapies." in words
    assert len(patient.get("/api/v1/entries").get_json()["entries"]) == 2

    again = text_of(upload(patient.client, copy))
    assert "Added to your diary: 0 entries and 0 therapies." in again
    assert "Already in your diary: 2 entries and 1 therapy." in again


def test_a_record_that_differs_is_listed_with_a_way_to_open_it(patient, copy):
    entry = patient.get("/api/v1/entries").get_json()["entries"][0]  # the 11th, newest first
    changed = {"day": entry["day"], "leg_pain": 8, "base_version": 1}
    assert patient.put(f"/api/v1/entries/{entry['id']}", changed).status_code == 200
    response = upload(patient.client, copy)
    words = text_of(response)
    assert "Different in your diary: 1 entry and 0 therapies, listed below." in words
    assert "In the copy: leg pain 4. In your diary: leg pain 8." in words
    assert "What differs: leg pain." in words
    assert f'href="/entries/{entry["id"]}/edit"' in response.get_data(as_text=True)
    assert patient.get(f"/api/v1/entries/{entry['id']}").get_json()["leg_pain"] == 8


@pytest.fixture
def moved(patient):
    """A copy an old server exported (tests/old_copy.py), and its patient in a new account."""
    made = old_copy.make(patient)
    patient.delete_account()
    patient.register(email="moved@example.org")
    return made


def test_an_old_copy_is_imported_and_the_page_says_what_it_changed(patient, moved):
    response = upload(patient.client, old_copy.raw(moved))
    assert response.status_code == 200
    words = text_of(response)
    assert "Added to your diary: 3 entries, 1 therapy, 2 medicines, 1 dose and 3 " in words
    assert "What the import changed" in words
    for sentence in (
        "2 notes had unreadable characters removed.",
        "1 therapy had unreadable characters removed from its name or notes.",
        "2 medicines had unreadable characters removed from their names, strengths, units or "
        "doses.",
        "1 RMDQ answer no longer names a therapy.",
    ):
        assert sentence in words
    # A copy with nothing to clean says nothing of it.
    again = text_of(upload(patient.client, patient.get("/api/v1/export.json").get_data()))
    assert "Already in your diary: 3 entries" in again
    assert "What the import changed" not in again


def test_the_patient_reads_what_was_changed_in_their_language(patient, moved):
    assert patient.put("/api/v1/users/me", {"locale": "es"}).status_code == 200
    words = text_of(upload(patient.client, old_copy.raw(moved)))
    assert "Lo que cambió la importación" in words
    assert "Se quitaron caracteres ilegibles de 2 notas." in words
    assert "1 respuesta al RMDQ ya no nombra una terapia." in words
    # A name with nothing readable left says so in the patient's language, as the upgrade's.
    names = {m["name"] for m in patient.get("/api/v1/medications").get_json()["medications"]}
    assert names == {"Pregabalin", "Medicamento (nombre ilegible)"}


@pytest.mark.parametrize(
    ("raw", "status", "words"),
    [
        (None, 422, "Choose the copy of your diary to import first."),
        (b'{"format": "diary-exp', 400, "it is not valid JSON"),
        (b'{"resourceType": "Bundle"}', 422, "clinic's record system (FHIR)"),
        (b"day,leg_pain\n2026-01-01,5\n", 400, "not a complete diary copy"),
    ],
)
def test_a_file_that_is_not_a_copy_is_refused_with_what_to_do(app, patient, raw, status, words):
    response = upload(patient.client, raw)
    assert response.status_code == status
    assert words in text_of(response)
    assert 'role="alert"' in response.get_data(as_text=True)
    assert patient.get("/api/v1/entries").get_json()["entries"] == []


def test_a_file_over_the_limit_is_refused_on_the_page(app, patient):
    app.config["IMPORT_MAX_BYTES"] = 100_000
    response = upload(patient.client, b" " * 200_000)
    assert response.status_code == 413
    assert "This file is larger than 0.1 MB" in text_of(response)


def test_the_import_form_needs_its_csrf_token(patient, copy):
    response = upload(patient.client, copy, token="not-the-token")
    assert response.status_code == 400
