"""Offline-first in a real Chromium against the live server (DESIGN.md section 4).

Each test drives the pages as a patient would, with the network really cut
(``context.set_offline``), and then checks what the server holds through the JSON API:
every change arrives, and arrives once (an entry's ``version`` counts the changes applied).
"""

import json
import time
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    PHONE,
    Server,
    assert_no_axe_violations,
    flushed,
    log_entry,
    lose_the_first_sync_answer,
    open_the_form,
    poll,
    register_via_api,
    rows_in_database,
    sign_in,
    wait_status,
)


def set_leg(page, leg):
    open_the_form(page)
    page.locator(f"label[for='leg_pain-{leg}']").click()


# ---- the app shell ----------------------------------------------------------------------


def test_the_app_shell_opens_offline_from_the_service_worker(patient_page, live_server):
    page, user, _ = patient_page()
    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="How is your pain today?")).to_be_visible()
    wait_status(page, "offline", 0)
    expect(page.locator(".site-header [data-sync-text]")).to_have_text("Offline")
    # History was never opened, yet it is there: the worker fetched it for this user.
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="History", exact=True)).to_be_visible()
    # A page never cached gets the offline page, which says what still works.
    page.goto(live_server.url + "/account")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    assert_no_axe_violations(page)
    page.context.set_offline(False)


def test_manifest_and_worker_make_it_installable(patient_page, live_server):
    page, _, _ = patient_page()
    manifest = page.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then((r) => r.json())"
    )
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/today"
    scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == live_server.url + "/"


# ---- create, edit, delete offline ---------------------------------------------------------


def test_offline_create_edit_delete_reach_the_server_once(patient_page, live_server):
    page, user, server = patient_page()
    to_edit = server.create(4, note="edit me")
    to_delete = server.create(8, note="delete me")
    page.goto(live_server.url + "/history")  # pulls both into this phone's store
    flushed(page)
    wait_status(page, "synced", 0)
    page.goto(live_server.url + "/today")
    page.context.set_offline(True)

    # Two new entries on Today: shown at once as saved on this phone, counted in the header.
    log_entry(page, 6, back=3)
    expect(page.locator("[data-entry-status]")).to_contain_text("Saved on this phone")
    first = poll(page, "document.querySelector('[data-entry-status]').textContent", bool)
    assert "leg pain 6, back pain 3" in first
    log_entry(page, 2, note="a mistake")
    wait_status(page, "offline", 2)
    expect(page.locator(".site-header [data-pending-count]")).to_have_text("2 unsynced changes")
    # Today lists both at the top, as saved on this phone, and says so where it is seen.
    logged = page.get_by_role("region", name="Entries logged today")
    expect(logged.locator("[data-entry-id]")).to_have_count(2)
    expect(logged.locator("[data-sync-badge]")).to_have_text(["Saved on this phone"] * 2)
    expect(page.locator("[data-today-status]")).to_contain_text("Saved on this phone")
    expect(page.get_by_role("heading", name="Logged today", level=1)).to_be_visible()

    # History (from the cache) lists them at the top.
    page.get_by_role("link", name="History").click()
    panel = page.locator("[data-outbox-panel]")
    expect(panel.locator("[data-outbox-id]")).to_have_count(2)
    expect(panel).to_contain_text("New: ")

    # Edit the first new entry before it was ever sent: it stays one create.
    panel.locator("[data-outbox-id]", has_text="leg pain 6").get_by_role("link").click()
    expect(page.locator("#leg_pain-6")).to_be_checked()
    set_leg(page, 7)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("[data-entry-status]")).to_contain_text("leg pain 7")
    wait_status(page, "offline", 2)

    # Delete the second new entry: never sent, so it simply goes.
    page.get_by_role("link", name="History").click()
    mistake = panel.locator("[data-outbox-id]", has_text="leg pain 2")
    mistake_id = mistake.get_attribute("data-outbox-id")
    mistake.get_by_role("button", name="Delete").click()
    page.get_by_role("button", name="Delete entry").click()
    expect(panel.locator("[data-outbox-id]")).to_have_count(1)
    wait_status(page, "offline", 1)

    # Edit a synced entry on its edit page (never opened: Today's form stands in).
    card = page.locator(f"[data-entry-id='{to_edit['id']}']")
    card.get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", name="Edit the entry")).to_be_visible()
    expect(page.locator("#leg_pain-4")).to_be_checked()
    set_leg(page, 5)
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(f"{live_server.url}/history#entry-{to_edit['id']}")
    expect(card.locator("[data-sync-badge]")).to_have_text("Saved on this phone")
    expect(card.locator(".chip").first).to_contain_text("5")

    # Delete a synced entry: gone from the list at once, queued as a delete.
    page.locator(f"[data-entry-id='{to_delete['id']}']").get_by_role("link", name="Edit").click()
    page.get_by_role("button", name="Delete this entry").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete entry").click()
    expect(page).to_have_url(f"{live_server.url}/history")
    expect(page.locator(f"[data-entry-id='{to_delete['id']}']")).to_be_hidden()
    wait_status(page, "offline", 3)
    assert len(server.entries()) == 2  # nothing reached the server yet

    # Back online: the `online` event flushes.
    page.context.set_offline(False)
    wait_status(page, "synced", 0)
    expect(page.locator("[data-outbox-panel]")).to_be_hidden()
    entries = server.entries()
    assert set(entries) - {to_edit["id"]} and to_delete["id"] not in entries
    new = [e for e in entries.values() if e["id"] != to_edit["id"]]
    assert len(new) == 1
    assert (new[0]["leg_pain"], new[0]["back_pain"], new[0]["version"]) == (7, 3, 1)
    edited = entries[to_edit["id"]]
    assert (edited["leg_pain"], edited["note"], edited["version"]) == (5, "edit me", 2)
    assert server.entry(to_delete["id"]) is None
    assert rows_in_database(live_server, to_delete["id"]) == 1  # a tombstone, for other devices
    assert rows_in_database(live_server, mistake_id) == 0  # never sent at all
    assert len(server.entries()) == 2
    # The created entry now shows in the list as synced, once.
    expect(page.locator(f"[data-entry-id='{new[0]['id']}']")).to_have_count(1)
    assert_no_axe_violations(page)


