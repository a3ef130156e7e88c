"""Medicines and "Took one" offline in a real Chromium against the live server (DESIGN.md
section 4): recorded with the network really cut, shown at once with their state, and held
by the server exactly once when the phone is back, even when the first answer is lost."""

import json
import re
from datetime import UTC, datetime
from datetime import time as clock
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from diary.medications import doses as dose_days
from tests.browser.conftest import (
    IBUPROFEN,
    PHONE,
    OfflinePhone,
    api_post,
    assert_no_axe_violations_light_and_dark,
    flush_now,
    lose_the_first_sync_answer,
    poll,
    scripted,
    wait_status,
)

NEW_ID = re.compile(r"/medications/#medication-([0-9a-f-]{36})$")


def held(page, base_url, what):
    response = page.request.get(f"{base_url}/api/v1/{what}")
    assert response.ok, response.text()
    return {row["id"]: row for row in response.json()[what]}


def cached(page, user, *paths):
    listed = json.dumps(list(paths))
    poll(
        page,
        f"""caches.open('diary-pages-{user["id"]}').then(async (c) =>
            (await Promise.all({listed}.map((p) => c.match(p)))).every(Boolean))""",
    )


def rendered(page, selector):
    poll(page, f"Number(document.querySelector('{selector}')?.dataset.rendered || 0)")


def add_medicine(page, url, name, strength, schedule, dose=None):
    """Add a medicine in mg with the form (from the worker's cache when offline), started
    on 1 February 2025; its id, from the list the form goes back to."""
    page.goto(url + "/medications/new")
    scripted(page, "[data-medication-form]")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Strength (optional)").fill(strength)
    page.get_by_label("Unit (optional)").fill("mg")
    page.get_by_label(schedule).check()
    page.get_by_label("Start day").fill("2025-02-01")
    if dose:
        page.get_by_label("Dose (optional)").fill(dose)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(NEW_ID)
    return NEW_ID.search(page.url).group(1)


def test_medicines_and_doses_recorded_offline_reach_the_server_once(patient_page, live_server):
    page, user, _ = patient_page()
    url = live_server.url
    ibuprofen = api_post(page, url, "/api/v1/medications", IBUPROFEN)
    page.goto(url + "/medications/")
    rendered(page, "[data-medication-list]")
    page.goto(url + "/today")
    scripted(page, "[data-as-needed]")
    cached(page, user, "/today", "/medications/", "/medications/new")

    page.context.set_offline(True)
    page.reload()  # Today from the worker's cache
    scripted(page, "[data-as-needed]")
    took = page.get_by_role("button", name="Took one: Ibuprofen 400 mg")
    took.click()
    expect(page.locator("[data-dose-id]")).to_have_count(1)
    took.click()
    doses = page.locator("[data-dose-id]")
    expect(doses).to_have_count(2)
    expect(doses.first).to_have_attribute("data-state", "device")
    expect(page.locator("[data-as-needed-status]")).to_contain_text("Recorded: Ibuprofen 400 mg at")

    # The second one was a mistake: removed on this phone before it was ever sent.
    doses.nth(1).click()
    page.get_by_role("button", name="Remove dose").click()
    expect(doses).to_have_count(1)

    # A regular medicine, added with the form from the cache.
    new_id = add_medicine(
        page,
        url,
        "Pregabalin",
        "75",
        "Regularly (every day, or on a schedule)",
        dose="75 mg twice a day",
    )
    rendered(page, "[data-medication-list]")
    card = page.locator(f"[data-medication-id='{new_id}']")
    expect(card).to_contain_text("Pregabalin 75 mg")
    expect(card.locator("[data-sync-badge]")).to_have_text("Saved on this phone")
    panel = page.locator("[data-outbox-panel]")
    expect(panel.locator("[data-outbox-id]")).to_have_count(2)  # the medicine and the dose
    assert_no_axe_violations_light_and_dark(page)
    assert list(held(page, url, "doses")) == []  # nothing sent yet
    # The patient flies away and sets their account's zone on another device before this
    # phone is back: the dose keeps the zone it was taken in (UTC).
    token = page.request.get(url + "/api/v1/session").json()["csrf_token"]
    moved = page.request.put(
        url + "/api/v1/users/me",
        data={"time_zone": elsewhere_on_the_same_day()},
        headers={"X-CSRFToken": token},
    )
    assert moved.ok, moved.text()

    # Back online, and the first answer is lost on the way: sent again, applied once.
    seen = lose_the_first_sync_answer(page.context)
    page.context.set_offline(False)
    poll(page, "1", lambda _: seen["lost"] == 1)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_status(page, "synced", 0)
    page.context.unroute("**/api/v1/sync")
    assert seen["sent"] >= 2
    expect(card.locator("[data-sync-badge]")).to_be_hidden()
    medicines = held(page, url, "medications")
    assert set(medicines) == {ibuprofen["id"], new_id}
    assert medicines[new_id]["version"] == 1
    assert medicines[new_id]["changes"] == [{"day": "2025-02-01", "dose": "75 mg twice a day"}]
    [dose] = held(page, url, "doses").values()
    assert (dose["medication_id"], dose["version"]) == (ibuprofen["id"], 1)
    assert dose["time_zone"] == "UTC"

    page.goto(url + "/today")
    expect(page.locator(f"[data-dose-id='{dose['id']}']")).to_have_count(1)
    assert_no_axe_violations_light_and_dark(page)


