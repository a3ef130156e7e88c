"""Registration's time zone, the account's settings and a forgotten password, on a phone, as
a person does them: the browser's own time zone chosen for them (UTC without JavaScript), every
problem named at once, and the operator's reset link from the command line to a new password."""

import os
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    NO_WORKER,
    PHONE,
    ROOT,
    assert_no_axe_violations,
    assert_no_axe_violations_light_and_dark,
    page_only,
    page_width,
    register_via_api,
)

pytestmark = page_only


def fill_registration(page, user):
    page.get_by_label("Your name").fill(user["name"])
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password").fill(user["password"])


@pytest.mark.parametrize(
    "zone, shown",
    [
        ("Europe/Oslo", "Norway — Oslo"),
        # Chromium names India's zone by its old alias: offered as the browser says it.
        ("Asia/Calcutta", "Asia/Calcutta"),
    ],
)
def test_registration_chooses_the_phones_time_zone(browser, live_server, new_user, zone, shown):
    context = browser.new_context(timezone_id=zone, **PHONE, **NO_WORKER)
    page = context.new_page()
    user = new_user()
    page.goto(live_server.url + "/register")
    time_zone = page.get_by_label("Time zone")
    expect(time_zone).to_have_value(zone)
    assert time_zone.evaluate("(s) => s.selectedOptions[0].textContent") == shown
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Create account").click()  # nothing filled in
    expect(page.get_by_text("Your name must not be empty.")).to_be_visible()
    expect(page.get_by_label("Time zone")).to_have_value(zone)  # kept, not guessed again
    assert_no_axe_violations(page)
    fill_registration(page, user)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text(f"Welcome, {user['name']}")).to_be_visible()
    session = page.request.get(live_server.url + "/api/v1/session").json()
    assert session["user"]["time_zone"] == zone
    context.close()


def test_without_javascript_registration_keeps_utc_and_names_every_problem(
    browser, live_server, new_user
):
    context = browser.new_context(
        java_script_enabled=False, timezone_id="Europe/Oslo", **PHONE, **NO_WORKER
    )
    page = context.new_page()
    user = new_user()
    page.goto(live_server.url + "/register")
    expect(page.get_by_label("Time zone")).to_have_value("UTC")
    # A mistyped email and a too common password: both said at once, the rest kept.
    page.get_by_label("Your name").fill(user["name"])
    page.get_by_label("Email").fill("pat@example")
    page.get_by_label("Password").fill("password123")
    page.get_by_label("Time zone").select_option("Europe/Lisbon")
    page.get_by_role("button", name="Create account").click()
    expect(
        page.get_by_text("Email must be an email address like name@example.org.")
    ).to_be_visible()
    expect(
        page.get_by_text("Password is too common; choose one that is harder to guess.")
    ).to_be_visible()
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Lisbon")
    expect(page.get_by_label("Your name")).to_have_value(user["name"])
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password").fill(user["password"])
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text(f"Welcome, {user['name']}")).to_be_visible()
    context.close()


def test_the_account_page_changes_name_and_time_zone(page, live_server, new_user):
    user = new_user()
    register_via_api(page, live_server.url, user)
    page.goto(live_server.url + "/account")
    settings = page.get_by_role("region", name="Name and time zone")
    expect(settings.get_by_label("Time zone")).to_have_value("UTC")
    assert_no_axe_violations_light_and_dark(page)
    settings.get_by_label("Time zone").select_option(label="Japan — Tokyo")
    settings.get_by_label("Your name").fill("Pat Tanaka")
    settings.get_by_role("button", name="Save name and time zone").click()
    expect(page.get_by_text("Saved: your name and time zone.")).to_be_visible()
    expect(page.get_by_text("Signed in as Pat Tanaka")).to_be_visible()
    expect(settings.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
    # Nothing sticks out sideways on a phone: the long list of zones fits the column.
    assert page_width(page) <= PHONE["viewport"]["width"]

    settings.get_by_label("Your name").fill("")
    settings.get_by_role("button", name="Save name and time zone").click()
    expect(page.get_by_text("Your name must not be empty.")).to_be_visible()
    assert_no_axe_violations_light_and_dark(page)


def print_reset_link(live_server, email):
    """The operator's command, run against the live server's own database."""
    env = {**os.environ, "DIARY_INSTANCE_PATH": str(live_server.instance_path)}
    result = subprocess.run(  # noqa: S603 - our own command, no shell
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "diary",
            "reset-password",
            email,
            "--base-url",
            live_server.url,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return re.search(r"https?://\S+/reset/\S+", result.stdout).group(0)


def test_a_forgotten_password_from_the_sign_in_page_to_a_new_one(page, live_server, new_user):
    user = new_user()
    register_via_api(page, live_server.url, user)
    page.context.clear_cookies()  # a new phone: nobody signed in

    page.goto(live_server.url + "/signin")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    expect(page.get_by_text("Ask the people who run this diary")).to_be_visible()
    assert_no_axe_violations_light_and_dark(page)

    link = print_reset_link(live_server, user["email"])
    page.goto(link)
    expect(page.get_by_role("heading", name="Set a new password")).to_be_visible()
    assert_no_axe_violations_light_and_dark(page)
    page.get_by_label("New password").fill("short")
    page.get_by_role("button", name="Set the new password").click()
    expect(page.get_by_text("New password must be at least 10 characters long.")).to_be_visible()
    page.get_by_label("New password").fill("a quiet harbour at dusk")
    page.get_by_role("button", name="Set the new password").click()
    expect(page.get_by_text("Your new password is set")).to_be_visible()
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password").fill("a quiet harbour at dusk")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/today$"))

    page.goto(link)
    expect(page.get_by_text("This link was used already")).to_be_visible()
    assert_no_axe_violations_light_and_dark(page)