# ---- a flush that fails half-way --------------------------------------------------------


def test_a_lost_answer_and_a_server_restart_lose_nothing_and_duplicate_nothing(
    patient_page, live_server
):
    page, user, server = patient_page()
    page.context.set_offline(True)
    for leg in (1, 2, 3):
        log_entry(page, leg)
    wait_status(page, "offline", 3)

    # The server applies the first batch but its answer never arrives. (The context's route
    # also sees the worker's requests: Background Sync may be the one that flushes.)
    seen = lose_the_first_sync_answer(page.context)
    page.context.set_offline(False)
    poll(page, "1", lambda _: seen["lost"] == 1)
    assert len(server.entries()) == 3  # applied, though the phone was not told
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_status(page, "synced", 0)  # sent again: answered as duplicates
    assert seen["sent"] >= 2

    # Offline again: one more entry, then the server goes down and comes back.
    page.context.set_offline(True)
    log_entry(page, 4)
    live_server.stop()
    page.context.set_offline(False)
    wait_status(page, "pending", 1)  # the flush failed: kept, not lost
    live_server.start()
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_status(page, "synced", 0)
    page.context.unroute("**/api/v1/sync")

    entries = server.entries()
    assert sorted(e["leg_pain"] for e in entries.values()) == [1, 2, 3, 4]
    assert {e["version"] for e in entries.values()} == {1}


# ---- two devices, one entry ----------------------------------------------------------------