def elsewhere_on_the_same_day():
    """New York, or Tokyo while New York is still on the day before UTC's (00:00-05:00 UTC):
    a zone hours from UTC whose day is UTC's for the next minutes. Today shows the doses of
    the account's day, each on its own zone's day: a dose taken in UTC shows on the new
    zone's Today only on the same day (from midnight UTC to 05:00, not in New York)."""
    now = datetime.now(UTC)
    for name in ("America/New_York", "Asia/Tokyo"):
        there = now.astimezone(ZoneInfo(name))
        if there.date() == now.date() and clock(0, 5) < there.time() < clock(23, 55):
            return name
    raise AssertionError("New York and Tokyo between them share every hour's UTC day")


def zone_away_from_midnight():
    """Madrid, or Tokyo when Madrid is within five minutes of midnight: a dose at 00:01
    today there is in the past, and stays today while the test runs."""
    for name in ("Europe/Madrid", "Asia/Tokyo"):
        if clock(0, 5) < datetime.now(ZoneInfo(name)).time() < clock(23, 55):
            return name
    raise AssertionError("Madrid and Tokyo are hours apart")


# The script's reading of moments (medication-render.js), in this page, against the server's.
ZONE_CASES = [
    ("2026-03-29", "02:30", "Europe/Madrid"),  # skipped when clocks go forward
    ("2026-10-25", "02:30", "Europe/Madrid"),  # twice when they go back: the first
    ("2026-03-08", "02:30", "America/New_York"),
    ("2026-11-01", "01:30", "America/New_York"),
]
READ_IN_PAGE = """async ([cases, moment]) => {
    const m = await import('/static/js/medication-render.js');
    return {
        moments: cases.map(([day, time, zone]) => m.doseMoment(day, time, zone).toISOString()),
        clocks: [m.doseClock(moment, 'Not/AZone'), m.doseClock(moment, null)],
    };
}"""


def test_a_dose_shows_its_own_zones_day_and_clock_on_a_phone_elsewhere(
    browser, patient_page, live_server
):
    """The account and the dose in Madrid, the phone in New York: a dose at 00:01 today in
    Madrid (yesterday evening in New York) reads the same on the server's Today, after the
    script redraws it, in its editor, and in the conflict chooser after the account moved
    to New York's zone."""
    page, user, _ = patient_page(browser.new_context(**PHONE, timezone_id="America/New_York"))
    url = live_server.url
    zone = zone_away_from_midnight()
    today = datetime.now(ZoneInfo(zone)).date()
    headers = {"X-CSRFToken": page.request.get(url + "/api/v1/session").json()["csrf_token"]}
    assert page.request.put(url + "/api/v1/users/me", data={"time_zone": zone}, headers=headers).ok
    ibuprofen = api_post(page, url, "/api/v1/medications", IBUPROFEN)
    at = {t: dose_days.at_local(today.isoformat(), t, zone) for t in ("00:01", "00:02", "00:03")}
    dose = api_post(
        page,
        url,
        "/api/v1/doses",
        {"medication_id": ibuprofen["id"], "taken_at": at["00:01"], "time_zone": zone},
    )
    served = page.request.get(url + "/today").text()
    assert re.search(rf'data-dose-id="{dose["id"]}"[^>]*>00:01<', served)

    # The phone pulls the dose, then Today is drawn again by its script from what it holds.
    flush_now(page)
    poll(
        page,
        """async () => {
            const { Outbox } = await import('/static/js/outbox.js');
            const box = await Outbox.open(document.body.dataset.userId);
            const rows = await box.rows('dose');
            box.close();
            return rows.length;
        }""",
    )
    page.reload()
    scripted(page, "[data-as-needed]")
    link = page.locator(f"[data-dose-id='{dose['id']}']")
    expect(link).to_have_text(re.compile(r"^00:01,"))
    read = page.evaluate(READ_IN_PAGE, [ZONE_CASES, dose["taken_at"]])
    assert read["moments"] == [dose_days.at_local(*case) for case in ZONE_CASES]
    # An unknown zone, or none, reads in the account's.
    assert read["clocks"] == [{"day": today.isoformat(), "time": "00:01"}] * 2

    phone = OfflinePhone(page.context)
    link.click()
    expect(page.get_by_label("Time taken")).to_have_value("00:01")
    page.get_by_label("Time taken").fill("00:02")
    page.get_by_role("button", name="Save time").click()
    expect(link).to_have_attribute("data-state", "device")
    expect(link).to_have_text(re.compile(r"^00:02,"))
    # Meanwhile another device moves the same dose, and the patient, now in New York, sets
    # the account's zone there: the dose stays on Madrid's clock.
    moved = page.request.put(
        f"{url}/api/v1/doses/{dose['id']}",
        data={"medication_id": ibuprofen["id"], "taken_at": at["00:03"], "base_version": 1},
        headers=headers,
    )
    assert moved.ok, moved.text()
    there = {"time_zone": "America/New_York"}
    assert page.request.put(url + "/api/v1/users/me", data=there, headers=headers).ok

    phone.online()
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_status(page, "conflict")
    page.goto(url + "/medications/")
    rendered(page, "[data-medication-list]")
    mine = page.locator(f"[data-outbox-id='{dose['id']}']")
    day = f"{today.day} {today:%b} {today.year}"
    expect(mine).to_contain_text(f"Ibuprofen 400 mg, taken {day} at 00:02")
    versions = mine.locator(".conflict-version")
    expect(versions.first).to_contain_text(f"{day} at 00:02")
    expect(versions.last).to_contain_text(f"{day} at 00:03")
    assert_no_axe_violations_light_and_dark(page)
    mine.get_by_role("button", name="Keep mine").click()
    wait_status(page, "synced", 0)
    kept = held(page, url, "doses")[dose["id"]]
    assert (kept["version"], kept["taken_at"], kept["time_zone"]) == (3, at["00:02"], zone)


