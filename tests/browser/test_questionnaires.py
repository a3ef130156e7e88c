"""Questionnaires in a real Chromium against the live server: the RMDQ card on Today, answers
given offline that reach the server exactly once, the PGIC asked after a therapy with the
therapy named, a card set aside that stays aside, the same conflict chooser as entries,
and no axe violations on the new pages, light and dark.
"""

import json
import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_no_axe_violations_light_and_dark,
    log_entry,
    lose_the_first_sync_answer,
    page_only,
    poll,
    register_via_api,
    scripted,
    seed_demo_diary,
    wait_status,
)


def today():
    """The test patients' day (they live in UTC), when the test runs: a run may cross midnight."""
    return datetime.now(UTC).date()


NEW_ID = r"/questionnaires/#response-([0-9a-f-]{36})$"


def responses(page, base_url):
    """The server's responses, asked with the page's own cookies."""
    answer = page.request.get(base_url + "/api/v1/responses")
    assert answer.ok, answer.text()
    return answer.json()["responses"]


def keep_offline(page, user, *paths):
    """Wait until the worker keeps ``paths`` for this user (the questionnaire pages are
    warmed from the offline list every page carries)."""
    listed = json.dumps(list(paths))
    poll(
        page,
        f"""caches.open('diary-pages-{user["id"]}').then(async (c) =>
            (await Promise.all({listed}.map((p) => c.match(p)))).every(Boolean))""",
    )


def cards_rendered(page):
    poll(
        page, "Number(document.querySelector('[data-questionnaire-cards]')?.dataset.rendered || 0)"
    )


def rmdq_card(page):
    return page.locator("[data-questionnaire-card][data-questionnaire='rmdq']")


def answer_rmdq(page, ticked):
    scripted(page, "[data-response-form]")
    for number in ticked:
        page.locator(f"label[for='f-answers-{number}']").click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(NEW_ID))


def log_today(page, live_server, server):
    """Today, once the day's entry is logged (the cards wait for it)."""
    server.create(4, day=today().isoformat())
    page.goto(live_server.url + "/today")
    cards_rendered(page)


def test_the_rmdq_answered_offline_reaches_the_server_once(patient_page, live_server):
    page, user, server = patient_page()
    # Nothing logged today: the daily entry comes first, no questionnaire before it.
    expect(rmdq_card(page)).to_be_hidden()
    # The day's entry saved (through the outbox): the card shows below it.
    log_entry(page, 4)
    card = rmdq_card(page)
    expect(card).to_be_visible()
    expect(card).to_contain_text("You have not answered it yet")
    # The day's entry reaches the server before the phone goes offline: only the answers
    # below wait in the outbox (a loaded machine used to still be sending the entry).
    wait_status(page, "synced", 0)
    # The daily entry comes first: the card is below the form, never before it.
    assert page.evaluate(
        """() => document.querySelector('[data-entry-form]').compareDocumentPosition(
            document.querySelector('[data-questionnaire-card]'))
            & Node.DOCUMENT_POSITION_FOLLOWING"""
    )
    keep_offline(page, user, "/questionnaires/", "/questionnaires/rmdq/new")

    page.context.set_offline(True)
    card.get_by_role("link", name="Answer the RMDQ").click()
    expect(
        page.get_by_role("heading", name="Roland-Morris Disability Questionnaire")
    ).to_be_visible()
    expect(page.get_by_text("I stay in bed most of the time because of my back.")).to_be_visible()
    answer_rmdq(page, (2, 3, 13, 17, 18))
    item = page.locator("[data-response-id]")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("5 of 24")
    expect(item.locator("[data-sync-badge]")).to_have_text("Saved on this phone")
    expect(page.locator("[data-outbox-panel] [data-outbox-id]")).to_have_count(1)
    wait_status(page, "offline", 1)
    assert responses(page, live_server.url) == []  # nothing sent yet

    # The server applies the change but its answer is lost: sent again, a duplicate.
    seen = lose_the_first_sync_answer(page.context)
    page.context.set_offline(False)
    poll(page, "1", lambda _: seen["lost"] == 1)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_status(page, "synced", 0)
    page.context.unroute("**/api/v1/sync")
    expect(item.locator("[data-sync-badge]")).to_have_text("Synced")
    held = responses(page, live_server.url)
    assert len(held) == 1
    assert (held[0]["questionnaire"], held[0]["score"], held[0]["version"]) == ("rmdq", 5, 1)
    assert {k for k, v in held[0]["answers"].items() if v} == {"2", "3", "13", "17", "18"}
    assert len(held[0]["answers"]) == 24  # the others stored as not ticked

    # Answered this week: Today no longer asks.
    page.goto(live_server.url + "/today")
    cards_rendered(page)
    expect(rmdq_card(page)).to_be_hidden()


