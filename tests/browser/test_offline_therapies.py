"""Therapies offline in a real Chromium against the live server (DESIGN.md section 4).

Therapies go through the outbox like entries: recorded, edited and deleted with the network
really cut, shown at once in the list with their state, and held by the server exactly once
when the phone is back (a therapy's ``version`` counts the changes applied).
"""

import json
import re

from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_no_axe_violations,
    lose_the_first_sync_answer,
    poll,
    scripted,
    wait_status,
)

PHYSIO = {"kind": "physiotherapy", "label": "Physio", "start_day": "2025-03-03"}
BLOCK = {"kind": "nerve_block", "label": "Nerve block", "start_day": "2025-02-01"}
EPIDURAL = {"kind": "epidural_steroid", "label": "Epidural", "start_day": "2025-01-20"}
NEW_ID = re.compile(r"/therapies/#therapy-([0-9a-f-]{36})$")


def held_by_server(page, base_url):
    """The server's therapies, asked with the page's own cookies."""
    response = page.request.get(base_url + "/api/v1/therapies")
    assert response.ok, response.text()
    return {t["id"]: t for t in response.json()["therapies"]}


def open_list(page, live_server, user, *also_offline):
    """The therapy list, online, once it shows IndexedDB and the worker keeps ``also_offline``."""
    page.goto(live_server.url + "/therapies/")
    poll(page, "Number(document.querySelector('[data-therapy-list]')?.dataset.rendered || 0)")
    paths = json.dumps(["/therapies/", *also_offline])
    poll(
        page,
        f"""caches.open('diary-pages-{user["id"]}').then(async (c) =>
            (await Promise.all({paths}.map((p) => c.match(p)))).every(Boolean))""",
    )


def card(page, therapy_id):
    return page.locator(f"[data-therapy-id='{therapy_id}']")


def form_ready(page):
    scripted(page, "[data-therapy-form]")


def record(page, kind_words, label, start_day):
    """Add a therapy through the list, the kind chooser and the form; return its new id."""
    page.get_by_role("link", name="Add a therapy").click()
    page.get_by_role("link", name=kind_words).click()
    form_ready(page)
    page.get_by_label("Name (optional)").fill(label)
    page.get_by_label("Start day").fill(start_day)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(NEW_ID)
    return NEW_ID.search(page.url).group(1)


def edit(page, therapy_id):
    card(page, therapy_id).get_by_role("link", name="Edit").click()
    form_ready(page)


def back_on_the_list(page, live_server, fragment=""):
    """The form went back to the list, and the list shows this phone's changes."""
    expect(page).to_have_url(f"{live_server.url}/therapies/{fragment}")
    poll(page, "Number(document.querySelector('[data-therapy-list]')?.dataset.rendered || 0)")


def save_edit(page, live_server, therapy_id):
    page.get_by_role("button", name="Save", exact=True).click()
    back_on_the_list(page, live_server, f"#therapy-{therapy_id}")


def test_therapies_recorded_edited_and_deleted_offline_reach_the_server_once(
    patient_page, live_server
):
    page, user, server = patient_page()
    physio = server.create_therapy(**PHYSIO)
    block = server.create_therapy(**BLOCK)
    open_list(
        page,
        live_server,
        user,
        "/therapies/new",
        "/therapies/new?kind=prp_injection",
        f"/therapies/{physio['id']}/edit",
        f"/therapies/{block['id']}/edit",
    )
    page.context.set_offline(True)
    page.reload()  # the list from the worker's cache, reconciled with IndexedDB
    expect(card(page, physio["id"])).to_contain_text("from 3 Mar 2025, ongoing")

    # A new therapy: in the list at once, saved on this phone.
    new_id = record(page, "PRP injection", "PRP at L5-S1", "2025-04-01")
    new = card(page, new_id)
    expect(new).to_contain_text("PRP at L5-S1")
    expect(new).to_contain_text("PRP injection, on 1 Apr 2025")
    expect(new.locator("[data-sync-badge]")).to_have_text("Saved on this phone")

    # An edit of a synced therapy, on its edit page from the cache.
    edit(page, physio["id"])
    page.get_by_label("Name (optional)").fill("Physio, twice a week")
    page.get_by_label("End day (optional)").fill("2025-05-30")
    save_edit(page, live_server, physio["id"])
    edited = card(page, physio["id"])
    expect(edited).to_contain_text("Physio, twice a week")
    expect(edited).to_contain_text("from 3 Mar 2025 to 30 May 2025")
    expect(edited.locator("[data-sync-badge]")).to_have_text("Saved on this phone")

    # A delete, asked first in a dialog: gone from the list at once.
    edit(page, block["id"])
    page.get_by_role("link", name="Delete this therapy").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete therapy").click()
    back_on_the_list(page, live_server)
    expect(card(page, block["id"])).to_be_hidden()
    expect(page.get_by_role("status").filter(has_text="Deleted: Nerve block.")).to_be_visible()
    wait_status(page, "offline", 3)
    expect(page.locator("[data-outbox-panel] [data-outbox-id]")).to_have_count(3)
    assert set(server.therapies()) == {physio["id"], block["id"]}  # nothing sent yet

    # Back online: the `online` event flushes; each card says so.
    page.context.set_offline(False)
    wait_status(page, "synced", 0)
    expect(new.locator("[data-sync-badge]")).to_have_text("Synced")
    expect(edited.locator("[data-sync-badge]")).to_have_text("Synced")
    expect(page.locator("[data-outbox-panel]")).to_be_hidden()
    held = held_by_server(page, live_server.url)
    assert set(held) == {physio["id"], new_id}
    fields = ("kind", "label", "start_day", "end_day", "version")
    assert [held[new_id][f] for f in fields] == [
        "prp_injection",
        "PRP at L5-S1",
        "2025-04-01",
        None,
        1,
    ]
    assert [held[physio["id"]][f] for f in fields] == [
        "physiotherapy",
        "Physio, twice a week",
        "2025-03-03",
        "2025-05-30",
        2,
    ]
    page.reload()  # the server's own page now lists the same, once
    expect(page.locator("[data-therapy-id]")).to_have_count(2)
    assert_no_axe_violations(page)


