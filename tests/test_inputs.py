"""Hostile input gets a 4xx naming the problem, never a 500 (diary/inputs.py and its callers).

Each case here was a 500 once: JSON nested a thousand levels deep (RecursionError), cursors
holding integers past 2**63 or lists where text belongs (OverflowError, an unbindable SQLite
parameter), and numbers that pass str.isdigit() but not int() ("²").
"""

import base64
import json
import re
from uuid import uuid4

import pytest

from diary import inputs
from tests.conftest import change, form_token, sync

DEEP = "[" * 5000 + "]" * 5000
ENTRY = {"day": "2026-01-05", "leg_pain": 4}
HOSTILE_NUMBERS = ["²", "٣", "1e3", "9" * 5000, "-1", " 5", "0x10", "", "1.0"]


def cursor(values):
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def error_of(response):
    body = response.get_json()
    assert body is not None, response.get_data(as_text=True)[:200]
    return body["error"]


# ---- the readers themselves ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (DEEP, "nested too deeply"),
        ('{"a":' * 40 + "1" + "}" * 40, "nested too deeply"),
        ("{not json", "is not valid JSON"),
        (b"\xff\xfe\x00", "is not valid JSON"),
        ('{"note": "\\ud800"}', "not valid text"),
        ('{"\\udfff": 1}', "not valid text"),
        ('{"changes": [{"data": {"note": "fine"}}, {"data": {"note": "x\\udc00"}}]}', "not valid"),
        ("[" * 33 + "]" * 33, "nested too deeply"),
        ('{"note": "\ud800"}', "not valid text"),
        (b'{"note": "\xed\xa0\x80"}', "is not valid JSON"),
    ],
)
def test_parse_json_refuses_what_it_cannot_hold(raw, words):
    with pytest.raises(inputs.BadInput) as refused:
        inputs.parse_json(raw)
    assert refused.value.field == "body" and words in refused.value.message


def test_parse_json_keeps_what_requests_really_send():
    body = {"changes": [{"kind": "entry", "data": {"regions": {"l_buttock": "pain"}}}]}
    assert inputs.parse_json(json.dumps(body)) == body
    # An emoji, escaped as a surrogate pair or sent as UTF-8, is text like any other.
    assert inputs.parse_json('{"note": "\\ud83d\\ude00"}') == {"note": "\U0001f600"}
    assert inputs.parse_json('{"note": "ok 😀"}'.encode()) == {"note": "ok 😀"}
    assert inputs.parse_json("[" * 32 + "]" * 32) is not None


@pytest.mark.parametrize("text", HOSTILE_NUMBERS)
def test_whole_number_names_the_field(text):
    with pytest.raises(inputs.BadInput) as refused:
        inputs.whole_number(text, "limit", low=1, high=5000)
    assert refused.value.field == "limit"
    assert refused.value.message == "must be a whole number from 1 to 5000"


def test_whole_number_reads_ascii_digits_in_range():
    assert inputs.whole_number("5000", "limit", low=1, high=5000) == 5000
    assert inputs.whole_number(str(2**63 - 1), "n") == 2**63 - 1
    with pytest.raises(inputs.BadInput):
        inputs.whole_number(str(2**63), "n")


def test_a_page_number_reads_any_number_of_ascii_digits():
    assert inputs.page_number("2") == 2
    # Past what SQLite stores, and past what int() reads from text: past any last page.
    assert inputs.page_number("9" * 4400) == inputs.page_number("9" * 20) == 2**63 - 1
    for text in ("", "٣", "²", "-1", "1.0", " 1", None):
        with pytest.raises(inputs.BadInput) as refused:
            inputs.page_number(text)
        assert refused.value.field == "page"


# ---- JSON bodies on every route that reads one ---------------------------------------------


def body_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and rule.methods & {"POST", "PUT"}:
            path = re.sub(r"<int:[^>]+>", "1", rule.rule)
            path = re.sub(r"<[^>]+>", "3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f", path)
            for method in sorted(rule.methods & {"POST", "PUT"}):
                yield method, path


def test_json_nested_thousands_deep_is_400_on_every_route(app, patient):
    seen = 0
    for method, path in body_routes(app):
        response = patient.request(
            method, path, data=DEEP, headers={"Content-Type": "application/json"}
        )
        assert response.status_code < 500, (method, path, response.get_data(as_text=True))
        if response.status_code == 400:
            seen += 1
            assert "nested too deeply" in error_of(response)["fields"]["body"], (method, path)
    assert seen >= 5  # entries, therapies, their updates and sync at least read the body


