"""Every new page of medicines and reminders passes axe-core, light and dark, on a phone."""

from datetime import UTC, datetime, timedelta

from tests.browser.conftest import (
    IBUPROFEN,
    api_post,
    assert_no_axe_violations_light_and_dark,
    charts_drawn,
    flushed,
    seed_demo_diary,
)


def test_medicine_and_reminder_pages_have_no_axe_violations(patient_page, live_server):
    page, _, _ = patient_page()
    url = live_server.url
    therapies = seed_demo_diary(page, url)
    start = datetime.fromisoformat(therapies[-1]["start_day"]).date()
    ibuprofen = api_post(page, url, "/api/v1/medications", IBUPROFEN)
    regular = {
        "name": "Pregabalin",
        "strength": "75",
        "unit": "mg",
        "schedule": "regular",
        "start_day": (start - timedelta(days=10)).isoformat(),
        "changes": [{"day": (start + timedelta(days=9)).isoformat(), "dose": "150 mg twice a day"}],
    }
    pregabalin = api_post(page, url, "/api/v1/medications", regular)
    now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    dose = api_post(page, url, "/api/v1/doses", {"medication_id": ibuprofen["id"], "taken_at": now})
    pages = [
        "/medications/",
        "/medications/new",
        f"/medications/{pregabalin['id']}/edit",
        f"/medications/{pregabalin['id']}/delete",
        f"/medications/doses/{dose['id']}/edit",
        "/today",
        "/account",
        "/charts",
    ]
    for path in pages:
        page.goto(url + path)
        flushed(page)  # its scripts have run: the first flush comes once the page is drawn
        if path == "/charts":
            charts_drawn(page)
        assert_no_axe_violations_light_and_dark(page)
    assert "may come from either" in page.locator("[data-medicine-change]").first.inner_text()


def _send_as_it_is(page, form_selector):
    """Submit a form as a browser without its script would (form.submit() fires no submit
    event, so the page's script neither queues it offline nor asks for notifications)."""
    with page.expect_navigation():
        page.evaluate("(selector) => document.querySelector(selector).submit()", form_selector)


def test_refused_took_one_reminder_and_view_link_forms_have_no_axe_violations(
    patient_page, live_server
):
    page, _, _ = patient_page()
    url = live_server.url
    api_post(page, url, "/api/v1/medications", IBUPROFEN)
    page.goto(url + "/today")
    page.evaluate("() => { document.querySelector('[name=medication_id]').value = 'gone'; }")
    _send_as_it_is(page, "[data-took-one]")
    assert page.locator("#as-needed-error").is_visible()
    assert "not in your list any more" in page.locator("#as-needed-error").inner_text()
    assert_no_axe_violations_light_and_dark(page)

    page.goto(url + "/account")
    page.evaluate(
        "() => { const time = document.querySelector('#f-reminder-time');"
        " time.type = 'text'; time.value = '25:99'; }"
    )
    _send_as_it_is(page, "[data-reminder-form]")
    assert page.get_by_label("Remind me at").get_attribute("aria-invalid") == "true"
    assert (
        "Reminder time must be a time like 20:30"
        in page.locator("#f-reminder-time-error").inner_text()
    )
    assert_no_axe_violations_light_and_dark(page)

    page.goto(url + "/sharing/")
    page.evaluate("() => { document.querySelector('#f-days-7').value = '5'; }")
    _send_as_it_is(page, "form[action='/sharing/links']")
    assert (
        page.get_by_role("group", name="The link works for").get_attribute("aria-describedby")
        == "f-days-error"
    )
    assert_no_axe_violations_light_and_dark(page)
