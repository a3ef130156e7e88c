"""What the phone does with the server's answers to its outbox: an answer that never
arrived, and a request the server refused whole (DESIGN.md section 4).

The line to the server is cut for ``POST /api/v1/sync`` alone, with a route on the whole
browser context, so the flushes of the page's worker and of the service worker are caught
too. The server's view is read through the JSON API of its own session.
"""

import json
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    edit_leg,
    flush_now,
    flushed,
    phone_row,
    poll,
    wait_status,
)


class SyncLine:
    """The phone's line to ``POST /api/v1/sync``: ``open``; ``down`` (every request fails);
    ``lose`` (the next request reaches the server and is applied, its answer is lost, and
    the line is down after it)."""

    def __init__(self, context, state="open"):
        self.state = state
        self.lost = 0
        self.changes = []  # every change the phone tried to send, in order
        context.route("**/api/v1/sync", self.handle)

    def sent_for(self, object_id):
        """What the phone tried to send for ``object_id``: (base_version, leg_pain) each."""
        return [
            (c["base_version"], (c["data"] or {}).get("leg_pain"))
            for c in self.changes
            if c["id"] == object_id
        ]

    def handle(self, route):
        self.changes += json.loads(route.request.post_data or "{}").get("changes", [])
        if self.state == "lose":
            route.fetch()  # the server gets it and commits
            route.abort("connectionreset")
            self.lost += 1
            self.state = "down"
        elif self.state == "down":
            route.abort("connectionreset")
        else:
            route.continue_()


def synced_entry(page, server, base_url, leg, note):
    """An entry made on another device (version 1), which this phone has pulled."""
    entry = server.create(leg, note=note)
    page.goto(base_url + "/history")
    flushed(page)
    wait_status(page, "synced", 0)
    return entry


def send_and_lose_the_answer(page, line, server, entry_id):
    """The phone's next flush reaches the server, which applies it, and its answer is lost;
    returns the entry as the server then holds it: (leg pain, version)."""
    line.state = "lose"
    flush_now(page)
    poll(page, "1", lambda _: line.lost == 1)
    held = server.entry(entry_id)
    return held["leg_pain"], held["version"]


# ---- an answer lost, then an edit made before it is known ------------------------------------


@pytest.mark.parametrize("choice", ["Keep the other version", "Keep mine"])
def test_a_lost_answer_to_a_conflict_and_a_later_edit_never_overwrite_the_other_device(
    patient_page, live_server, choice
):
    page, user, server = patient_page()
    entry = synced_entry(page, server, live_server.url, 4, "shared")

    # The phone changes the leg pain to 7 while it cannot send.
    line = SyncLine(page.context, "down")
    edit_leg(page, live_server.url, entry["id"], 7)
    # Meanwhile another device changes it to 3: version 2.
    r = server.api.put(
        f"/api/v1/entries/{entry['id']}",
        data={"day": "2025-06-01", "leg_pain": 3, "note": "shared", "base_version": 1},
        headers={"X-CSRFToken": server.token},
    )
    assert r.ok and r.json()["version"] == 2, r.text()

    # The phone's change reaches the server, which answers "conflict"; the answer is lost.
    assert send_and_lose_the_answer(page, line, server, entry["id"]) == (3, 2)

    # Not knowing, the patient changes it again, to 9; then the line comes back.
    edit_leg(page, live_server.url, entry["id"], 9)
    line.state = "open"
    flush_now(page)
    wait_status(page, "conflict", 1)

    # The other device's version is still the server's until the patient chooses: the
    # phone only ever sent its unanswered change, never the 9 on a version it guessed.
    held = server.entry(entry["id"])
    assert (held["leg_pain"], held["version"]) == (3, 2)
    assert set(line.sent_for(entry["id"])) == {(1, 7)}
    item = page.locator(f"[data-outbox-id='{entry['id']}']")
    expect(item.locator(".conflict-version")).to_have_count(2)
    expect(item.locator(".conflict-version").nth(0)).to_contain_text("9")
    expect(item.locator(".conflict-version").nth(1)).to_contain_text("3")

    item.get_by_role("button", name=choice).click()
    wait_status(page, "synced", 0)
    held = server.entry(entry["id"])
    expected = (3, 2) if choice == "Keep the other version" else (9, 3)
    assert (held["leg_pain"], held["version"]) == expected
    # The phone holds what the server holds, and History shows it.
    assert phone_row(page, entry["id"]) == [*expected]
    card = page.locator(f"[data-entry-id='{entry['id']}']")
    expect(card.locator(".chip").first).to_contain_text(str(expected[0]))


def test_an_edit_made_while_an_applied_changes_answer_was_lost_goes_in_the_same_flush(
    patient_page, live_server
):
    page, user, server = patient_page()
    entry = synced_entry(page, server, live_server.url, 4, "mine alone")

    # The change to 7 is applied (version 2), but the phone never hears so.
    line = SyncLine(page.context, "down")
    edit_leg(page, live_server.url, entry["id"], 7)
    assert send_and_lose_the_answer(page, line, server, entry["id"]) == (7, 2)

    # The patient changes it again; once the line is back, one flush sends the first change
    # again (a duplicate, version 2) and then the newer one on top of it.
    edit_leg(page, live_server.url, entry["id"], 9)
    flushed(page)
    wait_status(page, "pending", 1)
    line.state = "open"
    flush_now(page)  # nothing else asks for a flush after this one
    wait_status(page, "synced", 0)
    held = server.entry(entry["id"])
    assert (held["leg_pain"], held["version"]) == (9, 3)
    assert phone_row(page, entry["id"]) == [9, 3]


# ---- a request refused whole ---------------------------------------------------------------------

QUEUE = """async ([items, brokenId]) => {
    const { Outbox } = await import('/static/js/outbox.js');
    const box = await Outbox.open(document.body.dataset.userId);
    for (const [id, data] of items) {
        // A note cut in the middle of an emoji: half of a UTF-16 pair, which is not text.
        if (id === brokenId) data.note = 'pain ' + String.fromCharCode(0xd83d);
        await box.save('entry', id, data);
    }
    box.close();
}"""


def test_one_record_the_server_cannot_read_is_refused_alone_and_the_others_sync(
    patient_page, live_server
):
    page, user, server = patient_page()
    before, broken, after = (str(uuid.uuid4()) for _ in range(3))
    # The server refuses a whole request holding a note that is not valid text (400
    # bad_json), whatever else is in it.
    items = [
        [before, {"day": "2025-06-02", "leg_pain": 5}],
        [broken, {"day": "2025-06-03", "leg_pain": 7}],
        [after, {"day": "2025-06-04", "leg_pain": 8}],
    ]
    page.evaluate(QUEUE, [items, broken])
    page.goto(live_server.url + "/history")
    wait_status(page, "conflict", 1)  # the broken one waits for the patient; the rest went
    assert sorted(e["leg_pain"] for e in server.entries().values()) == [5, 8]

    item = page.locator(f"[data-outbox-id='{broken}']")
    expect(item).to_have_attribute("data-state", "rejected")
    expect(item).to_contain_text("The server did not accept it")
    expect(item.get_by_role("link", name="Fix it")).to_be_visible()
    item.get_by_role("button", name="Discard this change").click()
    wait_status(page, "synced", 0)
    assert sorted(e["leg_pain"] for e in server.entries().values()) == [5, 8]
