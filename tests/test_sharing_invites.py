"""Invite codes and shares: the patient invites, the physician accepts, the patient ends it.

DESIGN.md section 6: at least 40 bits, stored hashed, single use, expiring after 7 days,
guessing limited (10 wrong codes an hour per physician, then 429), revoking effective on
the physician's next request.
"""

import math
from datetime import UTC, datetime, timedelta

import pytest

from diary.db import get_db, write
from diary.sharing import invites
from tests.conftest import form_token, insert_share


def _invite(patient):
    response = patient.post("/api/v1/shares")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_codes_are_long_unambiguous_and_random():
    assert math.log2(len(invites.ALPHABET)) * invites.CODE_LENGTH >= 40
    assert not set("ILOU") & set(invites.ALPHABET)
    codes = {invites.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == invites.CODE_LENGTH and set(c) <= set(invites.ALPHABET) for c in codes)


@pytest.mark.parametrize(
    "typed", ["7KQ2M-XH4PB", "7kq2m xh4pb", " 7KQ2 MXH4 PB ", "7KQ2MXH4PB", "7kq2m-xh4pb"]
)
def test_case_spaces_and_dashes_do_not_matter(typed):
    assert invites.normalise(typed) == "7KQ2MXH4PB"


def test_lookalike_letters_are_read_as_digits_and_other_text_is_no_code():
    assert invites.normalise("O1IL0-00000") == "0111000000"
    for text in ["7KQ2M-XH4P", "7KQ2M-XH4PBB", "7KQ2U-XH4PB", "7KQ2M_XH4PB", "", "x" * 41]:
        assert invites.normalise(text) is None, text


def test_patient_invites_physician_accepts_and_sees_the_diary(app, patient, doctor):
    patient.post("/api/v1/entries", {"day": "2026-01-02", "leg_pain": 6})
    invite = _invite(patient)
    assert invite["code"] == invites.show(invites.normalise(invite["code"]))
    pid = patient.user["id"]
    assert doctor.get(f"/api/v1/patients/{pid}/entries").status_code == 404

    typed = invite["code"].lower().replace("-", " ")
    accepted = doctor.post("/api/v1/shares/accept", {"code": typed})
    assert accepted.status_code == 200, accepted.get_json()
    body = accepted.get_json()
    assert body["patient"] == {"id": pid, "name": "Pat"}
    entries = doctor.get(f"/api/v1/patients/{pid}/entries").get_json()["entries"]
    assert [e["leg_pain"] for e in entries] == [6]

    shares = patient.get("/api/v1/shares").get_json()["shares"]
    assert [(s["status"], s["physician"]["name"]) for s in shares] == [("active", "Dr Lee")]
    # Only the hash is stored: the code itself is nowhere in the database.
    with app.app_context():
        db = get_db()
        dump = "\n".join(db.conn.iterdump())
    assert invites.normalise(invite["code"]) not in dump


def test_a_code_works_once(patient, doctor, make_api):
    code = _invite(patient)["code"]
    assert doctor.post("/api/v1/shares/accept", {"code": code}).status_code == 200
    again = doctor.post("/api/v1/shares/accept", {"code": code})
    assert again.status_code == 404
    assert again.get_json()["error"]["code"] == "invite_not_found"
    other = make_api()
    other.register(email="other-doc@example.org", role="physician", name="Dr Other")
    assert other.post("/api/v1/shares/accept", {"code": code}).status_code == 404


def test_a_code_expires_after_seven_days(app, patient, doctor):
    invite = _invite(patient)
    created = datetime.now(UTC)
    expires = datetime.fromisoformat(invite["expires_at"])
    assert timedelta(days=7) - timedelta(minutes=1) < expires - created <= timedelta(days=7)
    with app.app_context():
        db = get_db()
        with write(db):
            db.execute(
                "UPDATE shares SET expires_at = ? WHERE id = ?",
                [(created - timedelta(seconds=1)).isoformat(), invite["id"]],
            )
    assert doctor.post("/api/v1/shares/accept", {"code": invite["code"]}).status_code == 404
    assert patient.get("/api/v1/shares").get_json()["shares"][0]["status"] == "lapsed"


def test_the_server_can_set_how_long_a_code_works(app, patient):
    page = patient.client.get("/sharing/").get_data(as_text=True)
    assert "The code works once, for 7 days." in page
    app.config["INVITE_DAYS"] = 1
    page = patient.client.get("/sharing/").get_data(as_text=True)
    assert "The code works once, for 1 day." in page
    invite = _invite(patient)
    lasts = datetime.fromisoformat(invite["expires_at"]) - datetime.now(UTC)
    assert timedelta(hours=23, minutes=59) < lasts <= timedelta(days=1)
    # The form's code too: its page says until when, a day from now.
    token = form_token(patient.client, "/sharing/")
    shown = patient.client.post("/sharing/invites", data={"csrf_token": token})
    expires = datetime.now(UTC) + timedelta(days=1)
    assert f"until <strong>{expires.day} {expires:%b %Y}" in shown.get_data(as_text=True)