def test_a_conflict_is_shown_and_both_versions_survive_until_the_patient_chooses(
    patient_page, browser, live_server
):
    phone, user, server = patient_page()
    first = server.create(4, note="shared")
    second = server.create(5, note="also shared")
    tablet, _, _ = patient_page(user=user)
    for page in (phone, tablet):
        page.goto(live_server.url + "/history")
        flushed(page)
        wait_status(page, "synced", 0)
        page.context.set_offline(True)

    def edit_leg(page, entry_id, leg):
        page.locator(f"[data-entry-id='{entry_id}']").get_by_role("link", name="Edit").click()
        set_leg(page, leg)
        page.get_by_role("button", name="Save changes").click()
        expect(page).to_have_url(f"{live_server.url}/history#entry-{entry_id}")

    edit_leg(phone, first["id"], 7)
    edit_leg(phone, second["id"], 8)
    edit_leg(tablet, first["id"], 2)
    edit_leg(tablet, second["id"], 1)

    phone.context.set_offline(False)
    wait_status(phone, "synced", 0)
    tablet.context.set_offline(False)
    wait_status(tablet, "conflict", 2)
    expect(tablet.locator(".site-header [data-sync-text]")).to_have_text(
        "2 changes need your choice"
    )
    # The server kept the phone's versions; the tablet keeps its own, side by side.
    assert server.entry(first["id"])["leg_pain"] == 7
    tablet.reload()
    wait_status(tablet, "conflict", 2)
    item = tablet.locator(f"[data-outbox-id='{first['id']}']")
    expect(item.locator(".conflict-version")).to_have_count(2)
    expect(item.locator(".conflict-version").nth(0)).to_contain_text("2")
    expect(item.locator(".conflict-version").nth(1)).to_contain_text("7")
    assert_no_axe_violations(tablet)

    item.get_by_role("button", name="Keep mine").click()
    other = tablet.locator(f"[data-outbox-id='{second['id']}']")
    other.get_by_role("button", name="Keep the other version").click()
    wait_status(tablet, "synced", 0)
    mine, theirs = server.entry(first["id"]), server.entry(second["id"])
    assert (mine["leg_pain"], mine["version"]) == (2, 3)
    assert (theirs["leg_pain"], theirs["version"]) == (8, 2)
    card = tablet.locator(f"[data-entry-id='{second['id']}']")
    expect(card.locator(".chip").first).to_contain_text("8")


# ---- sessions and accounts -------------------------------------------------------------------


KEPT = """async () => {
    const { Outbox } = await import('/static/js/outbox.js');
    const box = await Outbox.open(document.body.dataset.userId);
    const kept = [(await box.rows('entry')).length, (await box.records()).length,
                  (await box.getMeta('cursor')) ?? null];
    box.close();
    return kept;
}"""


def test_a_session_that_ended_offline_keeps_the_outbox_until_sign_in(patient_page, live_server):
    page, user, server = patient_page()
    log_entry(page, 2, note="synced before")
    wait_status(page, "synced", 0)
    assert page.evaluate(KEPT)[:2] == [1, 0]  # this phone's copy of the diary
    page.context.set_offline(True)
    log_entry(page, 6)
    page.context.clear_cookies()  # the session expires while offline
    page.context.set_offline(False)
    wait_status(page, "signin", 1)
    expect(page.locator(".site-header [data-sync-text]")).to_have_text("Sign in to sync")
    assert [e["leg_pain"] for e in server.entries().values()] == [2]
    # The session is over: the diary this phone pulled goes (a lost phone signed out from
    # elsewhere must not keep it readable); the change not sent yet stays for the sign-in.
    poll(page, KEPT, lambda kept: kept == [0, 1, None])
    # Signing out now would delete it: the question says why it was not sent, and keeps it.
    page.get_by_role("button", name="Sign out").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Your session ended, so it could not be sent")
    dialog.get_by_role("button", name="Keep them").click()
    wait_status(page, "signin", 1)

    page.get_by_role("alert").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password").fill(user["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server.url + "/today")
    wait_status(page, "synced", 0)
    assert sorted(e["leg_pain"] for e in server.entries().values()) == [2, 6]
    # Signed in again, the phone pulls the diary from the start: both entries, once each.
    poll(page, KEPT, lambda kept: kept[:2] == [2, 0] and kept[2] is not None)


def test_another_user_on_the_same_phone_never_sees_or_sends_the_first_users_outbox(
    patient_page, live_server, new_user, playwright
):
    page, alice, alice_server = patient_page()
    page.context.set_offline(True)
    log_entry(page, 9, note="alice's")
    wait_status(page, "offline", 1)
    page.context.clear_cookies()
    page.context.set_offline(False)

    bob = new_user()
    page.goto(live_server.url + "/signin")
    bob["id"] = register_via_api(page, live_server.url, bob)["id"]
    page.goto(live_server.url + "/history")
    wait_status(page, "synced", 0)
    expect(page.locator("[data-outbox-panel]")).to_be_hidden()
    expect(page.get_by_text("alice's")).to_have_count(0)
    bob_server = Server(playwright, live_server.url, bob)
    assert bob_server.entries() == {} and alice_server.entries() == {}

    # Bob logs an entry and signs out; his data leaves the phone with him.
    page.goto(live_server.url + "/today")
    log_entry(page, 1, note="bob's")
    wait_status(page, "synced", 0)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert "diary-pages-" + str(bob["id"]) not in page.evaluate("caches.keys()")

    # Alice signs in again: her entry goes to her account only, and Bob's is not shown.
    sign_in(page, live_server, alice, "/history")
    wait_status(page, "synced", 0)
    assert [e["note"] for e in alice_server.entries().values()] == ["alice's"]
    assert [e["note"] for e in bob_server.entries().values()] == ["bob's"]
    expect(page.get_by_text("bob's")).to_have_count(0)
    bob_server.close()


