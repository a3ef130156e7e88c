"""Deleting an account: a patient's leaves nothing of them in any table; a physician's ends
every share with them. The page asks for the password again."""

import json
import re
import shutil
from datetime import timedelta
from pathlib import Path

import time_machine

from diary import create_app
from diary.accounts.deletions import LEDGER_NAME
from diary.db import backup, get_db
from tests import clock
from tests.conftest import PASSWORD, TEST_CONFIG, Api, form_token


def _everything(app):
    """Every value of every table: ``{(table, column): [values]}``."""
    with app.app_context():
        db = get_db()
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        found = {}
        for table in tables:
            cursor = db.execute(f'SELECT * FROM "{table}"')  # noqa: S608  # nosec B608
            columns = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
            for i, column in enumerate(columns):
                found[(table, column)] = [row[i] for row in rows]
        return found


def _traces(app, user_id, texts):
    """Where the database still holds the user: a reference to their id, or any of
    ``texts`` (email, name, ids of their rows) inside any value."""
    hits = []
    for (table, column), values in _everything(app).items():
        for value in values:
            refers = (column.endswith("_id") or (table == "users" and column == "id")) and (
                value == user_id
            )
            mentions = isinstance(value, str) and any(t in value for t in texts)
            if refers or mentions:
                hits.append((table, column, value))
    return hits


def _fill_a_diary(patient, doctor, client):
    """Entries (one edited: revisions), a therapy, an active share, a pending invite, a used
    view link and log events, and a second signed-in device."""
    ids = []
    entry = patient.post("/api/v1/entries", {"day": "2026-01-05", "leg_pain": 4, "note": "x"})
    ids.append(entry.get_json()["id"])
    patient.put(
        f"/api/v1/entries/{ids[0]}", {"day": "2026-01-05", "leg_pain": 5, "base_version": 1}
    )
    therapy = patient.post("/api/v1/therapies", {"kind": "surgery", "start_day": "2026-01-01"})
    ids.append(therapy.get_json()["id"])
    share = patient.post("/api/v1/shares").get_json()
    doctor.post("/api/v1/shares/accept", {"code": share["code"]})
    doctor.get(f"/patients/{patient.user['id']}")
    ids.append(share["id"])
    ids.append(patient.post("/api/v1/shares").get_json()["id"])
    link = patient.post("/api/v1/links", {"days": 7}).get_json()
    client.__class__(client.application).get(re.sub(r"^http://[^/]+", "", link["url"]))
    ids.append(link["id"])
    return ids


def test_a_deleted_patient_leaves_nothing_in_any_table(app, patient, doctor, client, make_api):
    patient.put("/api/v1/users/me", {"name": "Pat Quixotic"})
    ids = _fill_a_diary(patient, doctor, client)
    second_device = make_api()
    second_device.signin()
    # Someone else's diary, which must stay whole.
    other = make_api()
    other.register(email="other@example.org", name="Olga")
    kept = other.post("/api/v1/entries", {"day": "2026-01-03", "leg_pain": 2}).get_json()["id"]
    texts = ["pat@example.org", "Pat Quixotic", *ids]
    assert len(_traces(app, patient.user["id"], texts)) > 10  # the scan finds what is there

    page = patient.client.get("/account/delete")
    assert page.status_code == 200 and 'type="password"' in page.get_data(as_text=True)
    token = form_token(patient.client, "/account/delete")
    done = patient.client.post("/account/delete", data={"csrf_token": token, "password": PASSWORD})
    assert done.status_code == 302

    assert _traces(app, patient.user["id"], texts) == []
    assert second_device.get("/api/v1/session").get_json()["user"] is None
    assert other.get(f"/api/v1/entries/{kept}").status_code == 200
    listed = doctor.get("/api/v1/patients").get_json()
    assert listed["patients"] == [] and listed["sharing"] == 0


def test_the_api_deletes_the_same_way(app, patient, doctor, client):
    ids = _fill_a_diary(patient, doctor, client)
    assert patient.delete_account().status_code == 204
    assert _traces(app, patient.user["id"], ["pat@example.org", *ids]) == []