def test_a_cancelled_invite_no_longer_works(patient, doctor):
    invite = _invite(patient)
    assert patient.delete(f"/api/v1/shares/{invite['id']}").status_code == 204
    assert doctor.post("/api/v1/shares/accept", {"code": invite["code"]}).status_code == 404


def test_wrong_codes_are_limited_per_physician_and_right_ones_do_not_count(
    app, patient, doctor, make_api
):
    app.config["INVITE_FAILURE_LIMIT"] = "3 per hour"
    good = _invite(patient)["code"]
    assert doctor.post("/api/v1/shares/accept", {"code": good}).status_code == 200
    for _ in range(3):
        wrong = doctor.post("/api/v1/shares/accept", {"code": "AAAAA-AAAAA"})
        assert wrong.status_code == 404
    # The fourth try is refused before it is looked at: even a right code waits.
    fresh = _invite(patient)["code"]
    limited = doctor.post("/api/v1/shares/accept", {"code": fresh})
    assert limited.status_code == 429
    assert limited.get_json()["error"]["code"] == "rate_limited"
    # The form shares the same budget.
    page = doctor.client.post(
        "/patients/accept",
        data={"code": fresh, "csrf_token": form_token(doctor.client, "/patients/accept")},
    )
    assert page.status_code == 429
    # Another physician has their own budget.
    other = make_api()
    other.register(email="doc2@example.org", role="physician", name="Dr Two")
    assert other.post("/api/v1/shares/accept", {"code": fresh}).status_code == 200


def test_revoking_stops_the_physician_on_the_next_request(patient, doctor):
    pid = patient.user["id"]
    therapy = patient.post("/api/v1/therapies", {"kind": "surgery", "start_day": "2026-01-01"})
    tid = therapy.get_json()["id"]
    share = _invite(patient)
    doctor.post("/api/v1/shares/accept", {"code": share["code"]})
    paths = [
        f"/api/v1/patients/{pid}/entries",
        f"/api/v1/patients/{pid}/therapies",
        f"/api/v1/patients/{pid}/therapies/{tid}/comparison",
        f"/patients/{pid}",
        f"/patients/{pid}/summary",
    ]
    for path in paths:
        assert doctor.get(path).status_code == 200, path
    assert patient.delete(f"/api/v1/shares/{share['id']}").status_code == 204
    for path in paths:
        assert doctor.get(path).status_code == 404, path
    assert doctor.get("/api/v1/patients").get_json()["patients"] == []
    assert patient.get("/api/v1/shares").get_json()["shares"][0]["status"] == "ended"


