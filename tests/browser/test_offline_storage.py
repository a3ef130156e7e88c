"""A phone whose storage is full: a Save that the phone cannot keep says so, in the form,
and keeps what the patient entered (static/js/storage-trouble.js).

The full disk is IndexedDB's writes failing as Chromium fails them (QuotaExceededError),
until the patient has made room.
"""

from playwright.sync_api import expect

from tests.browser.conftest import open_the_form, scripted, wait_status

DISK_FULL = """() => {
    window.roomyPut = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function () {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
}"""
ROOM_MADE = "() => { IDBObjectStore.prototype.put = window.roomyPut; }"
FULL = "Could not save on this phone: its storage is full. What you entered is still here."


def test_a_save_the_phone_cannot_keep_says_so_and_keeps_the_entry_in_the_form(
    patient_page, live_server
):
    page, user, server = patient_page()
    page.context.set_offline(True)
    page.goto(live_server.url + "/today")
    open_the_form(page)
    page.locator("label[for='leg_pain-6']").click()
    page.locator("summary", has_text="Note").click()
    page.locator("#f-note").fill("the pain woke me at 4")
    page.evaluate(DISK_FULL)

    page.get_by_role("button", name="Save", exact=True).click()
    status = page.get_by_role("status").filter(has_text="its storage is full")
    expect(status).to_contain_text(FULL)
    expect(status).to_have_attribute("data-save-state", "error")
    # Nothing was saved, and nothing the patient entered is gone.
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_visible()
    expect(page.locator("#leg_pain-6")).to_be_checked()
    expect(page.locator("#f-note")).to_have_value("the pain woke me at 4")
    wait_status(page, "offline", 0)

    # Once there is room, the same Save works.
    page.evaluate(ROOM_MADE)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("[data-entry-status]")).to_contain_text("Saved on this phone")
    wait_status(page, "offline", 1)
    page.context.set_offline(False)
    wait_status(page, "synced", 0)
    assert [(e["leg_pain"], e["note"]) for e in server.entries().values()] == [
        (6, "the pain woke me at 4")
    ]


def test_a_therapy_the_phone_cannot_keep_stays_in_its_form(patient_page, live_server):
    page, user, server = patient_page()
    page.goto(live_server.url + "/therapies/new?kind=physiotherapy")
    scripted(page, "[data-therapy-form]")
    page.get_by_label("Name (optional)").fill("Physio")
    page.get_by_label("Start day").fill("2025-03-03")
    page.evaluate(DISK_FULL)

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("[data-therapy-status]")).to_contain_text(FULL)
    expect(page).to_have_url(live_server.url + "/therapies/new?kind=physiotherapy")
    expect(page.get_by_label("Name (optional)")).to_have_value("Physio")
    wait_status(page, "synced", 0)
    assert server.therapies() == {}