def test_a_wrong_password_deletes_nothing(patient):
    token = form_token(patient.client, "/account/delete")
    refused = patient.client.post("/account/delete", data={"csrf_token": token, "password": "no"})
    assert refused.status_code == 422
    assert "is not right. Nothing was deleted" in refused.get_data(as_text=True)
    assert patient.get("/api/v1/session").get_json()["user"]["email"] == "pat@example.org"


def test_a_deleted_physician_sees_no_patient_again(app, shared):
    patient, doctor = shared
    pid = patient.user["id"]
    token = form_token(doctor.client, "/account/delete")
    doctor.client.post("/account/delete", data={"csrf_token": token, "password": PASSWORD})
    # Their shares are gone (the patient's list is empty); the patient's diary is whole.
    assert patient.get("/api/v1/shares").get_json()["shares"] == []
    assert _traces(app, doctor.user["id"], ["doc@example.org"]) == []
    assert patient.get("/api/v1/session").get_json()["user"]["id"] == pid
    assert doctor.signin("doc@example.org").status_code == 401


def test_the_api_asks_for_the_password_before_deleting(app, patient):
    missing = patient.delete("/api/v1/users/me")
    assert missing.status_code in (400, 422)
    wrong = patient.delete_account(password="not my password")
    assert wrong.status_code == 422
    assert wrong.get_json()["error"]["fields"]["password"].startswith("is not right")
    assert patient.get("/api/v1/session").get_json()["user"]["email"] == "pat@example.org"
    deleted = patient.delete_account()
    assert deleted.status_code == 204
    # The phone's next page deletes what it kept of this diary (static/js/offline.js).
    forget = patient.client.get_cookie("diary_forget")
    assert forget is not None and forget.value == str(patient.user["id"])


def test_password_guesses_on_a_signed_in_session_share_one_limit(app, patient):
    """A borrowed, unlocked phone cannot guess the password: wrong passwords asked again
    (changing it, by form or API, or deleting the account) count together, per account."""
    form = {"current_password": "guess 1", "new_password": "a brand new passphrase"}
    form["csrf_token"] = form_token(patient.client, "/account")
    assert patient.client.post("/account", data=form).status_code == 422
    change = {"current_password": "guess 2", "new_password": "a brand new passphrase"}
    assert patient.put("/api/v1/session/password", change).status_code == 422
    assert patient.delete_account(password="guess 3").status_code == 422
    token = form_token(patient.client, "/account/delete")
    wrong = {"csrf_token": token, "password": "guess 4"}
    assert patient.client.post("/account/delete", data=wrong).status_code == 422
    assert patient.put("/api/v1/session/password", change).status_code == 422  # the fifth
    # Now even the right password is refused, everywhere, until the minute is over.
    right = {"current_password": PASSWORD, "new_password": "a brand new passphrase"}
    assert patient.put("/api/v1/session/password", right).status_code == 429
    assert patient.client.post("/account", data={**form, **right}).status_code == 429
    assert patient.delete_account().status_code == 429
    assert patient.get("/api/v1/session").get_json()["user"]["email"] == "pat@example.org"
    assert patient.signin().status_code == 200  # the password did not change


def test_a_right_password_does_not_count_against_the_limit(patient):
    for n in range(6):
        new = f"passphrase number {n} here"
        old = PASSWORD if n == 0 else f"passphrase number {n - 1} here"
        answer = patient.put(
            "/api/v1/session/password", {"current_password": old, "new_password": new}
        )
        assert answer.status_code == 200, answer.get_json()


def test_nothing_of_a_deleted_account_stays_in_the_database_files(app, patient):
    """Not in the tables, and not in the bytes of the database or its write-ahead log
    either, where deleted rows otherwise linger until overwritten."""
    secret = "a note only I wrote, zq7"
    patient.post("/api/v1/entries", {"day": "2026-01-05", "leg_pain": 4, "note": secret})
    with app.app_context():
        assert get_db().execute("PRAGMA secure_delete").fetchone()[0] == 1
    assert patient.delete_account().status_code == 204
    database = Path(app.config["DATABASE"])
    files = list(database.parent.glob(database.name + "*"))
    stored = b"".join(f.read_bytes() for f in files if f.is_file())
    for text in (secret, "pat@example.org"):
        assert text.encode() not in stored, text


