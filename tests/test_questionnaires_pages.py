"""The questionnaire pages as HTML, without JavaScript: one generic form per definition,
answers saved, edited and deleted, the cards on Today and setting them aside."""

import json
import re
from datetime import timedelta

import pytest
from flask import render_template

from diary.questionnaires import engine
from tests.clock import TODAY  # the run's day (the test patients live in UTC)
from tests.conftest import form_token, text_of
from tests.walking_questionnaire import WALKING


@pytest.fixture
def submit(client, patient):
    """POST a form the way a browser without JavaScript does, with the page's CSRF token."""

    def post(path, fields, *, source=None):
        return client.post(path, data={"csrf_token": form_token(client, source or path), **fields})

    return post


def responses(api):
    return api.get("/api/v1/responses").get_json()["responses"]


def test_the_rmdq_form_shows_the_published_text_and_saves_the_ticks(client, patient, submit):
    page = client.get("/questionnaires/rmdq/new").get_data(as_text=True)
    assert page.count('type="checkbox"') == 24
    assert "I sleep less well because of my back." in page
    assert "Remember, only tick the sentence if you are sure it describes you today." in page
    answer = submit(
        "/questionnaires/rmdq/new",
        {"day": "2026-03-02", "answers.2": "yes", "answers.13": "yes", "answers.18": "yes"},
        source="/questionnaires/rmdq/new",
    )
    assert answer.status_code == 302
    (saved,) = responses(patient)
    assert (saved["score"], saved["day"]) == (3, "2026-03-02")
    words = text_of(client.get("/questionnaires/"))
    assert "Saved your RMDQ for 2 Mar 2026: 3 of 24." in words
    assert "2 Mar 2026 3 of 24" in words


def test_a_resent_form_saves_one_answer(client, patient):
    token = form_token(client, "/questionnaires/odi/new")
    page = client.get("/questionnaires/odi/new").get_data(as_text=True)
    ident = re.search(r'name="id" value="([^"]+)"', page).group(1)
    fields = {"csrf_token": token, "id": ident, "day": "2026-03-02", "answers.total": "46"}
    assert client.post("/questionnaires/odi/new", data=fields).status_code == 302
    assert client.post("/questionnaires/odi/new", data=fields).status_code == 302
    assert [r["score"] for r in responses(patient)] == [46]


@pytest.mark.parametrize(
    ("fields", "sentence"),
    [
        ({"answers.total": "101"}, "This must be from 0 to 100."),
        ({"answers.total": "4x"}, "This must be a number, such as 44.4."),
        ({"answers.total": "44.45"}, "This must be a number with at most 1 decimal."),
        ({"answers.total": "-4,5"}, "This must be from 0 to 100."),
        ({"answers.total": "44."}, "This must be a number, such as 44.4."),
        ({}, "Give a number."),
        ({"day": "", "answers.total": "40"}, "The day is required."),
    ],
)
def test_a_refused_form_comes_back_with_what_to_fix(client, patient, submit, fields, sentence):
    answer = submit("/questionnaires/odi/new", {"day": "2026-03-02", **fields})
    assert answer.status_code == 422
    assert sentence in text_of(answer)
    assert responses(patient) == []


def test_the_pgic_names_the_therapy_and_needs_an_answer(client, patient, submit):
    therapy = patient.post(
        "/api/v1/therapies", {"kind": "nerve_block", "start_day": "2026-02-01"}
    ).get_json()
    page = client.get(f"/questionnaires/pgic/new?therapy={therapy['id']}")
    words = text_of(page)
    assert "Since your nerve block on 1 Feb 2026, how would you describe the change?" in words
    assert "Very much improved" in words and "Very much worse" in words
    path = "/questionnaires/pgic/new"
    empty = submit(path, {"day": "2026-03-02", "therapy_id": therapy["id"]})
    assert empty.status_code == 422 and "Choose one answer." in text_of(empty)
    unnamed = submit(path, {"day": "2026-03-02", "answers.1": "2"})
    assert unnamed.status_code == 422
    assert "Choose the therapy this answer is about." in text_of(unnamed)
    assert (
        submit(
            path, {"day": "2026-03-02", "therapy_id": therapy["id"], "answers.1": "1"}
        ).status_code
        == 302
    )
    assert [(r["score"], r["therapy_id"]) for r in responses(patient)] == [(1, therapy["id"])]


