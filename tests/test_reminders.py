"""Daily reminders on the real app and database: subscribing a device, and the pass that
sends (flask --app diary send-reminders) with a stand-in push service
(tests/test_reminders_push.py sends real ones).

A day with an entry gets nothing; a day gets one reminder however many passes run, at once
or across a clock change; a push service saying 410 ends the subscription; signing out ends
it too.
"""

import re
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from diary.db import close_database, get_db, open_database
from diary.reminders import push, sender
from tests.conftest import form_token, text_of
from tests.push_browser import LOCAL_PUSH, Browser, subscribed, subscription_count

# Every test here sends to a push service on this machine.
pytestmark = pytest.mark.usefixtures("local_push")


class Deliveries:
    """A stand-in for the push service in the pass's tests: every push it was given."""

    def __init__(self, status=push.SENT):
        self.calls = []
        self.status = status

    def __call__(self, subscription, **kwargs):
        self.calls.append((subscription["endpoint"], kwargs))
        return push.Delivery(self.status)


def run(app, now, deliver):
    with app.app_context():
        return sender.send_due(get_db(), now=now, config=app.config, signer=None, deliver=deliver)


def utc(text):
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# ---- the pass --------------------------------------------------------------------------------


def test_a_day_without_an_entry_gets_one_reminder_a_day_with_one_gets_nothing(app, patient):
    subscribed(patient, clock="20:00")
    deliver = Deliveries()
    assert run(app, utc("2026-06-10T19:59"), deliver).sent == 0
    assert run(app, utc("2026-06-10T20:00"), deliver).sent == 1
    assert run(app, utc("2026-06-10T20:05"), deliver).claimed_elsewhere == 1
    assert len(deliver.calls) == 1
    # The next day, logged in the morning: no reminder.
    patient.post("/api/v1/entries", {"day": "2026-06-11", "leg_pain": 4})
    report = run(app, utc("2026-06-11T20:00"), deliver)
    assert (report.sent, report.logged) == (0, 1)
    assert len(deliver.calls) == 1


def test_the_patients_time_zone_decides_the_day_and_the_time(app, patient):
    subscribed(patient, clock="08:00", time_zone="Asia/Tokyo")
    # Logged for 10 June in the US evening of 9 June... that is 10 June in Tokyo.
    patient.post("/api/v1/entries", {"day": "2026-06-10", "leg_pain": 3})
    deliver = Deliveries()
    assert run(app, utc("2026-06-09T23:00"), deliver).logged == 1  # 08:00 on 10 June in Tokyo
    assert run(app, utc("2026-06-10T23:00"), deliver).sent == 1  # 11 June: nothing logged
    assert deliver.calls[0][1]["ttl"] == 16 * 3600  # until midnight in Tokyo


@pytest.mark.parametrize(
    ("zone", "clock", "day"),
    [
        ("Europe/Paris", "02:30", "2026-03-29"),  # clocks forward: 02:30 does not exist
        ("Europe/Paris", "02:30", "2026-10-25"),  # clocks back: 02:30 happens twice
        ("America/New_York", "20:00", "2026-03-08"),
        ("Australia/Sydney", "09:00", "2026-04-05"),
    ],
)
def test_a_day_whose_clock_changes_gets_one_reminder(app, patient, zone, clock, day):
    subscribed(patient, clock=clock, time_zone=zone)
    deliver = Deliveries()
    # Every 5 minutes, from the patient's midnight the day before to the one after the day.
    local = datetime.fromisoformat(day).replace(tzinfo=ZoneInfo(zone))
    moment, end = local - timedelta(days=1), local + timedelta(days=2)
    sent = 0
    while moment < end:
        sent += run(app, moment, deliver).sent
        moment += timedelta(minutes=5)
    # The day before, the day and the day after: one each.
    assert sent == len(deliver.calls) == 3


def test_two_passes_at_once_claim_a_day_once(app, patient):
    subscribed(patient)
    user_id = patient.get("/api/v1/session").get_json()["user"]["id"]
    barrier = threading.Barrier(8)
    outcomes = []

    def claim():
        db = open_database(app.config["DATABASE"])
        try:
            barrier.wait()
            outcomes.append(sender.claim(db, user_id, "2026-06-10", "2026-06-10T20:00:00.000Z"))
        finally:
            close_database(db)

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["claimed"] + ["taken"] * 7