def test_a_card_set_aside_offline_stays_aside(patient_page, live_server):
    page, user, server = patient_page()
    log_today(page, live_server, server)
    expect(rmdq_card(page)).to_be_visible()
    page.context.set_offline(True)
    page.reload()  # Today from the worker's cache
    cards_rendered(page)
    card = rmdq_card(page)
    card.get_by_role("button", name="Not this week").click()
    expect(card).to_be_hidden()
    expect(page.locator("[data-today-status]")).to_contain_text("Set aside until next week")
    page.reload()
    cards_rendered(page)
    expect(rmdq_card(page)).to_be_hidden()
    page.context.set_offline(False)
    # The server reads the same cookie: the page it renders has the card hidden already.
    html = page.request.get(live_server.url + "/today").text()
    card_tag = re.search(r"<section[^>]*data-questionnaire=\"rmdq\"[^>]*>", html).group(0)
    assert " hidden" in card_tag
    page.goto(live_server.url + "/today")
    expect(rmdq_card(page)).to_be_hidden()


def test_the_pgic_names_the_therapy_and_is_asked_once_per_window(patient_page, live_server):
    page, user, server = patient_page()
    start = today() - timedelta(days=16)  # in the "weeks 2-3" window
    therapy = server.create_therapy(kind="epidural_steroid", start_day=start.isoformat())
    log_today(page, live_server, server)
    card = page.locator(f"[data-questionnaire-card][data-therapy='{therapy['id']}']")
    day = f"{start.day} {start:%b %Y}"
    expect(card.get_by_role("heading")).to_have_text(
        f"Since your injection on {day}, how would you describe the change?"
    )
    card.get_by_role("link", name="Answer").click()
    scripted(page, "[data-response-form]")
    expect(page.get_by_label("Which therapy is this about?")).to_have_value(therapy["id"])
    page.get_by_label("Much improved", exact=True).check()
    assert_no_axe_violations_light_and_dark(page)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(NEW_ID))
    wait_status(page, "synced", 0)
    held = responses(page, live_server.url)
    assert [(r["questionnaire"], r["answers"], r["therapy_id"]) for r in held] == [
        ("pgic", {"1": 2}, therapy["id"])
    ]
    expect(page.locator("[data-response-id]")).to_contain_text("Much improved")
    page.goto(live_server.url + "/today")
    cards_rendered(page)
    expect(card).to_be_hidden()


