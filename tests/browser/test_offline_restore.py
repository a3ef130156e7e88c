"""A server restored from a backup copy, and a phone that synced after the copy was made
(docs/sync-protocol.md, "A restored server"; static/js/reseed.js).

The copy is taken with ``diary.db.backup`` (what ``flask backup`` does: the copy gets its
own sync epoch) and written over the live server's database with SQLite's online backup
API, as an operator's restore leaves it, without stopping the server. The phone's next sync
is refused for its cursor; it pulls everything again and sends what the copy lacks. (The
live server is the session's: a restore rewinds only what the test did since its copy,
since tests run one after another on it.)
"""

import json
import sqlite3

import pytest
from playwright.sync_api import expect

from diary.db import backup
from tests.browser.conftest import (
    edit_leg,
    flush_now,
    flushed,
    log_entry,
    phone_row,
    poll,
    rows_in_database,
    wait_status,
)


def database(live_server):
    return live_server.instance_path / "diary.sqlite3"


def restore(copy, live_server):
    """The copy in place of the live database (its sync epoch with it): the server's
    connections see the restored database at their next transaction."""
    source = sqlite3.connect(copy)
    target = sqlite3.connect(database(live_server))
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def the_entry(server, note):
    """The entry the server holds with this note: (id, leg pain, version)."""
    found = [e for e in server.entries().values() if e["note"] == note]
    assert len(found) == 1, found
    return found[0]["id"], found[0]["leg_pain"], found[0]["version"]


def synced_then_copied(page, server, live_server, tmp_path, note):
    """The phone logs an entry (leg pain 4) and syncs it, then the server's database is
    copied as ``flask backup`` does. Returns the entry's id and the copy."""
    log_entry(page, 4, note=note)
    wait_status(page, "synced", 0)
    entry_id, _, _ = the_entry(server, note)
    return entry_id, backup(database(live_server), tmp_path / "copy.sqlite3")


class Line:
    """The phone's line to ``POST /api/v1/sync``: once ``cut_pull`` is set, the first
    request pulling from the start (cursor null) is cut, and every request after it, until
    ``open``."""

    def __init__(self, context):
        self.cut_pull = False
        self.down = False
        self.requests = []  # (cursor, changes) of each request the phone made
        context.route("**/api/v1/sync", self.handle)

    def handle(self, route):
        body = json.loads(route.request.post_data or "{}")
        self.requests.append((body.get("cursor"), body.get("changes", [])))
        if self.cut_pull and body.get("cursor") is None:
            self.cut_pull, self.down = False, True
        if self.down:
            route.abort("connectionreset")
        else:
            route.continue_()

    def sent_for(self, object_id):
        """What the phone sent for ``object_id``: (base_version, leg pain) each."""
        return [
            (c["base_version"], (c["data"] or {}).get("leg_pain"))
            for _cursor, changes in self.requests
            for c in changes
            if c["id"] == object_id
        ]


RESEED_PENDING = """async () => {
    const { Outbox } = await import('/static/js/outbox.js');
    const box = await Outbox.open(document.body.dataset.userId);
    const pending = await box.getMeta('reseed');
    box.close();
    return !!pending;
}"""


def test_what_the_phone_sent_after_the_copy_is_sent_again_once_after_a_restore(
    patient_page, live_server, tmp_path
):
    page, user, server = patient_page()
    a, copy = synced_then_copied(page, server, live_server, tmp_path, "before the copy")

    # After the copy: a new entry and an edit, both acknowledged by the server.
    page.goto(live_server.url + "/today")
    log_entry(page, 6, note="after the copy")
    wait_status(page, "synced", 0)
    edit_leg(page, live_server.url, a, 7)
    wait_status(page, "synced", 0)
    b, _, _ = the_entry(server, "after the copy")
    assert phone_row(page, a) == [7, 2] and phone_row(page, b) == [6, 1]

    # The phone's next sync is refused for its cursor, and it starts pulling from the start;
    # the network goes while it pulls. Nothing is sent yet; what it knew is kept on it.
    line = Line(page.context)
    line.cut_pull = True
    restore(copy, live_server)
    assert the_entry(server, "before the copy") == (a, 4, 1)
    assert rows_in_database(live_server, b) == 0
    flush_now(page)
    poll(page, "1", lambda _: line.down)
    poll(page, RESEED_PENDING)
    assert rows_in_database(live_server, b) == 0

    # The page is closed and opened again with the network back: the pull is finished and
    # what the server lacks goes up, B as a new entry, A's edit on the restored version.
    line.down = False
    page.reload()
    flushed(page)
    wait_status(page, "synced", 0)
    assert the_entry(server, "after the copy") == (b, 6, 1)
    assert the_entry(server, "before the copy") == (a, 7, 2)
    assert len(server.entries()) == 2 and rows_in_database(live_server, b) == 1
    # (A send whose answer the reload cut goes again as it was: answered as a duplicate.)
    assert set(line.sent_for(b)) == {(None, 6)} and set(line.sent_for(a)) == {(1, 7)}
    assert not page.evaluate(RESEED_PENDING)

    # History shows both as synced; another sync sends nothing more.
    page.goto(live_server.url + "/history")
    wait_status(page, "synced", 0)
    for entry_id, leg in ((a, 7), (b, 6)):
        card = page.locator(f"[data-entry-id='{entry_id}']")
        expect(card).to_have_count(1)
        expect(card.locator(".chip").first).to_contain_text(str(leg))
    sent = len(line.requests)
    flush_now(page)
    poll(page, "1", lambda _: len(line.requests) > sent)
    wait_status(page, "synced", 0)
    assert all(changes == [] for _cursor, changes in line.requests[sent:])
    assert the_entry(server, "after the copy") == (b, 6, 1)
    page.context.unroute("**/api/v1/sync")