def test_a_push_service_that_is_down_is_tried_again_on_the_next_pass(app, patient):
    subscribed(patient)
    down = Deliveries(push.FAILED)
    assert run(app, utc("2026-06-10T20:00"), down).failed == 1
    up = Deliveries()
    assert run(app, utc("2026-06-10T20:05"), up).sent == 1
    assert subscription_count(app) == 1


def test_a_subscription_the_push_service_says_is_gone_is_removed(app, patient):
    subscribed(patient)
    report = run(app, utc("2026-06-10T20:00"), Deliveries(push.GONE))
    assert (report.sent, report.removed) == (0, 1)
    assert subscription_count(app) == 0
    assert run(app, utc("2026-06-11T20:00"), Deliveries()).due == 0


def test_an_endpoint_the_operator_no_longer_allows_is_never_called(app, patient):
    subscribed(patient)
    app.config["PUSH_ENDPOINTS"] = ["https://fcm.googleapis.com/"]
    deliver = Deliveries()
    assert run(app, utc("2026-06-10T20:00"), deliver).removed == 1
    assert deliver.calls == []


def test_signing_out_removes_this_devices_subscription_only(app, patient, make_api):
    subscribed(patient)
    phone = make_api()
    phone.signin()
    subscribed(phone, endpoint=f"{LOCAL_PUSH}9/push/two")
    assert subscription_count(app) == 2
    assert phone.signout().status_code == 200
    assert subscription_count(app) == 1
    assert patient.delete("/api/v1/push/subscriptions").status_code == 204
    assert subscription_count(app) == 0


def test_turning_the_reminder_off_is_a_null_time(app, patient):
    subscribed(patient)
    assert patient.put("/api/v1/users/me", {"name": "Pat"}).get_json()["reminder_time"] == "20:00"
    assert (
        patient.put("/api/v1/users/me", {"reminder_time": None}).get_json()["reminder_time"] is None
    )
    assert run(app, utc("2026-06-10T20:00"), Deliveries()).due == 0
    bad = patient.put("/api/v1/users/me", {"reminder_time": "24:00"})
    assert "reminder_time" in bad.get_json()["error"]["fields"]


def test_only_allowed_push_services_are_accepted(app, patient):
    browser = Browser("http://10.0.0.1/push")
    refused = patient.post("/api/v1/push/subscriptions", browser.subscription())
    assert refused.status_code == 422
    assert "endpoint" in refused.get_json()["error"]["fields"]
    assert subscription_count(app) == 0


def test_the_default_push_services_allow_their_own_hosts_only():
    from diary.config import DEFAULTS
    from diary.reminders.subscriptions import endpoint_allowed

    prefixes = DEFAULTS["PUSH_ENDPOINTS"]
    assert endpoint_allowed("https://fcm.googleapis.com/fcm/send/abc", prefixes)
    assert endpoint_allowed("https://wns2-by3p.notify.windows.com/w/?token=x", prefixes)
    for sneaky in (
        "http://fcm.googleapis.com/fcm/send/abc",
        "https://fcm.googleapis.com.evil.example/x",
        "https://evil.example/.notify.windows.com/",
        "https://a@b.notify.windows.com/",
        "https://notify.windows.com/",
    ):
        assert not endpoint_allowed(sneaky, prefixes), sneaky


def test_a_session_that_expired_gets_no_reminder(app, patient):
    subscribed(patient)
    with app.app_context():
        db = get_db()
        db.execute("UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z'")
    assert run(app, utc("2026-06-10T20:00"), Deliveries()).due == 0


# ---- the account page (HTML, without JavaScript) ---------------------------------------------


def account_post(api, data):
    token = form_token(api.client, "/account")
    response = api.client.post("/account/reminders", data={**data, "csrf_token": token})
    assert response.status_code == 302
    return api.client.get("/account").get_data(as_text=True)