def test_a_conflicting_answer_offers_the_same_chooser(patient_page, live_server):
    page, user, server = patient_page()
    token = server.token
    made = server.api.post(
        "/api/v1/responses",
        data={"questionnaire": "odi", "day": today().isoformat(), "answers": {"total": 46}},
        headers={"X-CSRFToken": token},
    ).json()
    page.goto(f"{live_server.url}/questionnaires/responses/{made['id']}/edit")
    scripted(page, "[data-response-form]")
    # Saving offline lands on the list of answers: wait until the worker keeps it.
    keep_offline(page, user, "/questionnaires/")
    page.context.set_offline(True)
    total = page.get_by_label("ODI total score")
    expect(total).to_have_value("46")
    # A total worked out with a section skipped has a decimal, typed with a point or a comma;
    # two decimals are refused on the phone, in the server's words, before anything is queued.
    total.fill("38,55")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("[data-response-status]")).to_have_text(
        "The number must have at most 1 decimal."
    )
    expect(total).to_be_focused()
    total.fill("38,5")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/questionnaires/#response-{made['id']}")
    expect(page.locator(f"[data-response-id='{made['id']}']")).to_contain_text("38.5 of 100")
    # Meanwhile the clinic's number is corrected on another device.
    changed = server.api.put(
        f"/api/v1/responses/{made['id']}",
        data={
            "questionnaire": "odi",
            "day": today().isoformat(),
            "answers": {"total": 44},
            "base_version": 1,
        },
        headers={"X-CSRFToken": token},
    )
    assert changed.ok, changed.text()
    page.context.set_offline(False)
    wait_status(page, "conflict")
    mine = page.locator(f"[data-outbox-id='{made['id']}']")
    expect(mine.locator(".conflict-version").nth(0)).to_contain_text("total: 38.5")
    expect(mine.locator(".conflict-version").nth(1)).to_contain_text("total: 44")
    assert_no_axe_violations_light_and_dark(page)
    # Each choice names the answer it is about: with two conflicts, "Keep mine" twice
    # would not say which.
    expect(mine.get_by_role("button", name="Keep mine")).to_have_accessible_name(
        re.compile(r"^Keep mine \S")
    )
    mine.get_by_role("button", name="Keep mine").click()
    wait_status(page, "synced", 0)
    held = responses(page, live_server.url)
    assert [(r["answers"], r["score"], r["version"]) for r in held] == [({"total": 38.5}, 38.5, 3)]


def test_the_questionnaire_pages_have_no_axe_violations(patient_page, live_server):
    page, user, server = patient_page()
    server.create_therapy(kind="surgery", start_day=(today() - timedelta(days=40)).isoformat())
    server.create(4, day=today().isoformat())  # Today shows its cards once the day is logged
    odi = server.api.post(
        "/api/v1/responses",
        data={"questionnaire": "odi", "day": today().isoformat(), "answers": {"total": 46}},
        headers={"X-CSRFToken": server.token},
    ).json()
    for path in (
        "/questionnaires/",
        "/questionnaires/rmdq/new",
        "/questionnaires/odi/new",
        f"/questionnaires/responses/{odi['id']}/edit",
        f"/questionnaires/responses/{odi['id']}/delete",
        "/today",
    ):
        page.goto(live_server.url + path)
        page.wait_for_load_state()
        if path == "/today":
            cards_rendered(page)
            expect(rmdq_card(page)).to_be_visible()
        assert_no_axe_violations_light_and_dark(page)


@page_only
def test_the_charts_verdict_uses_the_questionnaires(page, live_server, new_user):
    url = live_server.url
    register_via_api(page, url, new_user())
    seed_demo_diary(page, url)
    page.goto(url + "/charts")
    injection = page.locator(".therapy-panel").first
    headline = injection.locator("[data-change-sentence]")
    expect(headline).to_contain_text("disability (RMDQ) 10 points lower")
    expect(headline).to_contain_text("all clinically important")
    expect(headline).to_contain_text("Overall change (PGIC): much improved, clinically important.")
    table = injection.get_by_role("region", name="Questionnaires in each period")
    # The ODI was taken before the injection and at 3 months only: the other periods say so.
    weeks = table.get_by_role("row", name=re.compile("^Weeks 2-3"))
    expect(weeks).to_contain_text("no answer in this period")
    expect(table.get_by_role("row", name=re.compile("^6 months"))).to_contain_text(
        "not reached yet"
    )
    assert_no_axe_violations_light_and_dark(page)