def test_a_pgic_naming_a_therapy_not_in_the_diary_is_re_shown(client, patient, make_api, submit):
    other = make_api()
    other.register(email="other@example.org")
    theirs = other.post(
        "/api/v1/therapies", {"kind": "surgery", "start_day": "2026-02-01"}
    ).get_json()
    patient.post("/api/v1/therapies", {"kind": "nerve_block", "start_day": "2026-02-01"})
    sent = {"day": "2026-03-02", "therapy_id": theirs["id"], "answers.1": "2"}
    refused = submit("/questionnaires/pgic/new", sent)
    assert refused.status_code == 422
    words = text_of(refused)
    assert "The therapy chosen is not in your diary. Choose one of your therapies." in words
    assert "Since your surgery" not in words  # nothing of the other patient's therapy shown
    assert responses(patient) == []


def test_the_pgic_asks_for_a_therapy_first_when_there_is_none(client, patient):
    words = text_of(client.get("/questionnaires/pgic/new"))
    assert "Record a therapy first." in words


SPANISH = {"Accept-Language": "es-ES,es;q=0.9"}


def test_an_odi_total_is_typed_with_a_decimal_point_or_comma(client, patient, submit):
    page = client.get("/questionnaires/odi/new")
    assert 'inputmode="decimal"' in page.get_data(as_text=True)
    assert "From 0 to 100, with up to 1 decimal, as in 44.4." in text_of(page)
    typed = {"day": "2026-03-02", "answers.total": "44,4"}
    assert submit("/questionnaires/odi/new", typed).status_code == 302
    (saved,) = responses(patient)
    assert (saved["answers"], saved["score"]) == ({"total": 44.4}, 44.4)
    assert "Saved your ODI for 2 Mar 2026: 44.4 of 100." in text_of(client.get("/questionnaires/"))
    # In Spanish the same total reads, and is edited, with a comma.
    edit = client.get(f"/questionnaires/responses/{saved['id']}/edit", headers=SPANISH)
    assert 'value="44,4"' in edit.get_data(as_text=True)
    assert "De 0 a 100, con hasta 1 decimal, como 44,4." in text_of(edit)
    listed = text_of(client.get("/questionnaires/", headers=SPANISH))
    assert "44,4 de 100" in listed


def test_an_answer_is_edited_and_deleted_and_a_stale_edit_is_shown_not_lost(
    client, patient, submit
):
    made = patient.post(
        "/api/v1/responses", {"questionnaire": "odi", "day": "2026-03-02", "answers": {"total": 46}}
    ).get_json()
    edit = f"/questionnaires/responses/{made['id']}/edit"
    assert 'value="46"' in client.get(edit).get_data(as_text=True)
    saved = submit(edit, {"base_version": "1", "day": "2026-03-02", "answers.total": "44"})
    assert saved.status_code == 302 and responses(patient)[0]["score"] == 44
    stale = submit(edit, {"base_version": "1", "day": "2026-03-02", "answers.total": "40"})
    assert stale.status_code == 409
    assert "changed on another device" in text_of(stale)
    assert 'value="44"' in stale.get_data(as_text=True)  # the saved version, to edit again
    delete = f"/questionnaires/responses/{made['id']}/delete"
    assert "Delete your ODI of 2 Mar 2026?" in text_of(client.get(delete))
    assert submit(delete, {}).status_code == 302
    assert responses(patient) == []
    assert client.get(edit).status_code == 404


def test_another_patients_answer_and_an_unknown_questionnaire_are_not_found(
    client, patient, make_api
):
    other = make_api()
    other.register(email="other@example.org")
    theirs = other.post(
        "/api/v1/responses", {"questionnaire": "odi", "day": "2026-03-02", "answers": {"total": 4}}
    ).get_json()
    assert client.get(f"/questionnaires/responses/{theirs['id']}/edit").status_code == 404
    assert client.get("/questionnaires/sf36/new").status_code == 404


