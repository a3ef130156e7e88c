"""Every page passes axe-core, light and dark, on a phone, with its controls at least 44 px:
a patient's pages with a full diary, and the pages anyone may open, errors included.
(tests/test_pages_under_axe.py lists where each page is checked.)"""

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from diary.accounts import email_changes
from tests.browser.conftest import (
    IBUPROFEN,
    add_share,
    add_user,
    api_post,
    assert_no_axe_violations_light_and_dark,
    assert_targets_big_enough,
    charts_drawn,
    flushed,
    live_database,
    page_only,
    seed_demo_diary,
)


def test_a_patients_pages_have_no_axe_violations(patient_page, live_server):
    page, user, _ = patient_page()
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
    entry = page.request.get(url + "/api/v1/entries?limit=1").json()["entries"][0]["id"]
    therapy = therapies[0]["id"]
    with live_database(live_server) as db:  # a change of email waiting for its link
        email_token = email_changes.create(db, user["id"], f"new.{user['email']}")
    pages = [
        "/medications/",
        "/medications/new",
        f"/medications/{pregabalin['id']}/edit",
        f"/medications/{pregabalin['id']}/delete",
        f"/medications/doses/{dose['id']}/edit",
        "/today",
        "/account",
        "/charts",
        "/therapies/",
        "/therapies/new",
        f"/therapies/{therapy}/edit",
        f"/therapies/{therapy}/delete",
    ]
    for path in pages:
        page.goto(url + path)
        flushed(page)  # its scripts have run: the first flush comes once the page is drawn
        if path == "/charts":
            charts_drawn(page)
            change = page.locator("[data-medicine-change]").first
            assert "may come from either" in change.inner_text()
        assert_no_axe_violations_light_and_dark(page)
        assert_targets_big_enough(page)
        if path == "/account":
            expect(page.get_by_role("button", name="Cancel the change of email")).to_be_visible()

    # The pages without the diary's own scripts: the offline page, the link mailed to the new
    # address, and an entry's deletion asked without JavaScript.
    for path, heading in (
        ("/offline", "You are offline"),
        (f"/email/{email_token}", "Confirm your new email"),
        (f"/entries/{entry}/edit", "Delete the entry for"),
    ):
        page.goto(url + path)
        if heading.startswith("Delete"):
            _send_as_it_is(page, ".delete-form")
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_no_axe_violations_light_and_dark(page)
        assert_targets_big_enough(page)


def _send_as_it_is(page, form_selector):
    """Submit a form as a browser without its script would (form.submit() fires no submit
    event, so the page's script neither queues it offline nor asks for notifications)."""
    with page.expect_navigation():
        page.evaluate("(selector) => document.querySelector(selector).submit()", form_selector)


def test_refused_took_one_reminder_and_view_link_forms_have_no_axe_violations(
    patient_page, live_server
):
    page, user, _ = patient_page()
    url = live_server.url
    with live_database(live_server) as db:  # a share that ends within the month
        add_share(db, user["id"], add_user(db, "physician", "Dr Okafor").id, days=10)
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
    expect(page.locator("[data-ends-soon]")).to_contain_text("Ends soon.")
    assert_no_axe_violations_light_and_dark(page)


@page_only
def test_the_pages_anyone_may_open_and_the_error_pages_have_no_axe_violations(
    page, live_server, app
):
    url = live_server.url
    # Closed registration, as a server with REGISTRATION_OPEN = False answers: the page made
    # by the app itself, shown at the live server's address with the live server's styles.
    app.config["REGISTRATION_OPEN"] = False
    closed = app.test_client().get("/register")
    assert closed.status_code == 403
    page.context.route(
        url + "/register",
        lambda route: route.fulfill(status=403, body=closed.data, content_type="text/html"),
    )
    for path, heading in (
        ("/register", "Registration is closed"),
        ("/nothing-here", "Page not found"),
        ("/v/not-a-link-anyone-made", "Page not found"),  # a view link turned off or expired
        ("/email/not-a-link-anyone-made", "The email was not changed"),
        ("/signin", "This form expired"),  # sent after its token changed: the form is refused
    ):
        page.goto(url + path)
        if heading == "This form expired":
            form = page.locator("form", has=page.get_by_label("Email"))
            form.locator("[name=csrf_token]").evaluate("(input) => { input.value = 'old'; }")
            page.get_by_label("Email").fill("someone@example.org")
            page.get_by_label("Password").fill("a calm river at dawn")
            page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_no_axe_violations_light_and_dark(page)
        assert_targets_big_enough(page)