def test_signing_out_with_unsent_changes_asks_first_then_clears_them(patient_page, live_server):
    page, user, server = patient_page()
    page.context.set_offline(True)
    log_entry(page, 3)
    wait_status(page, "offline", 1)
    # Offline, the server cannot end the session: nothing is deleted.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("dialog").get_by_role("button", name="OK").click()
    wait_status(page, "offline", 1)

    page.context.route("**/api/v1/sync", lambda route: route.abort())  # still cannot send
    page.context.set_offline(False)
    page.get_by_role("button", name="Sign out").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("1 change is only on this phone")
    dialog.get_by_role("button", name="Stay signed in").click()
    wait_status(page, "pending", 1)
    # The focus comes back to the button that asked, not to the page.
    expect(page.get_by_role("button", name="Sign out")).to_be_focused()

    # The server out of reach when the sign-out is sent: the session would stay open on
    # the server, so nothing is deleted on the phone either.
    page.context.route("**/signout", lambda route: route.abort("connectionrefused"))
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("dialog").get_by_role("button", name="Sign out and delete them").click()
    expect(page.get_by_role("dialog")).to_contain_text("Signing out needs a connection.")
    page.get_by_role("dialog").get_by_role("button", name="OK").click()
    wait_status(page, "pending", 1)
    assert page.request.get(live_server.url + "/api/v1/session").json()["user"] is not None
    page.context.unroute("**/signout")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("dialog").get_by_role("button", name="Sign out and delete them").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.request.get(live_server.url + "/api/v1/session").json()["user"] is None
    names = page.evaluate("indexedDB.databases().then((dbs) => dbs.map((d) => d.name))")
    assert f"diary-user-{user['id']}" not in names
    assert f"diary-pages-{user['id']}" not in page.evaluate("caches.keys()")
    page.context.unroute("**/api/v1/sync")
    assert server.entries() == {}
    assert server.api.get("/api/v1/session").json()["user"] is not None  # its own session


# What Chromium throws when its IndexedDB backing store is broken.
BROKEN_STORAGE = """indexedDB.open = () => {
    throw new DOMException('Internal error opening backing store', 'UnknownError');
};"""