def test_a_medicine_deleted_from_its_page_offline_is_deleted_once(patient_page, live_server):
    page, user, _ = patient_page()
    url = live_server.url
    ibuprofen = api_post(page, url, "/api/v1/medications", IBUPROFEN)
    page.goto(url + "/medications/")
    rendered(page, "[data-medication-list]")
    page.goto(f"{url}/medications/{ibuprofen['id']}/delete")
    scripted(page, "[data-medication-delete-form]")
    cached(page, user, "/medications/")

    phone = OfflinePhone(page.context)
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page).to_have_url(url + "/medications/")
    expect(page.get_by_role("status").filter(has_text="Deleted: Ibuprofen 400 mg.")).to_be_visible()
    expect(page.locator("[data-outbox-panel] [data-outbox-id]")).to_have_count(1)
    assert ibuprofen["id"] in held(page, url, "medications")  # not sent yet

    phone.online()
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_status(page, "synced", 0)
    assert ibuprofen["id"] not in held(page, url, "medications")


def test_a_medicine_recorded_offline_comes_styled_to_a_today_cached_without_one(
    patient_page, live_server
):
    """Today kept from before the patient had a medicine taken when needed links no
    medicines stylesheet; recorded offline, the medicine's "Took one" appears there with
    the stylesheet its script adds, at the same versioned address the server links, from
    the worker's cache (diary/assets.py)."""
    page, user, _ = patient_page()
    url = live_server.url
    page.goto(url + "/medications/new")
    scripted(page, "[data-medication-form]")
    served = page.locator("link[rel=stylesheet][href$='/css/medications.css']").get_attribute(
        "href"
    )
    assert re.fullmatch(r"/static/[0-9a-f]{16}/css/medications\.css", served), served
    page.goto(url + "/today")
    scripted(page)
    assert page.locator("link[href$='/css/medications.css']").count() == 0
    cached(page, user, "/today", "/medications/", "/medications/new")

    page.context.set_offline(True)
    add_medicine(page, url, "Ibuprofen", "400", "Only when needed")
    page.goto(url + "/today")
    scripted(page, "[data-as-needed]")
    expect(page.get_by_role("button", name="Took one: Ibuprofen 400 mg")).to_be_visible()
    added = page.locator("link[data-medications-css]")
    expect(added).to_have_count(1)
    # The property is the address resolved: the attribute is the module's own absolute URL.
    assert added.evaluate("(link) => link.href") == url + served
    # Loaded offline (from the worker) and applied: the row is laid out by its rules.
    expect(page.locator(".took-one").first).to_have_css("display", "flex")
    expect(page.locator(".as-needed-item").first).to_have_css("padding-top", "9.6px")
