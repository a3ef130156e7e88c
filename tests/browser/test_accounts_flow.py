"""Register, sign out and sign in through the pages on a phone, with axe on every page (the
colours of the start, registration and sign-in pages in the dark scheme too)."""

from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_no_axe_violations,
    assert_no_axe_violations_light_and_dark,
    page_only,
)

pytestmark = page_only


def test_register_signout_signin_on_a_phone(page, live_server, new_user):
    user = new_user()
    page.goto(live_server.url + "/")
    assert_no_axe_violations_light_and_dark(page)
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    assert_no_axe_violations_light_and_dark(page)

    # A weak password re-shows the form with the field's message and keeps what was typed.
    page.get_by_label("Your name").fill(user["name"])
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Password must be at least 10 characters long.")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value(user["email"])
    assert_no_axe_violations(page)

    page.get_by_label("Password").fill(user["password"])
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text(f"Welcome, {user['name']}")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_no_axe_violations_light_and_dark(page)

    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password").fill("wrong password here")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("The email or password is not right.")

    page.get_by_label("Password").fill(user["password"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_text(f"Signed in as {user['name']}")).to_be_visible()
    assert_no_axe_violations(page)


def test_touch_targets_are_at_least_44px(page, live_server):
    page.goto(live_server.url + "/signin")
    for locator in [
        page.get_by_role("button", name="Sign in"),
        page.get_by_label("Email"),
        page.get_by_role("link", name="Register"),
        page.get_by_role("link", name="Forgot your password?"),
    ]:
        box = locator.bounding_box()
        assert box["height"] >= 44, locator