def test_a_phone_whose_storage_is_broken_keeps_the_entry_typed_offline(
    browser, live_server, new_user
):
    """The browser cannot open the phone's database (a broken profile, storage refused):
    nothing can wait in an outbox. Offline, Save must say so and keep what was typed,
    not post into the browser's error page; signing out must still work."""
    context = browser.new_context(**PHONE)
    context.add_init_script(BROKEN_STORAGE)
    page = context.new_page()
    user = new_user()
    register_via_api(page, live_server.url, user)
    page.goto(live_server.url + "/today")
    expect(page.locator('body[data-sync-status="unavailable"]')).to_be_attached()
    poll(page, "navigator.serviceWorker.ready.then((r) => r.active.state === 'activated')")
    page.context.set_offline(True)
    page.locator("label[for='leg_pain-7']").click()
    page.get_by_role("button", name="Save", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("This phone cannot keep changes for later")
    dialog.get_by_role("button", name="OK").click()
    expect(page).to_have_url(live_server.url + "/today")
    expect(page.locator("#leg_pain-7")).to_be_checked()  # still there, to save online

    # Back online, Save posts the form as without JavaScript.
    page.context.set_offline(False)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved")).to_be_visible()
    entries = page.request.get(live_server.url + "/api/v1/entries").json()["entries"]
    assert [e["leg_pain"] for e in entries] == [7]
    # Nothing can be waiting on this phone: signing out needs no question.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.request.get(live_server.url + "/api/v1/session").json()["user"] is None
    context.close()


def test_the_sync_state_is_said_again_only_when_its_words_change(patient_page):
    """The header's sync state is a live region: each write is read out. One save used to
    write "All synced" three times over."""
    page, user, server = patient_page()
    page.evaluate(
        """() => {
            window.said = [];
            const node = document.querySelector('.site-header [data-sync-state]');
            // What is shown, as a screen reader reads it (the hidden count left out).
            const read = () => node.innerText.replace(/\\s+/g, ' ').trim();
            new MutationObserver(() => window.said.push(read())).observe(
                node, { subtree: true, childList: true, characterData: true });
        }"""
    )
    log_entry(page, 4)
    wait_status(page, "synced", 0)
    said = page.evaluate("window.said")
    assert said and said[-1] == "All synced", said
    assert all(a != b for a, b in zip(said, said[1:], strict=False)), said


def test_storage_cleared_while_a_page_is_open_does_not_stop_saving(patient_page, live_server):
    """The site's storage cleared under an open page (the browser's settings, storage
    pressure): Chromium closes the page's database connection without asking. The next Save
    opens a new one rather than failing on the closed one until the page is reloaded."""
    page, user, server = patient_page()
    devtools = page.context.new_cdp_session(page)
    devtools.send(
        "Storage.clearDataForOrigin", {"origin": live_server.url, "storageTypes": "indexeddb"}
    )
    log_entry(page, 5)
    wait_status(page, "synced", 0)
    assert [e["leg_pain"] for e in server.entries().values()] == [5]


# ---- limits and deploys -----------------------------------------------------------------------

QUEUE = """async ([count, note]) => {
    const DAY = '2025-06-01';
    const { Outbox } = await import('/static/js/outbox.js');
    const box = await Outbox.open(document.body.dataset.userId);
    const save = (i) => box.save('entry', crypto.randomUUID(), {day: DAY, leg_pain: i % 11, note});
    await Promise.all([...Array(count).keys()].map(save));
    box.close();
}"""


def test_a_large_outbox_is_sent_in_batches_under_both_limits(patient_page):
    page, user, server = patient_page()
    batches = []

    def measure(route):
        body = route.request.post_data
        batches.append((len(json.loads(body)["changes"]), len(body.encode())))
        route.continue_()

    page.context.route("**/api/v1/sync", measure)
    page.context.set_offline(True)
    page.evaluate(QUEUE, [1001, "short"])  # over the count limit
    page.evaluate(QUEUE, [950, "x" * 2000])  # over 2 MB on their own
    page.context.set_offline(False)
    wait_status(page, "synced", 0, timeout=30)
    sent = [b for b in batches if b[0]]
    assert sum(n for n, _ in sent) == 1951
    assert all(n <= 1000 and size < 2 * 1024 * 1024 for n, size in sent), sent
    assert len(sent) >= 3
    listed = server.api.get("/api/v1/entries?limit=5000").json()["entries"]
    assert len(listed) == 1951 and {e["version"] for e in listed} == {1}


def test_a_new_deploy_offers_a_reload_and_replaces_the_old_shell(patient_page, live_server):
    page, _, _ = patient_page()
    old = [k for k in page.evaluate("caches.keys()") if k.startswith("diary-shell-")]
    config = live_server.instance_path / "config.py"
    config.write_text(config.read_text() + f"\nPWA_VERSION_SALT = {str(time.time_ns())!r}\n")
    live_server.restart()  # the next deploy: every file the same, a new version
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    prompt = page.locator("[data-update-prompt]")
    expect(prompt).to_contain_text("New version available")
    assert_no_axe_violations(page)
    prompt.get_by_role("button", name="Reload").click()
    expect(prompt).to_have_count(0)  # the page reloaded under the new worker
    shells = poll(
        page,
        "caches.keys().then((keys) => keys.filter((k) => k.startsWith('diary-shell-')))",
        lambda keys: len(keys) == 1 and keys != old,
    )
    assert shells != old


def test_the_flush_runs_in_a_worker_off_the_pages_main_thread(patient_page, live_server):
    page, user, server = patient_page()
    # A dedicated worker (static/js/sync-worker.js) does the flushing; the page only asks.
    with page.expect_worker(lambda w: w.url.endswith("/js/sync-worker.js")):
        page.reload()
    flushed(page)
    # The worker sent what the page queued, and the page learnt the outcome.
    log_entry(page, 3, back=2)
    wait_status(page, "synced", 0)
    assert any(e["leg_pain"] == 3 for e in server.entries().values())


JOIN_A_FAILING_FLUSH = """async () => {
    const { Outbox } = await import('/static/js/outbox.js');
    const { flush } = await import('/static/js/sync.js');
    const userId = document.body.dataset.userId;
    const box = await Outbox.open(userId);
    await box.save('entry', crypto.randomUUID(), {day: '2025-06-01', leg_pain: 6});
    let posts = 0;
    let reached, release;
    const atServer = new Promise((resolve) => { reached = resolve; });
    const lost = new Promise((resolve) => { release = resolve; });
    // The first batch reaches the server, which keeps it; its answer never comes back.
    const fetchImpl = async (url, init) => {
        const response = await fetch(url, init);
        if (String(url).endsWith('/api/v1/sync') && ++posts === 1) {
            reached();
            await lost;
            throw new TypeError('Failed to fetch');
        }
        return response;
    };
    const first = flush(userId, { fetchImpl });
    await atServer;
    // Meanwhile the patient logs another day (or the phone says it is online again).
    await box.save('entry', crypto.randomUUID(), {day: '2025-06-02', leg_pain: 3});
    const second = flush(userId, { fetchImpl });
    release();
    const outcomes = await Promise.all([first, second]);
    const counts = await box.counts();
    box.close();
    return { posts, outcomes: outcomes.map((o) => [o.ok, o.reason]), pending: counts.pending };
}"""


# Records the header's sync state at the moment the Today form folds (its "saved").
HEADER_WHEN_THE_FORM_FOLDS = """() => {
    const fold = document.querySelector('[data-another-entry]');
    new MutationObserver((_, observer) => {
        if (fold.open) return;
        observer.disconnect();
        const { syncStatus, unsynced } = document.body.dataset;
        window.headerWhenFolded = [syncStatus, unsynced];
    }).observe(fold, { attributes: true, attributeFilter: ['open'] });
}"""


def test_the_header_counts_a_saved_entry_before_the_form_says_saved(patient_page):
    """A patient who reads "Saved on this phone" must not see "All synced" beside it: the
    header counts the entry before the form folds, and only then is it sent."""
    page, user, server = patient_page()
    open_the_form(page)
    wait_status(page, "synced", 0)
    page.evaluate(HEADER_WHEN_THE_FORM_FOLDS)
    log_entry(page, 5, note="counted")
    assert page.evaluate("window.headerWhenFolded") == ["pending", "1"]
    # ...and the header's "All synced" that follows means the server has it.
    wait_status(page, "synced", 0)
    assert [e["note"] for e in server.entries().values()] == ["counted"]


def test_a_send_asked_for_while_a_flush_loses_its_answer_still_happens(patient_page):
    page, user, server = patient_page()
    done = page.evaluate(JOIN_A_FAILING_FLUSH)
    # The joined call did not inherit the lost answer: the flush ran again and sent both.
    assert done == {"posts": 2, "outcomes": [[True, None], [True, None]], "pending": 0}
    held = sorted((e["day"], e["leg_pain"], e["version"]) for e in server.entries().values())
    assert held == [("2025-06-01", 6, 1), ("2025-06-02", 3, 1)]


# ---- History and this phone's copy of the diary ---------------------------------------------


def this_phone_has(object_id, kind="entry"):
    """Whether this phone's store holds the row as synced and not deleted (a script)."""
    return f"""(async () => {{
        const {{ Outbox }} = await import('/static/js/outbox.js');
        const box = await Outbox.open(document.body.dataset.userId);
        const rows = await box.rows('{kind}');
        box.close();
        return rows.some((r) => r.id === '{object_id}' && !r.deleted);
    }})()"""


def pull(page, object_id, kind="entry"):
    """Let the phone pull what changed elsewhere, until it holds the row."""
    page.evaluate("window.dispatchEvent(new Event('online'))")
    poll(page, this_phone_has(object_id, kind))


def test_history_does_not_bring_back_an_entry_deleted_on_another_device(patient_page, live_server):
    page, user, server = patient_page()
    entry = server.create(5, note="deleted elsewhere")
    pull(page, entry["id"])
    # Another device deletes it; this phone cannot pull the news before History opens.
    deleted = server.api.delete(
        f"/api/v1/entries/{entry['id']}", headers={"X-CSRFToken": server.token}
    )
    assert deleted.status == 204
    page.context.route("**/api/v1/sync", lambda route: route.abort("internetdisconnected"))
    page.goto(live_server.url + "/history")
    expect(page.locator("[data-history][data-reconciled]")).to_be_attached()
    # The page is newer than this phone's copy: it knows best, the copy is not shown.
    expect(page.locator(f'[data-entry-id="{entry["id"]}"]')).to_have_count(0)
    assert page.evaluate(this_phone_has(entry["id"]))  # the copy was there to show
    expect(page.locator(".empty-state")).to_be_visible()


def test_today_does_not_bring_back_an_entry_deleted_on_another_device(patient_page, live_server):
    page, user, server = patient_page()
    today = datetime.now(UTC).date().isoformat()  # the test patients live in UTC
    entry = server.create(5, day=today)
    pull(page, entry["id"])
    deleted = server.api.delete(
        f"/api/v1/entries/{entry['id']}", headers={"X-CSRFToken": server.token}
    )
    assert deleted.status == 204
    page.context.route("**/api/v1/sync", lambda route: route.abort("internetdisconnected"))
    page.reload()
    expect(page.locator("[data-logged-today][data-reconciled]")).to_be_attached()
    expect(page.locator(f'[data-entry-id="{entry["id"]}"]')).to_have_count(0)
    assert page.evaluate(this_phone_has(entry["id"]))  # the copy was there to show
    expect(page.get_by_role("heading", name="How is your pain today?")).to_be_visible()


def test_a_history_page_kept_from_before_shows_what_the_phone_pulled_since(
    patient_page, live_server
):
    page, user, server = patient_page()  # History is kept for offline use, empty
    entry = server.create(6, note="logged on the laptop")
    pull(page, entry["id"])
    page.context.set_offline(True)
    page.goto(live_server.url + "/history")  # the page kept before the entry existed
    card = page.locator(f'[data-entry-id="{entry["id"]}"]')
    expect(card).to_be_visible()
    expect(card).to_contain_text("Leg pain 6")


def test_a_today_page_kept_from_before_shows_todays_entries_pulled_since(patient_page, live_server):
    page, user, server = patient_page()  # Today is kept for offline use, nothing logged
    today = datetime.now(UTC).date().isoformat()  # the test patients live in UTC
    entry = server.create(7, day=today)
    pull(page, entry["id"])
    page.context.set_offline(True)
    page.reload()  # the page kept before the entry existed
    logged = page.get_by_role("region", name="Entries logged today")
    expect(logged.locator(f'[data-entry-id="{entry["id"]}"]')).to_contain_text("Leg pain 7")


# What another device adds, and where this phone lists it.
ELSEWHERE = {
    "therapy": ("/api/v1/therapies", {"kind": "physiotherapy", "start_day": "2025-05-01"}),
    "medication": (
        "/api/v1/medications",
        {"name": "Ibuprofen", "schedule": "as_needed", "start_day": "2025-01-01"},
    ),
    "response": (
        "/api/v1/responses",
        {"questionnaire": "odi", "day": "2025-06-01", "answers": {"total": 46}},
    ),
}
LISTED_ON = {
    "therapy": ("/therapies/", "[data-therapy-list]"),
    "medication": ("/medications/", "[data-medication-list]"),
    "response": ("/questionnaires/", "[data-response-list]"),
}


@pytest.mark.parametrize("kind", ["therapy", "medication", "response"])
def test_a_list_does_not_bring_back_what_another_device_deleted(patient_page, live_server, kind):
    page, user, server = patient_page()
    path, body = ELSEWHERE[kind]
    made = server.api.post(path, data=body, headers={"X-CSRFToken": server.token})
    assert made.status == 201, made.text()
    row = made.json()
    pull(page, row["id"], kind)
    gone = server.api.delete(f"{path}/{row['id']}", headers={"X-CSRFToken": server.token})
    assert gone.status == 204
    page.context.route("**/api/v1/sync", lambda route: route.abort("internetdisconnected"))
    where, listing = LISTED_ON[kind]
    page.goto(live_server.url + where)
    expect(page.locator(f"{listing}[data-rendered]")).to_be_attached()
    expect(page.locator(f'[data-{kind}-id="{row["id"]}"]')).to_have_count(0)
    assert page.evaluate(this_phone_has(row["id"], kind))  # the copy was there to show