# The other device's change is version 2, as the restored copy numbers it: the phone's own
# version was 2 as well (the numbers meet), or 3, higher than the other device's, which was
# written later all the same.
@pytest.mark.parametrize("phone_edits", [1, 2], ids=["same version", "phone's version higher"])
def test_another_devices_change_after_the_restore_asks_the_patient(
    patient_page, live_server, tmp_path, phone_edits
):
    page, user, server = patient_page()
    a, copy = synced_then_copied(page, server, live_server, tmp_path, "shared")
    # Versions 2 (and 3) on the server, then lost with it.
    for leg in (6, 7)[-phone_edits:]:
        edit_leg(page, live_server.url, a, leg)
        wait_status(page, "synced", 0)
    assert phone_row(page, a) == [7, 1 + phone_edits]

    # The phone's line is down while the server is restored and the other device writes:
    # a flush of its own (Background Sync, the page coming back) must not go first.
    line = Line(page.context)
    line.down = True
    # Flushes go one at a time (a Web Lock, the service worker's too): once this one, which
    # meets the line down, is done, no flush begun before it is still on its way.
    done = page.evaluate("Number(document.body.dataset.flushes || 0)")
    flush_now(page)
    flushed(page, done + 1)
    restore(copy, live_server)
    # Another device changes the restored version 1: its change is version 2 as well.
    r = server.api.put(
        f"/api/v1/entries/{a}",
        data={"day": server.entry(a)["day"], "leg_pain": 3, "note": "shared", "base_version": 1},
        headers={"X-CSRFToken": server.token},
    )
    assert r.ok and r.json()["version"] == 2, r.text()

    # Neither version is taken silently: the patient is asked.
    line.down = False
    flush_now(page)
    wait_status(page, "conflict", 1)
    assert the_entry(server, "shared") == (a, 3, 2)
    page.goto(live_server.url + "/history")
    item = page.locator(f"[data-outbox-id='{a}']")
    expect(item).to_have_attribute("data-state", "conflict")
    versions = item.locator(".conflict-version")
    expect(versions).to_have_count(2)
    expect(versions.nth(0)).to_contain_text("7")
    expect(versions.nth(1)).to_contain_text("3")

    item.get_by_role("button", name="Keep mine").click()
    wait_status(page, "synced", 0)
    assert the_entry(server, "shared") == (a, 7, 3)
    assert phone_row(page, a) == [7, 3]
    page.context.unroute("**/api/v1/sync")