def test_forms_without_a_csrf_token_are_refused(client, patient):
    answer = client.post(
        "/questionnaires/odi/new", data={"day": "2026-03-02", "answers.total": "4"}
    )
    assert answer.status_code == 400
    assert responses(patient) == []


# ---- Today's cards -----------------------------------------------------------------------


def card_tag(html, questionnaire):
    return re.search(rf'<section[^>]*data-questionnaire="{questionnaire}"[^>]*>', html).group(0)


def test_the_rmdq_card_waits_for_the_days_entry_and_for_a_week(client, patient):
    # Nothing logged today: the daily entry first.
    assert " hidden" in card_tag(client.get("/today").get_data(as_text=True), "rmdq")
    patient.post("/api/v1/entries", {"day": TODAY.isoformat(), "leg_pain": 4})
    html = client.get("/today").get_data(as_text=True)
    assert " hidden" not in card_tag(html, "rmdq")
    assert "You have not answered it yet." in text_of(client.get("/today"))
    six_days = (TODAY - timedelta(days=6)).isoformat()
    patient.post("/api/v1/responses", {"questionnaire": "rmdq", "day": six_days, "answers": {}})
    assert " hidden" in card_tag(client.get("/today").get_data(as_text=True), "rmdq")


def test_a_card_set_aside_without_javascript_stays_aside(client, patient, submit):
    patient.post("/api/v1/entries", {"day": TODAY.isoformat(), "leg_pain": 4})
    therapy = patient.post(
        "/api/v1/therapies",
        {"kind": "surgery", "start_day": (TODAY - timedelta(days=10)).isoformat()},
    ).get_json()
    html = client.get("/today").get_data(as_text=True)
    assert " hidden" not in card_tag(html, "pgic")
    assert "Since your surgery on" in text_of(client.get("/today"))
    answer = submit(
        "/questionnaires/dismiss?next=/today", {"questionnaire": "rmdq"}, source="/today"
    )
    assert answer.status_code == 302 and answer.headers["Location"] == "/today"
    cookie = client.get_cookie("diary_reminders").value
    assert cookie == f"{patient.user['id']}~rmdq.{TODAY.isoformat()}"
    submit(
        "/questionnaires/dismiss",
        {"questionnaire": "pgic", "therapy": therapy["id"]},
        source="/today",
    )
    html = client.get("/today").get_data(as_text=True)
    assert " hidden" in card_tag(html, "rmdq")
    assert 'data-questionnaire="pgic"' not in html
    # Someone else's therapy, or a questionnaire with no card: nothing to set aside.
    before = client.get_cookie("diary_reminders").value
    submit("/questionnaires/dismiss", {"questionnaire": "odi"}, source="/today")
    submit("/questionnaires/dismiss", {"questionnaire": "pgic", "therapy": "nope"}, source="/today")
    assert client.get_cookie("diary_reminders").value == before


# ---- a new instrument is a file: its form comes from it ---------------------------------------


def test_a_new_instruments_form_is_drawn_from_its_definition(app, tmp_path):
    (tmp_path / "walking.json").write_text(json.dumps(WALKING))
    walking = engine.load(tmp_path)["walking"]
    with app.test_request_context("/questionnaires/walking/new"):
        html = render_template(
            "questionnaires/form.html",
            definition=walking,
            values={"id": "x", "day": "2026-03-02", "therapy_id": "", "answers": {"stops": "2"}},
            errors={"answers.distance": "Choose one answer."},
            response=None,
            therapies=[],
            prompt=None,
            therapy_name=str,
            max_day="2026-03-02",
        )
    assert "Walking limits (a test instrument)" in html
    assert 'name="answers.distance" value="4"' in html and ">Not at all</label>" in html
    assert 'name="answers.stick" value="yes"' in html and "I use a stick." in html
    assert re.search(r'name="answers.stops" value="2"\s+min="0" max="5"', html)
    assert "Choose one answer." in html
    assert "About your walking this week." in html