def test_a_deleted_accounts_id_is_never_given_to_someone_else(make_api):
    """A phone keeps its offline diary and cached pages under the user's id: the next person
    to register must not be handed what the deleted account left on a phone."""
    first = make_api()
    gone = first.register(email="first@example.org")["id"]
    assert first.delete_account().status_code == 204
    second = make_api()
    assert second.register(email="second@example.org")["id"] > gone


# ---- a restore from a copy does not bring a deleted account back ----------------------------


def _restore(app, copy):
    """Put ``copy`` in the database's place, as a restore does with the app stopped."""
    app.extensions["diary.db"].close_all()
    database = Path(app.config["DATABASE"])
    for log in database.parent.glob(database.name + "-*"):  # its -wal and -shm
        log.unlink()
    shutil.copyfile(copy, database)


def _emails(app):
    with app.app_context():
        return {row[0] for row in get_db().execute("SELECT email FROM users")}


def _started_again(app):
    return create_app({**TEST_CONFIG, "DATABASE": app.config["DATABASE"]})


def test_a_restored_copy_does_not_bring_a_deleted_account_back(app, patient, make_api, tmp_path):
    make_api().register(email="stays@example.org")
    patient.post("/api/v1/entries", {"day": "2026-01-05", "leg_pain": 4, "note": "mine"})
    copy = backup(app.config["DATABASE"], tmp_path / "copy.sqlite3")
    assert patient.delete_account().status_code == 204

    _restore(app, copy)
    assert "pat@example.org" in _emails(app)  # the copy holds the account
    restarted = _started_again(app)

    assert _emails(restarted) == {"stays@example.org"}
    with restarted.app_context():
        assert get_db().execute("SELECT count(*) FROM entries").fetchone()[0] == 0
    signing_in = Api(restarted.test_client())
    answer = signing_in.post("/api/v1/session", {"email": "pat@example.org", "password": PASSWORD})
    assert answer.status_code == 401
    restarted.extensions["diary.db"].close_all()


def test_someone_given_a_deleted_accounts_id_after_a_restore_keeps_their_account(
    app, make_api, tmp_path
):
    """A restored database gives out again the ids registered after its copy was made."""
    copy = backup(app.config["DATABASE"], tmp_path / "copy.sqlite3")
    first = make_api()
    gone = first.register(email="gone@example.org")["id"]
    assert first.delete_account().status_code == 204

    _restore(app, copy)
    with time_machine.travel(clock.NOON + timedelta(hours=1), tick=True):
        again = make_api().register(email="new@example.org")["id"]
    assert again == gone
    restarted = _started_again(app)

    assert _emails(restarted) == {"new@example.org"}
    restarted.extensions["diary.db"].close_all()


def test_the_ledger_names_no_one_and_only_its_owner_reads_it(app, patient):
    assert patient.delete_account().status_code == 204
    ledger = Path(app.config["DATABASE"]).with_name(LEDGER_NAME)
    assert ledger.stat().st_mode & 0o777 == 0o600
    (line,) = ledger.read_text().splitlines()
    assert set(json.loads(line)) == {"id", "created_at", "deleted_at"}
    assert "pat@example.org" not in line and patient.user["name"] not in line


def test_a_ledger_line_cut_short_is_passed_over(app, patient, make_api, tmp_path):
    """A power failure while the last line was written leaves it unreadable."""
    make_api().register(email="stays@example.org")
    copy = backup(app.config["DATABASE"], tmp_path / "copy.sqlite3")
    assert patient.delete_account().status_code == 204
    ledger = Path(app.config["DATABASE"]).with_name(LEDGER_NAME)
    with ledger.open("a") as f:
        f.write('{"id": 2, "created_')

    _restore(app, copy)
    restarted = _started_again(app)

    assert _emails(restarted) == {"stays@example.org"}
    restarted.extensions["diary.db"].close_all()
