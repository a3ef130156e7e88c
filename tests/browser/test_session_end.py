"""A phone's cached diary goes with the session that showed it (issue: shared phones).

The service worker keeps a signed-in patient's pages for offline use. When the session ends
by itself (a password changed on another device, cookies cleared, expiry), those pages must
not stay readable on the phone for whoever holds it next.
"""

from playwright.sync_api import expect

from tests.browser.conftest import flushed, log_entry, poll

NO_PAGES = "caches.keys().then((names) => !names.some((n) => n.startsWith('diary-pages-')))"


def _cached_pages(page, user_id):
    return page.evaluate(
        f"caches.open('diary-pages-{user_id}').then((c) => c.keys()).then((k) => k.length)"
    )


def test_a_session_ended_on_another_device_takes_the_cached_pages_with_it(
    patient_page, live_server
):
    page, user, server = patient_page()
    assert _cached_pages(page, user["id"]) >= 2  # Today and History, kept for offline use
    # The patient changes their password on another device: this phone's session ends.
    r = server.api.put(
        "/api/v1/session/password",
        data={"current_password": user["password"], "new_password": "a new calm river at dusk"},
        headers={"X-CSRFToken": server.token},
    )
    assert r.ok, r.text()
    page.goto(live_server.url + "/history")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    poll(page, NO_PAGES)
    page.context.set_offline(True)
    page.goto(live_server.url + "/history")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(page.get_by_role("heading", name="History", exact=True)).to_have_count(0)
    page.context.set_offline(False)


def test_offline_the_pages_open_only_while_the_browser_holds_the_session(patient_page, live_server):
    page, user, _ = patient_page()
    page.context.set_offline(True)
    page.goto(live_server.url + "/history")
    expect(page.get_by_role("heading", name="History", exact=True)).to_be_visible()
    # Cookies cleared (or the browser session over) while offline: nobody can ask the
    # server, and the phone must not show the diary to whoever holds it now.
    page.context.clear_cookies()
    page.goto(live_server.url + "/today")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(page.get_by_role("heading", name="How is your pain today?")).to_have_count(0)
    poll(page, NO_PAGES)
    page.context.set_offline(False)


def test_signing_out_without_javascript_asks_the_browser_to_forget(browser, live_server, new_user):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    user = new_user()
    page.goto(live_server.url + "/register")
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Your name").fill(user["name"])
    page.get_by_label("Password").fill(user["password"])
    with page.expect_navigation():
        page.get_by_role("button", name="Create account").click()
    with page.expect_response(lambda r: r.url.endswith("/signout")) as signed_out:
        page.get_by_role("button", name="Sign out").click()
    assert signed_out.value.all_headers()["clear-site-data"] == '"cache"'
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.go_back()
    expect(page.get_by_role("heading", name="How is your pain today?")).to_have_count(0)
    context.close()


# ---- signing out with the diary open in another tab ------------------------------------------

DATABASES = "indexedDB.databases().then((dbs) => dbs.map((d) => d.name))"


def test_signing_out_with_another_tab_open_closes_the_diary_in_both(patient_page, live_server):
    page, user, server = patient_page()
    other = page.context.new_page()  # a second tab, or the installed app
    other.goto(live_server.url + "/history")
    flushed(other)
    page.goto(live_server.url + "/today")
    flushed(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    # The other tab does not go on showing the diary: it goes to the sign-in page too.
    expect(other.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(other.get_by_role("heading", name="History", exact=True)).to_have_count(0)
    assert page.request.get(live_server.url + "/api/v1/session").json()["user"] is None
    assert f"diary-user-{user['id']}" not in page.evaluate(DATABASES)
    poll(page, NO_PAGES)


def test_a_tab_that_keeps_the_database_open_does_not_stop_signing_out(patient_page, live_server):
    page, user, server = patient_page()
    # A tab still running an older version of the app, which never closes the database.
    other = page.context.new_page()
    other.goto(live_server.url + "/offline")
    other.evaluate(
        """(name) => new Promise((opened) => {
            const request = indexedDB.open(name, 1);
            request.onsuccess = () => { window.held = request.result; opened(); };
        })""",
        f"diary-user-{user['id']}",
    )
    page.get_by_role("button", name="Sign out").click()
    # Signing out waits a little for it, then goes on: the server ends the session.
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=10_000)
    assert page.request.get(live_server.url + "/api/v1/session").json()["user"] is None
    poll(page, NO_PAGES)


def test_deleting_the_account_takes_what_this_phone_kept_of_it(patient_page, live_server):
    """Deleting an account ends every session, but a phone keeps its offline diary (outbox
    and synced rows) and cached pages: the page after the deletion removes them, and only
    them (another patient's on the same phone may hold changes not sent yet)."""
    page, user, server = patient_page()
    log_entry(page, 6, note="only on this phone until deleted")
    flushed(page)
    page.evaluate("indexedDB.open('diary-user-999999', 1)")  # another patient's, kept
    mine = f"diary-user-{user['id']}"
    assert mine in page.evaluate(DATABASES)
    page.goto(live_server.url + "/account/delete")
    page.get_by_label("Your password").fill(user["password"])
    page.get_by_role("button", name="Delete my account and data").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    poll(page, DATABASES, lambda names: mine not in names and "diary-user-999999" in names)
    poll(page, NO_PAGES)
    poll(page, "document.cookie", lambda cookies: "diary_forget" not in cookies)


def test_signing_out_everywhere_leaves_the_diary_in_every_tab_of_this_phone(
    patient_page, live_server
):
    """Signing out everywhere ends this phone's session too: as a sign-out does, it takes the
    phone's copy of the diary with it, and the other tabs leave the diary at once."""
    page, user, server = patient_page()
    other = page.context.new_page()
    other.goto(live_server.url + "/history")
    flushed(other)
    page.goto(live_server.url + "/account")

    page.get_by_role("button", name="Sign out everywhere").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(other.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.request.get(live_server.url + "/api/v1/session").json()["user"] is None
    poll(page, DATABASES, lambda names: f"diary-user-{user['id']}" not in names)
    poll(page, NO_PAGES)


def test_deleting_the_account_in_one_tab_closes_the_diary_in_the_others(patient_page, live_server):
    page, user, server = patient_page()
    other = page.context.new_page()
    other.goto(live_server.url + "/history")
    flushed(other)
    page.goto(live_server.url + "/account/delete")
    page.get_by_label("Your password").fill(user["password"])

    page.get_by_role("button", name="Delete my account and data").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    # The other tab does not go on showing a diary that no longer exists.
    expect(other.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(other.get_by_role("heading", name="History", exact=True)).to_have_count(0)
    poll(page, DATABASES, lambda names: f"diary-user-{user['id']}" not in names)