def test_a_deep_change_inside_a_sync_batch_refuses_the_body_not_the_server(patient):
    deep = '{"a":' * 900 + "1" + "}" * 900
    raw = '{"changes": [{"kind": "entry", "id": "3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f", '
    raw += f'"data": {deep}}}]}}'
    response = patient.post("/api/v1/sync", data=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert error_of(response)["fields"] == {"body": "is nested too deeply (at most 32 levels)"}


def test_signing_in_with_a_deep_body_is_400_even_with_a_valid_token(api):
    # The per-account sign-in limit reads the email from the body before the view runs.
    response = api.post("/api/v1/session", data=DEEP, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_json"


# ---- cursors ---------------------------------------------------------------------------------

BAD_SEQ_CURSORS = [[2**63], [2**64], [-1], [True], [[1]], [{"a": 1}], [1.5], ["7"], [1, 2]]
BAD_PAGE_CURSORS = [
    [2**64, "2026-01-01T00:00:00.000Z", "x"],
    [["2026-01-01"], "2026-01-01T00:00:00.000Z", "x"],
    ["2026-01-01", {"a": 1}, "x"],
    ["2026-01-01", "2026-01-01T00:00:00.000Z", None],
    ["2026-01-01", "2026-01-01T00:00:00.000Z"],
    {"day": "2026-01-01"},
]


@pytest.mark.parametrize("values", BAD_SEQ_CURSORS)
def test_a_sync_cursor_we_did_not_give_out_is_422_naming_it(patient, values):
    response = patient.post("/api/v1/sync", {"cursor": cursor(values), "changes": []})
    assert response.status_code == 422
    assert "cursor" in error_of(response)["fields"]


@pytest.mark.parametrize("text", ["x" * 5000, "%%%", "W1td", cursor("[" * 400 + "]" * 400)])
def test_cursor_text_that_is_not_ours_is_422(patient, text):
    response = patient.post("/api/v1/sync", {"cursor": text, "changes": []})
    assert response.status_code == 422 and "cursor" in error_of(response)["fields"]
    listed = patient.get(f"/api/v1/entries?after={text}")
    assert listed.status_code == 422 and "after" in error_of(listed)["fields"]


def test_a_trailing_line_break_is_refused_in_ids_cursors_and_times(patient):
    """An entry whose id ended in a line break was stored, shown in History, and could then
    never be opened, edited or deleted (its address had lost the line break)."""
    uid = "0b6c3d1e-1f2a-4b5c-8d9e-0f1a2b3c4d5e"
    created = patient.post(
        "/api/v1/entries", {"id": uid + "\n", "day": "2026-01-05", "leg_pain": 4}
    )
    assert created.status_code == 422 and "id" in error_of(created)["fields"]
    change = {"kind": "entry", "id": uid + "\n", "base_version": None, "deleted": False}
    answer = patient.post(
        "/api/v1/sync", {"cursor": None, "changes": [{**change, "data": {"day": "2026-01-05"}}]}
    )
    assert answer.status_code == 200 and answer.get_json()["results"][0]["status"] == "rejected"
    synced = patient.post("/api/v1/sync", {"cursor": "1\n", "changes": []})
    assert synced.status_code == 422 and "cursor" in error_of(synced)["fields"]
    reminder = patient.put("/api/v1/users/me", {"reminder_time": "20:30\n"})
    assert reminder.status_code == 422 and "reminder_time" in error_of(reminder)["fields"]
    assert patient.get("/api/v1/entries").get_json()["entries"] == []


@pytest.mark.parametrize(
    ("field", "value"),
    [("deleted", "yes"), ("deleted", 1), ("base_version", "1"), ("base_version", True)],
)
def test_a_sync_change_is_as_strict_as_the_rest_api(patient, field, value):
    """The REST API refuses "1" for a version; sync read it as 1, and "yes" as a delete."""
    kept, other = uuid4(), uuid4()
    sync(patient, [change(kept, {"day": "2026-01-05", "leg_pain": 4})])
    hostile = {**change(kept, base=1, deleted=True), field: value}
    answer = sync(patient, [hostile, change(other, {"day": "2026-01-06", "leg_pain": 2})])
    refused, applied = answer["results"]
    assert refused["status"] == "rejected" and field in refused["error"]["fields"]
    assert applied["status"] == "applied"  # the rest of the batch still applies
    entry = patient.get(f"/api/v1/entries/{kept}")
    assert entry.status_code == 200 and entry.get_json()["version"] == 1  # not deleted


@pytest.mark.parametrize("values", BAD_PAGE_CURSORS)
def test_an_entries_page_cursor_we_did_not_give_out_is_422_naming_it(patient, values):
    response = patient.get(f"/api/v1/entries?after={cursor(values)}")
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"after": "must be the next value of a previous page"}


@pytest.mark.parametrize("values", BAD_PAGE_CURSORS)
def test_a_history_link_we_did_not_make_says_so(client, patient, values):
    response = client.get(f"/history?after={cursor(values)}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "This link to a page of your history is not one we made" in html
    assert 'href="/"' in html  # a way on, not a dead end


# ---- numbers in query strings, forms and URLs ---------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE_NUMBERS)
def test_a_list_limit_that_is_not_a_plain_number_is_422(patient, text):
    response = patient.get("/api/v1/entries", query_string={"limit": text})
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"limit": "must be a whole number from 1 to 5000"}


@pytest.mark.parametrize("text", HOSTILE_NUMBERS)
def test_a_delete_base_version_that_is_not_a_plain_number_is_422_and_deletes_nothing(patient, text):
    entry = patient.post("/api/v1/entries", ENTRY).get_json()
    response = patient.delete(f"/api/v1/entries/{entry['id']}", query_string={"base_version": text})
    assert response.status_code == 422
    assert "base_version" in error_of(response)["fields"]
    assert patient.get(f"/api/v1/entries/{entry['id']}").status_code == 200


@pytest.mark.parametrize("kind", ["entry", "therapy"])
def test_a_sync_base_version_past_what_sqlite_stores_is_rejected_alone(patient, kind):
    data = ENTRY if kind == "entry" else {"kind": "surgery", "start_day": "2026-01-05"}
    object_id = "3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f"
    later = "4f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f"
    response = patient.post(
        "/api/v1/sync",
        {
            "changes": [
                {"kind": kind, "id": object_id, "base_version": 2**70, "data": data},
                {"kind": kind, "id": later, "data": data},
            ]
        },
    )
    assert response.status_code == 200
    first, second = response.get_json()["results"]
    assert first["status"] == "rejected" and "base_version" in first["error"]["fields"]
    assert second["status"] == "applied"


def test_the_html_delete_form_with_a_hostile_version_deletes_what_was_shown(client, patient):
    entry = patient.post("/api/v1/entries", ENTRY).get_json()
    path = f"/entries/{entry['id']}/delete"
    token = form_token(client, f"/entries/{entry['id']}/edit")
    response = client.post(path, data={"csrf_token": token, "confirm": "yes", "base_version": "²"})
    assert response.status_code == 302
    assert patient.get(f"/api/v1/entries/{entry['id']}").status_code == 404


def test_an_integer_in_a_url_past_what_sqlite_stores_is_404(client, patient):
    huge = "9" * 30
    response = patient.delete(f"/api/v1/sessions/{huge}")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"
    token = form_token(client, "/account")
    page = client.post(f"/account/sessions/{huge}/end", data={"csrf_token": token})
    assert page.status_code == 404


# ---- the body's media type -----------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None],
)
def test_a_body_not_sent_as_json_is_415_naming_content_type_and_writes_nothing(
    patient, content_type
):
    body = json.dumps({"day": "2026-01-05", "leg_pain": 4, "back_pain": 2})
    headers = {"Content-Type": content_type} if content_type else {}
    response = patient.post("/api/v1/entries", data=body, headers=headers)
    assert response.status_code == 415
    error = error_of(response)
    assert error["code"] == "unsupported_media_type"
    assert error["fields"] == {"Content-Type": "must be application/json"}
    assert patient.get("/api/v1/entries").get_json()["entries"] == []


def test_json_with_a_charset_or_a_json_suffix_is_read(patient):
    body = json.dumps({"day": "2026-01-05", "leg_pain": 4, "back_pain": 2})
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        day = "2026-01-05" if "charset" in content_type else "2026-01-06"
        data = body.replace("2026-01-05", day)
        response = patient.post(
            "/api/v1/entries", data=data, headers={"Content-Type": content_type}
        )
        assert response.status_code == 201, (content_type, response.get_json())
    assert len(patient.get("/api/v1/entries").get_json()["entries"]) == 2


def test_an_import_sent_as_text_is_415_not_read(patient):
    copy = patient.get("/api/v1/export.json").get_data()
    assert copy.startswith(b"{")
    response = patient.post("/api/v1/import", data=copy, headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert error_of(response)["fields"] == {"Content-Type": "must be application/json"}


def test_an_empty_body_still_names_the_body(patient):
    response = patient.post("/api/v1/entries", data=b"")
    assert response.status_code == 400
    assert "body" in error_of(response)["fields"]