def test_revoking_through_the_sharing_page(patient, doctor):
    share = _invite(patient)
    doctor.post("/api/v1/shares/accept", {"code": share["code"]})
    page = patient.client.get("/sharing/").get_data(as_text=True)
    assert "Dr Lee" in page and "Stop sharing" in page
    token = form_token(patient.client, "/sharing/")
    done = patient.client.post(
        f"/sharing/shares/{share['id']}/end", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Dr Lee can no longer see your diary." in done.get_data(as_text=True)
    assert doctor.get(f"/patients/{patient.user['id']}").status_code == 404


def test_another_patients_share_is_not_found(patient, make_api):
    share = _invite(patient)
    other = make_api()
    other.register(email="other@example.org")
    assert other.delete(f"/api/v1/shares/{share['id']}").status_code == 404
    assert other.delete("/api/v1/shares/not-a-uuid").status_code == 404
    token = form_token(other.client, "/sharing/")
    refused = other.client.post(f"/sharing/shares/{share['id']}/end", data={"csrf_token": token})
    assert refused.status_code == 404
    assert patient.get("/api/v1/shares").get_json()["shares"][0]["status"] == "pending"


def test_accepting_again_keeps_one_active_share(patient, doctor):
    for _ in range(2):
        doctor.post("/api/v1/shares/accept", {"code": _invite(patient)["code"]})
    statuses = sorted(s["status"] for s in patient.get("/api/v1/shares").get_json()["shares"])
    assert statuses == ["active", "ended"]
    assert len(doctor.get("/api/v1/patients").get_json()["patients"]) == 1


def test_only_physicians_accept_and_bad_codes_name_the_field(patient, doctor):
    assert patient.post("/api/v1/shares/accept", {"code": "AAAAA-AAAAA"}).status_code == 403
    bad = doctor.post("/api/v1/shares/accept", {"code": "not a code!"})
    assert bad.status_code == 422
    assert "invite code" in bad.get_json()["error"]["fields"]["code"]
    assert doctor.post("/api/v1/shares/accept", {}).status_code == 422
    assert doctor.post("/api/v1/shares/accept", {"code": 1234567890}).status_code == 422


def test_the_accept_form_shows_the_patient_after_a_right_code(patient, doctor):
    code = _invite(patient)["code"]
    page = doctor.client.get(f"/patients/accept?code={code}").get_data(as_text=True)
    assert f'value="{code}"' in page  # the QR code's link fills it in
    token = form_token(doctor.client, "/patients/accept")
    wrong = doctor.client.post(
        "/patients/accept", data={"code": "AAAAA-AAAAA", "csrf_token": token}
    )
    assert wrong.status_code == 404
    assert "This code does not work" in wrong.get_data(as_text=True)
    done = doctor.client.post(
        "/patients/accept", data={"code": code, "csrf_token": token}, follow_redirects=True
    )
    text = done.get_data(as_text=True)
    assert "Pat now shares their diary with you." in text
    assert done.request.path == f"/patients/{patient.user['id']}"


def test_the_sharing_page_shows_a_new_code_once_with_its_qr_code(app, patient):
    token = form_token(patient.client, "/sharing/")
    page = patient.client.post("/sharing/invites", data={"csrf_token": token})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    shown = html.split("data-invite-code>")[1].split("<")[0]
    assert invites.normalise(shown) is not None
    assert "<svg" in html and 'class="qr"' in html and "style=" not in html
    assert f"/patients/accept?code={shown}" in html
    # The Sharing page lists it as not used yet, without the code.
    listing = patient.client.get("/sharing/").get_data(as_text=True)
    assert "An invite code not used yet" in listing and shown not in listing


NOT_SHARED = (
    "This diary is not shared with you now. If it should be, ask the patient for a new invite code."
)


def test_a_physician_whose_share_ended_is_told_to_ask_for_a_new_code(app, patient, doctor):
    pid = patient.user["id"]
    share = _invite(patient)
    doctor.post("/api/v1/shares/accept", {"code": share["code"]})
    assert patient.delete(f"/api/v1/shares/{share['id']}").status_code == 204
    ended = doctor.client.get(f"/patients/{pid}")
    assert ended.status_code == 404
    assert NOT_SHARED in ended.get_data(as_text=True)
    assert "It may have moved" not in ended.get_data(as_text=True)
    assert NOT_SHARED in doctor.client.get(f"/patients/{pid}/summary").get_data(as_text=True)
    refused = doctor.get(f"/api/v1/patients/{pid}/entries")
    assert refused.status_code == 404 and refused.get_json()["error"]["message"] == NOT_SHARED
    # Expired answers alike, and so does a patient who never shared or does not exist:
    # the words reveal nothing a bare 404 did not.
    with app.app_context():
        insert_share(get_db(), pid, doctor.user["id"], expired=True)
    for path in (f"/patients/{pid}", "/patients/999999", "/patients/999999/summary"):
        answer = doctor.client.get(path)
        assert answer.status_code == 404 and NOT_SHARED in answer.get_data(as_text=True), path
    # A patient reaching a physician's page keeps the plain words: no invite code to ask for.
    assert NOT_SHARED not in patient.client.get(f"/patients/{pid}").get_data(as_text=True)


def _share_ends_in(app, share_id, days):
    with app.app_context():
        db = get_db()
        with write(db):
            db.execute(
                "UPDATE shares SET expires_at = ? WHERE id = ?",
                [(datetime.now(UTC) + timedelta(days=days)).isoformat(), share_id],
            )


def test_the_sharing_page_says_a_share_lasts_a_year_and_warns_a_month_before(app, patient, doctor):
    page = patient.client.get("/sharing/").get_data(as_text=True)
    assert "they see your charts and diary (read-only) for 365 days, or until you stop" in page
    share = _invite(patient)
    accepted = doctor.post("/api/v1/shares/accept", {"code": share["code"]}).get_json()
    lasts = datetime.fromisoformat(accepted["expires_at"]) - datetime.now(UTC)
    assert timedelta(days=364) < lasts <= timedelta(days=365)  # what the page promised
    quiet = patient.client.get("/sharing/").get_data(as_text=True)
    listing = doctor.client.get("/patients/").get_data(as_text=True)
    assert "data-ends-soon" not in quiet and "data-ends-soon" not in listing

    _share_ends_in(app, share["id"], 20)
    soon = patient.client.get("/sharing/").get_data(as_text=True)
    assert "<strong>Ends soon.</strong> To keep sharing with Dr Lee, create a new invite" in soon
    ends = datetime.now(UTC) + timedelta(days=20)
    listing = doctor.client.get("/patients/").get_data(as_text=True)
    assert f"<strong>Sharing ends on {ends.day} {ends:%b %Y} at " in listing
    assert "To keep seeing this diary, ask Pat for a new invite code." in listing

    # A new code accepted renews it: a fresh year, nothing ending soon.
    renewed = _invite(patient)
    assert doctor.post("/api/v1/shares/accept", {"code": renewed["code"]}).status_code == 200
    assert "data-ends-soon" not in patient.client.get("/sharing/").get_data(as_text=True)
    assert "data-ends-soon" not in doctor.client.get("/patients/").get_data(as_text=True)


def test_a_share_ends_soon_within_30_days():
    now = datetime(2026, 12, 1, tzinfo=UTC)
    assert invites.ends_soon("2026-12-31T00:00:00.000Z", now=now)
    assert not invites.ends_soon("2027-01-01T00:00:00.000Z", now=now)