def test_a_lost_answer_does_not_record_a_therapy_twice(patient_page, live_server):
    page, user, _ = patient_page()
    open_list(page, live_server, user, "/therapies/new", "/therapies/new?kind=surgery")
    page.context.set_offline(True)
    new_id = record(page, "Surgery", "Microdiscectomy", "2025-02-10")
    badge = card(page, new_id).locator("[data-sync-badge]")
    expect(badge).to_have_text("Saved on this phone")

    # The server applies the change but its answer never arrives (the route also sees the
    # worker's requests: Background Sync may be the one that flushes).
    seen = lose_the_first_sync_answer(page.context)
    page.context.set_offline(False)
    poll(page, "1", lambda _: seen["lost"] == 1)
    assert list(held_by_server(page, live_server.url)) == [new_id]  # the phone was not told
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_status(page, "synced", 0)  # sent again (here or by Background Sync): a duplicate
    page.context.unroute("**/api/v1/sync")
    assert seen["sent"] >= 2
    expect(badge).to_have_text("Synced")
    held = held_by_server(page, live_server.url)
    assert list(held) == [new_id] and held[new_id]["version"] == 1


def test_conflicts_and_refusals_of_therapies_use_the_same_chooser(patient_page, live_server):
    page, user, server = patient_page()
    epidural = server.create_therapy(**EPIDURAL)
    open_list(page, live_server, user, f"/therapies/{epidural['id']}/edit")
    page.context.set_offline(True)
    edit(page, epidural["id"])
    page.get_by_label("Name (optional)").fill("Epidural, left side")
    save_edit(page, live_server, epidural["id"])
    expect(card(page, epidural["id"])).to_contain_text("Epidural, left side")
    # Meanwhile another device changes it, and a change the server will refuse waits here.
    server.update_therapy(epidural, label="Epidural at L4")
    page.evaluate(
        """async () => {
            const { Outbox } = await import('/static/js/outbox.js');
            const box = await Outbox.open(document.body.dataset.userId);
            const bad = {kind: 'magic', start_day: '2025-01-01'};
            await box.save('therapy', crypto.randomUUID(), bad);
            box.close();
        }"""
    )

    page.context.set_offline(False)
    wait_status(page, "conflict")
    page.reload()
    wait_status(page, "conflict")
    mine = page.locator(f"[data-outbox-id='{epidural['id']}']")
    expect(mine.locator(".conflict-version")).to_have_count(2)
    expect(mine.locator(".conflict-version").nth(0)).to_contain_text("Epidural, left side")
    expect(mine.locator(".conflict-version").nth(1)).to_contain_text("Epidural at L4")
    expect(card(page, epidural["id"]).locator("[data-sync-badge]")).to_have_text(
        "Needs your choice"
    )
    refused = page.locator("[data-outbox-panel] .outbox-item[data-state='rejected']")
    expect(refused).to_contain_text("The server did not accept it")
    assert_no_axe_violations(page)

    mine.get_by_role("button", name="Keep mine").click()
    refused.get_by_role("button", name="Discard this change").click()
    wait_status(page, "synced", 0)
    held = held_by_server(page, live_server.url)
    assert list(held) == [epidural["id"]]
    assert (held[epidural["id"]]["label"], held[epidural["id"]]["version"]) == (
        "Epidural, left side",
        3,
    )