@pytest.fixture(scope="module")
def plan_page(browser, live_server):
    """One page for every case of the pure plan below: each only runs reseed.js's ``plan``
    there, so a page opened per case would only add its start-up."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server.url + "/signin")
    yield page
    context.close()


PLAN = """async (cases) => {
    const { plan } = await import('/static/js/reseed.js');
    return cases.map(([snapshot, server, records]) => {
        const { resend, rebased } = plan(snapshot, new Map(server.map((r) => [r.id, r])), records);
        return {
            resend: resend.map((r) => [r.id, r.known_version, r.desired.deleted]),
            rebased: rebased.map((r) =>
                [r.id, r.known_version, r.sent.length, r.status, r.server && r.server.version]),
        };
    });
}"""


def row(ident, version, leg=5, deleted=False, updated_at=None, **extra):
    data = {"day": "2025-06-01", "leg_pain": None if deleted else leg, "note": "", **extra}
    kept = {"id": ident, "kind": "entry", "version": version, "deleted": deleted, "data": data}
    return {**kept, "updated_at": updated_at} if updated_at else kept


# When the server wrote a version, by its clock: the phone's before the restore, another
# device's after it.
EARLIER, LATER = "2026-03-01T10:00:00.000Z", "2026-03-02T09:00:00.000Z"


def record(ident, known, deleted=False, sent=(), server=None):
    return {
        "id": ident,
        "kind": "entry",
        "known_version": known,
        "desired": {"deleted": deleted, "data": {"leg_pain": 2}},
        "sent": list(sent),
        "status": "conflict" if server else "pending",
        "server": server,
    }


def flat(server_row):
    """A conflict's "server": the server's row as the API shows it."""
    return {**server_row["data"], "id": server_row["id"], "version": server_row["version"]}


@pytest.mark.parametrize(
    ("snapshot", "server", "records", "resend", "rebased"),
    [
        # A live row the server lacks: a create. A deleted one: nothing to send.
        ([row("a", 3)], [], [], [["a", None, False]], []),
        ([row("a", 3, deleted=True)], [], [], [], []),
        # The server's version is older: the phone's state (or its delete) on it.
        ([row("a", 3, leg=7)], [row("a", 1)], [], [["a", 1, False]], []),
        ([row("a", 3, deleted=True)], [row("a", 2)], [], [["a", 2, True]], []),
        # ... unless the server wrote its older-numbered version after the phone's: another
        # device since the restore. Sent below it, for the server to answer conflict.
        (
            [row("a", 3, leg=7, updated_at=EARLIER)],
            [row("a", 2, updated_at=LATER)],
            [],
            [["a", 1, False]],
            [],
        ),
        (
            [row("a", 3, leg=7, updated_at=EARLIER)],
            [row("a", 2, deleted=True, updated_at=LATER)],
            [],
            [["a", 1, False]],
            [],
        ),
        (
            [row("a", 3, leg=7, updated_at=EARLIER)],
            [row("a", 1, updated_at=LATER)],
            [],
            [["a", None, False]],
            [],
        ),
        (
            [row("a", 3, leg=7, updated_at=LATER)],
            [row("a", 2, updated_at=EARLIER)],
            [],
            [["a", 2, False]],
            [],
        ),
        # The server's version is newer: it stands.
        ([row("a", 2, leg=7)], [row("a", 3, leg=1)], [], [], []),
        # The same version and content, whatever the order of the fields: nothing.
        (
            [row("a", 2)],
            [{**row("a", 2), "data": dict(reversed(row("a", 2)["data"].items()))}],
            [],
            [],
            [],
        ),
        ([row("a", 2, deleted=True)], [row("a", 2, deleted=True, note="x")], [], [], []),
        # The same version, other content: sent below it, for the server to answer conflict.
        ([row("a", 2, leg=7)], [row("a", 2, leg=3)], [], [["a", 1, False]], []),
        ([row("a", 1, leg=7)], [row("a", 1, leg=3)], [], [["a", None, False]], []),
        # Already in the outbox: left to the outbox, moved onto the restored server's version
        # when it waits on one the server no longer has (its unanswered sends with it).
        (
            [row("a", 3)],
            [row("a", 1)],
            [record("a", 3, sent=[{}])],
            [],
            [["a", 1, 0, "pending", None]],
        ),
        ([row("a", 3)], [], [record("a", 3)], [], [["a", None, 0, "pending", None]]),
        (
            [row("a", 3, updated_at=EARLIER)],
            [row("a", 2, updated_at=LATER)],
            [record("a", 3)],
            [],
            [["a", 1, 0, "pending", None]],
        ),
        ([row("a", 3)], [], [record("a", 3, deleted=True)], [], []),
        (
            [row("a", 2, leg=7)],
            [row("a", 2, leg=3)],
            [record("a", 2)],
            [],
            [["a", 1, 0, "pending", None]],
        ),
        ([row("a", 2)], [row("a", 2)], [record("a", 2, sent=[{}])], [], []),
        ([row("a", 2)], [row("a", 4)], [record("a", 2)], [], []),
        # A conflict waiting for the patient: with the restored server's row from now on; the
        # server lacking the row, the phone's version goes as new.
        (
            [],
            [row("a", 1)],
            [record("a", 1, server=flat(row("a", 3)))],
            [],
            [["a", 1, 0, "conflict", 1]],
        ),
        ([], [row("a", 3)], [record("a", 1, server=flat(row("a", 3)))], [], []),
        (
            [],
            [row("a", 3, leg=9)],
            [record("a", 1, server=flat(row("a", 3)))],
            [],
            [["a", 1, 0, "conflict", 3]],
        ),
        ([], [], [record("a", 1, server=flat(row("a", 3)))], [], [["a", None, 0, "pending", None]]),
    ],
)
def test_what_a_restore_makes_the_phone_send(plan_page, snapshot, server, records, resend, rebased):
    [answer] = plan_page.evaluate(PLAN, [[snapshot, server, records]])
    assert answer == {"resend": resend, "rebased": rebased}