def test_the_account_page_turns_the_reminder_on_and_off_for_this_phone(app, patient):
    page = patient.client.get("/account").get_data(as_text=True)
    assert "Off on this phone." in page and "Add to Home Screen" in page
    # Without a subscription (no JavaScript), the time is kept and the page says what is missing.
    page = account_post(patient, {"action": "on", "reminder_time": "07:30"})
    assert "This phone is not set up for reminders yet" in page
    assert patient.get("/api/v1/session").get_json()["user"]["reminder_time"] == "07:30"
    subscribed(patient, clock="07:30")
    page = account_post(patient, {"action": "on", "reminder_time": "21:15"})
    assert "Reminders are on: every day at 21:15" in page
    assert "On: every day at <strong>21:15</strong> (UTC time) on this phone." in page
    page = account_post(patient, {"action": "off"})
    assert "Reminders are off on this phone." in page
    assert subscription_count(app) == 0
    assert patient.get("/api/v1/session").get_json()["user"]["reminder_time"] is None


@pytest.mark.parametrize("typed", ["25:99", "7 pm", ""])
def test_a_reminder_time_that_is_not_a_time_is_named_on_the_form(patient, typed):
    subscribed(patient, clock="07:30")
    token = form_token(patient.client, "/account")
    refused = patient.client.post(
        "/account/reminders", data={"action": "on", "reminder_time": typed, "csrf_token": token}
    )
    assert refused.status_code == 422
    words = text_of(refused)
    assert "Please fix the fields marked below." in words
    assert "Reminder time must be a time like 20:30 (hours 00-23, minutes 00-59)." in words
    html = refused.get_data(as_text=True)
    field = re.search(r'<input id="f-reminder-time"[^>]*>', html).group(0)
    assert f'value="{typed}"' in field and 'aria-invalid="true"' in field
    assert 'aria-describedby="f-reminder-time-help f-reminder-time-error"' in field
    assert 'id="f-reminder-time-error"' in html
    assert patient.get("/api/v1/session").get_json()["user"]["reminder_time"] == "07:30"


def test_a_physician_has_no_reminder(doctor):
    assert "Daily reminder" not in doctor.client.get("/account").get_data(as_text=True)


def test_the_reminder_speaks_the_patients_language(app, patient):
    subscribed(patient, clock="20:00")
    patient.put("/api/v1/users/me", {"locale": "es"})
    said = []

    def deliver(subscription, **kwargs):
        said.append(push.reminder())
        return push.Delivery(push.SENT)

    assert run(app, utc("2026-06-10T20:00"), deliver).sent == 1
    assert said == [
        {
            **push.REMINDER,
            "title": "Es la hora de su diario",
            "body": "Toque para anotar el día de hoy.",
        }
    ]


def test_without_a_chosen_language_each_phone_is_reminded_in_its_own(app, patient, make_api):
    # Registered on the Spanish pages, the account says "your browser's language" (null): the
    # Spanish phone that turned reminders on is reminded in Spanish, an English laptop in
    # English.
    assert patient.get("/api/v1/session").get_json()["user"]["locale"] is None
    phone = Browser(f"{LOCAL_PUSH}9/push/phone")
    patient.client.set_cookie("diary_lang", "es")
    assert patient.post("/api/v1/push/subscriptions", phone.subscription()).status_code == 201
    laptop = make_api()
    laptop.signin()
    subscribed(laptop, endpoint=f"{LOCAL_PUSH}9/push/laptop")
    said = {}

    def deliver(subscription, **kwargs):
        said[subscription["endpoint"].rsplit("/", 1)[1]] = push.reminder()["title"]
        return push.Delivery(push.SENT)

    assert run(app, utc("2026-06-10T20:00"), deliver).sent == 1
    assert said == {"phone": "Es la hora de su diario", "laptop": push.REMINDER["title"]}
    # A language chosen on the account is every device's.
    patient.put("/api/v1/users/me", {"locale": "en"})
    said.clear()
    assert run(app, utc("2026-06-11T20:00"), deliver).sent == 1
    assert said == {"phone": push.REMINDER["title"], "laptop": push.REMINDER["title"]}
