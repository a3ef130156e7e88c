"""Your data, in Chromium on a phone: download the full copy, then bring it back into a new
account with the import form, watching its progress and reading the summary; axe finds
nothing to fix, light or dark."""

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_no_axe_violations_light_and_dark,
    page_only,
    register_via_api,
)

pytestmark = page_only

WATCH_STATUS = """() => {
    window.importStatus = [];
    const status = document.querySelector("[data-import-status]");
    new MutationObserver(() => window.importStatus.push(status.textContent)).observe(
        status, { childList: true, characterData: true, subtree: true });
}"""


def record_a_diary(page, url):
    token = page.request.get(url + "/api/v1/session").json()["csrf_token"]
    headers = {"X-CSRFToken": token}
    for day, leg, note in (
        ("2026-01-10", 7, ""),
        ("2026-01-11", 6, "Walked, then rested"),
        ("2026-01-12", 4, ""),
    ):
        data = {"day": day, "leg_pain": leg, "back_pain": 2, "note": note}
        assert page.request.post(url + "/api/v1/entries", data=data, headers=headers).ok
    therapy = {"kind": "epidural_steroid", "start_day": "2026-01-11"}
    assert page.request.post(url + "/api/v1/therapies", data=therapy, headers=headers).ok
    return headers


def choose(page, name, content):
    page.get_by_label("Copy of your diary").set_input_files(
        files=[{"name": name, "mimeType": "application/json", "buffer": content}]
    )


def test_a_copy_comes_back_into_a_new_account_with_progress_and_a_summary(
    page, live_server, new_user
):
    url = live_server.url
    user = new_user()
    register_via_api(page, url, user)
    headers = record_a_diary(page, url)

    page.goto(url + "/account")
    page.get_by_role("link", name="Download or import your diary").click()
    expect(page.get_by_role("heading", name="Your data", exact=True)).to_be_visible()
    assert_no_axe_violations_light_and_dark(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="A full copy of your diary").click()
    assert download.value.suggested_filename.startswith("diary-copy-")
    copy = Path(download.value.path()).read_bytes()

    # The account goes; a new one (as on another server) takes the copy back.
    gone = page.request.delete(
        url + "/api/v1/users/me", data={"password": user["password"]}, headers=headers
    )
    assert gone.ok, gone.text()
    register_via_api(page, url, new_user())
    page.goto(url + "/account/data/")
    page.evaluate(WATCH_STATUS)
    choose(page, "diary-copy.json", copy)
    page.get_by_role("button", name="Import copy").click()

    result = page.locator("[data-import-result]")
    expect(result.get_by_role("heading", name="Import finished")).to_be_visible()
    expect(result).to_contain_text("Added to your diary: 3 entries and 1 therapy.")
    expect(result).to_be_focused()
    assert page.url == url + "/account/data/"  # shown in place by the script, not a new page
    seen = page.evaluate("window.importStatus")
    assert any(text.startswith("Sending the copy:") for text in seen), seen
    assert "Checking the copy and importing it…" in seen
    entries = page.request.get(url + "/api/v1/entries").json()["entries"]
    assert [e["leg_pain"] for e in entries] == [4, 6, 7]
    assert_no_axe_violations_light_and_dark(page)

    # Again: nothing new; then a file that is not a copy says what is wrong, in place.
    choose(page, "diary-copy.json", copy)
    page.get_by_role("button", name="Import copy").click()
    expect(page.locator("[data-import-result]")).to_contain_text(
        "Already in your diary: 3 entries and 1 therapy."
    )
    choose(page, "notes.json", b'{"notes": ["not a diary"]}')
    page.get_by_role("button", name="Import copy").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("This file is not a diary copy from this app.")
    expect(alert).to_be_focused()
    expect(page.get_by_label("Copy of your diary")).to_have_attribute("aria-invalid", "true")
    assert_no_axe_violations_light_and_dark(page)


def test_the_download_and_import_controls_are_big_enough_to_tap(page, live_server, new_user):
    register_via_api(page, live_server.url, new_user())
    page.goto(live_server.url + "/account/data/")
    for control in [
        *page.locator(".download-list a").all(),
        page.get_by_label("Copy of your diary"),
        page.get_by_role("button", name="Import copy"),
    ]:
        box = control.bounding_box()
        assert box["height"] >= 44, control
