"""Reflow (WCAG 1.4.10): on a 320 px phone no page scrolls sideways, charts not drawn yet
included, and the daily form shows each activity's name and the bottom bar each tab's
word whole, in English and Spanish."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    NO_WORKER,
    api_post,
    page_only,
    page_width,
    register_via_api,
    seed_demo_diary,
)

pytestmark = page_only

NARROW = {"viewport": {"width": 320, "height": 640}, "has_touch": True, "is_mobile": True}

# The charts that are drawn as they come near the screen, and whether one is still waiting.
TIMELINE_DRAWN = """() => window.Chart && (!document.getElementById('timeline-chart')
    || Chart.getChart(document.getElementById('timeline-chart')))"""
ONE_NOT_DRAWN = """() => [...document.querySelectorAll('[data-windows-chart]')]
    .some((c) => !Chart.getChart(c))"""


# What sticks out of the page on the right (to name in a failure).
TOO_WIDE_JS = """() => [...document.querySelectorAll('main, main *')]
    .filter((e) => !e.closest('.table-scroll'))
    .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
        || e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible')
    .map((e) => `${e.parentElement.className} > ${e.tagName.toLowerCase()}.${e.className}`)
    .slice(0, 8)"""


@pytest.fixture
def narrow_page(browser):
    contexts = []

    def make(locale="en-GB"):
        context = browser.new_context(**NARROW, **NO_WORKER, locale=locale)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


# The activity tables whose box scrolls sideways: how many pixels each one hides.
SCROLLED_ACTIVITY_TABLES_JS = """() => [...document.querySelectorAll('.activity-table')]
    .map((t) => t.closest('.table-scroll'))
    .filter((box) => box.scrollWidth > box.clientWidth)
    .map((box) => `${box.getAttribute('aria-label')}: ${box.scrollWidth - box.clientWidth} px`)"""


def test_charts_and_the_summary_fit_a_320px_phone(narrow_page, live_server, new_user):
    url = live_server.url
    page = narrow_page()
    register_via_api(page, url, new_user())
    seed_demo_diary(page, url)
    page.goto(url + "/sharing/")
    page.get_by_role("button", name="Create a view link").click()
    link = page.get_by_label("The link").input_value()

    # The summary's tables scroll in their own box, not the page, and so does its drawing of
    # the daily pain, at a size its words can be read (not squeezed to the screen's width).
    page.goto(link)
    assert page_width(page) == 320
    assert page.locator(".table-scroll[role=region]").count() >= 3
    words = page.locator(".timeline-svg text").first.bounding_box()
    assert words["height"] >= 9, words
    # Its skip link shows only when focused (no header bar here to hide a sliver of it).
    skip = page.locator(".skip-link").bounding_box()
    assert skip["y"] + skip["height"] <= 0, skip
    page.keyboard.press("Tab")  # the first stop of the keyboard: then it is on the screen
    expect(page.locator(".skip-link")).to_be_focused()
    assert page.locator(".skip-link").bounding_box()["y"] >= 0
    for path in (url + "/charts", link.rstrip("/") + "/charts"):
        page.goto(path)
        page.wait_for_function(TIMELINE_DRAWN)
        assert page.evaluate(ONE_NOT_DRAWN), path  # measured before they are drawn
        assert page_width(page) == 320, path

    # The activity table has three short columns: it fits whole, with no sideways scroll,
    # even in Spanish ("Últimas 4 semanas", "Agacharse o levantar peso").
    page.context.add_cookies([{"name": "diary_lang", "value": "es", "url": url}])
    page.goto(url + "/charts")
    assert page.locator("html").get_attribute("lang") == "es"
    tables = page.locator(".activity-table")
    assert tables.count() == 2
    assert page.evaluate(SCROLLED_ACTIVITY_TABLES_JS) == []
    # The maps before and after stand level, though one title takes two lines here.
    levels = page.evaluate(
        """() => [...document.querySelectorAll('.map-pair')].map((pair) =>
            [...pair.querySelectorAll('.map-svg')].map((m) => m.getBoundingClientRect().top))"""
    )
    assert levels and all(abs(a - b) < 1 for a, b in levels), levels


# Each activity whose name is cut: wider than its box, or its text running under the first
# of its segments.
CUT_NAMES_JS = """() => [...document.querySelectorAll('.limit')].filter((row) => {
    const name = row.querySelector('.limit-name');
    const segment = row.querySelector('.limit-segments label').getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(name);
    return name.scrollWidth > name.clientWidth || [...range.getClientRects()].some((r) =>
        r.right > segment.left && r.left < segment.right
        && r.bottom > segment.top && r.top < segment.bottom);
}).map((row) => row.querySelector('.limit-name').textContent)"""


# Each tab of the main navigation that is cut: out of the screen, under the 44 px target, or
# its word wider than its box.
CUT_TABS_JS = """() => [...document.querySelectorAll('.main-nav a')].filter((tab) => {
    const box = tab.getBoundingClientRect();
    return box.left < 0 || box.right > document.documentElement.clientWidth
        || box.width < 44 || tab.scrollWidth > tab.clientWidth;
}).map((tab) => tab.textContent.trim())"""


# The space between neighbouring tabs' words, in px: words closer than a few pixels read as
# one ("Historial Gráficos" ran to 3 px apart).
TAB_WORD_GAPS_JS = """() => {
    const words = [...document.querySelectorAll('.main-nav a')].map((tab) => {
        const range = document.createRange();
        range.selectNodeContents(tab);
        return range.getBoundingClientRect();
    });
    return words.slice(1).map((word, i) => Math.round(word.left - words[i].right));
}"""


# What a chosen segment covers: each activity's name is probed at points of its text, each
# other segment at points around its number (the check badge on a chosen segment's corner
# is hit as that segment); whatever answers for a point instead is listed.
COVERED_JS = """() => {
    const covered = [];
    const probe = (element, what, boxes) => {
        for (const r of boxes) {
            for (const x of [r.left + 1, (r.left + r.right) / 2, r.right - 1]) {
                for (const y of [r.top + 1, (r.top + r.bottom) / 2, r.bottom - 1]) {
                    const hit = document.elementFromPoint(x, y);
                    if (hit && !element.contains(hit)) {
                        covered.push(`${what} by ${hit.tagName} ${hit.htmlFor || hit.className}`);
                    }
                }
            }
        }
    };
    for (const name of document.querySelectorAll('.limit-name')) {
        name.scrollIntoView({block: 'center'});
        const text = document.createRange();
        text.selectNodeContents(name);
        probe(name, name.textContent, text.getClientRects());
    }
    for (const label of document.querySelectorAll('.segment input:not(:checked) + label')) {
        label.scrollIntoView({block: 'center'});
        const box = label.getBoundingClientRect();
        const [x, y] = [(box.left + box.right) / 2, (box.top + box.bottom) / 2];
        probe(label, label.htmlFor, [new DOMRect(x - 8, y - 10, 16, 20)]);
    }
    return [...new Set(covered)];
}"""


@pytest.mark.parametrize("locale", ["en-GB", "es-ES"])
def test_activity_names_and_tabs_are_whole_on_a_320px_phone(
    narrow_page, live_server, new_user, locale
):
    url = live_server.url
    page = narrow_page(locale)
    register_via_api(page, url, new_user())
    # An earlier day's entry: Today's form stays open, and the entry has its edit page,
    # where a chosen value is drawn larger with a check on its corner: the sixth of a row
    # (worst leg pain 5), and one in every activity's row, the one above it included.
    activities = {"sitting": 3, "standing": 2, "walking": 1, "sleeping": 1}
    activities |= {"bending_lifting": 2, "driving_travel": 1, "work_chores": 4, "self_care": 0}
    body = {"day": "2025-06-01", "leg_pain": 5, "worst_leg_pain": 5, "activities": activities}
    entry = api_post(page, url, "/api/v1/entries", body)
    for path in ("/today", f"/entries/{entry['id']}/edit"):
        page.goto(url + path)
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        assert page.locator(".limit").count() == 8, path
        assert page.evaluate(CUT_NAMES_JS) == [], path
        assert page.locator(".main-nav a").count() == 5, path
        assert page.evaluate(CUT_TABS_JS) == [], path
        assert min(page.evaluate(TAB_WORD_GAPS_JS)) >= 6, path
        # The minutes of sitting and of walking: two boxes on one line.
        boxes = page.locator(".minutes-row input")
        assert boxes.nth(0).bounding_box()["y"] == boxes.nth(1).bounding_box()["y"], path
        assert page_width(page) == 320, path
    assert page.locator(".segment input:checked").count() == 10
    assert page.evaluate(COVERED_JS) == []
    # History: the entry's words take the card's width, when and Edit a row under them.
    page.goto(url + "/history")
    card = page.locator(".entry-card").first.bounding_box()
    words = page.locator(".entry-card .entry-summary").first.bounding_box()
    assert words["width"] > 0.8 * card["width"], (words, card)


def test_long_names_a_patient_typed_do_not_widen_a_phones_pages(page, live_server, new_user):
    url = live_server.url
    register_via_api(page, url, new_user())
    therapies = seed_demo_diary(page, url)
    start = therapies[0]["start_day"]
    # A real name without a space, and names with no place to break at all.
    for name in ("Paracetamol/Codeinphosphat-Hemihydrat", "Ab" * 50):
        medicine = {"name": name, "schedule": "as_needed", "start_day": start, "changes": []}
        medicine = api_post(page, url, "/api/v1/medications", medicine)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    dose = api_post(page, url, "/api/v1/doses", {"medication_id": medicine["id"], "taken_at": now})
    therapy = {"kind": "physiotherapy", "label": "Cd" * 24, "start_day": start}
    api_post(page, url, "/api/v1/therapies", therapy)
    page.goto(url + "/sharing/")
    page.get_by_role("button", name="Create a view link").click()
    link = page.get_by_label("The link").input_value()
    for path in (
        url + "/today",
        url + "/medications/",
        url + f"/medications/doses/{dose['id']}/edit",
        url + "/therapies/",
        url + "/charts",
        link,
        link.rstrip("/") + "/charts",
    ):
        page.goto(path)
        html = page.content()
        assert "Ab" * 50 in html or "Cd" * 24 in html, path
        assert page_width(page) == 390, (path, page.evaluate(TOO_WIDE_JS))


# Each button whose words run to its edge: their lines closer than 6 px to its outer edge,
# its 2 px border included (a name on three lines in a button without room above and below).
CRAMPED_BUTTONS_JS = """() => [...document.querySelectorAll('main .button')].filter((button) => {
    const box = button.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(button);
    const words = range.getBoundingClientRect();
    return words.top - box.top < 6 || box.bottom - words.bottom < 6;
}).map((button) => button.textContent.trim())"""


def test_buttons_keep_their_words_clear_of_their_edges_on_a_320px_phone(
    narrow_page, live_server, new_user
):
    url = live_server.url
    page = narrow_page("es-ES")
    register_via_api(page, url, new_user())
    page.goto(url + "/therapies/new")
    # The kinds of therapy, some on two or three lines in Spanish at this width.
    kinds = page.locator("main .button")
    assert kinds.count() >= 8
    tallest = max(kinds.nth(n).bounding_box()["height"] for n in range(kinds.count()))
    assert tallest > 60  # one name does take more than a line here
    assert page.evaluate(CRAMPED_BUTTONS_JS) == []


# Words drawn over two lines (each part of a word, between spaces, hyphens and slashes, on
# one line), and short actions (up to three words) wrapped at all: in buttons, scores and
# the cohorts' list of therapies.
SPLIT_WORDS_JS = """() => {
    const found = [];
    const tops = (rects) => new Set([...rects].filter((r) => r.width > 1).map((r) => r.top));
    const lines = (range) => tops(range.getClientRects()).size;
    const shown = (e) => e.getClientRects().length > 0;
    const targets = [...document.querySelectorAll(
        'main .button, main button, .response-score, .kind-links a')].filter(shown);
    for (const target of targets) {
        const walker = document.createTreeWalker(target, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (node.parentElement.closest('.visually-hidden')) continue;
            for (const match of node.data.matchAll(/[^\\s\\-\\/]+/g)) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                if (lines(range) > 1) found.push(`${match[0]} in "${target.textContent.trim()}"`);
            }
        }
        const words = target.innerText.trim().split(/\\s+/);
        if (target.matches('.button, button') && words.length <= 3) {
            const all = document.createRange();
            all.selectNodeContents(target);
            if (lines(all) > 1) found.push(`"${words.join(' ')}" wraps`);
        }
    }
    return found;
}"""


def test_words_stay_whole_on_a_320px_phone_in_spanish(narrow_page, live_server, new_user):
    url = live_server.url
    page = narrow_page("es-ES")
    patient = new_user()
    register_via_api(page, url, patient)
    therapies = seed_demo_diary(page, url)
    start = therapies[0]["start_day"]
    for name in ("Ibuprofeno", "Paracetamol y codeína"):
        medicine = {"name": name, "strength": "400", "unit": "mg", "schedule": "as_needed"}
        api_post(page, url, "/api/v1/medications", {**medicine, "start_day": start, "changes": []})
    # A second device, so that the account page lists one to sign out.
    other = narrow_page("es-ES")
    token = other.request.get(url + "/api/v1/session").json()["csrf_token"]
    signed_in = other.request.post(
        url + "/api/v1/session",
        data={"email": patient["email"], "password": patient["password"]},
        headers={"X-CSRFToken": token},
    )
    assert signed_in.ok
    doctor = narrow_page("es-ES")
    register_via_api(doctor, url, new_user("physician"))
    page.goto(url + "/sharing/")
    page.get_by_role("button", name="Crear un código de invitación").click()
    code = page.locator("[data-invite-code]").inner_text()
    api_post(doctor, url, "/api/v1/shares/accept", {"code": code})

    for reader, path, expected in (
        (page, "/today", "Tomé una"),
        (page, "/charts", "Physiotherapy"),
        (page, "/account", "Cerrar la sesión"),
        (page, "/questionnaires/", "de 24"),
        (doctor, "/clinic/cohorts", "Fisioterapia"),
    ):
        reader.goto(url + path)
        assert expected in reader.locator("main").inner_text(), path
        assert reader.evaluate(SPLIT_WORDS_JS) == [], path
        assert page_width(reader) == 320, path
    # The cohorts' therapies are a plain list (its style is shared, not the Sharing page's).
    bullets = "getComputedStyle(document.querySelector('.kind-links')).listStyleType"
    assert doctor.evaluate(bullets) == "none"


# Neighbouring fields of a form closer than 8 px: a group of choices (a fieldset) under the
# field above it read as that field's continuation.
GLUED_FIELDS_JS = """() => [...document.querySelectorAll('form.stack')].flatMap((form) => {
    const fields = [...form.children].filter((e) => e.getClientRects().length > 0
        && getComputedStyle(e).position !== 'absolute');
    return fields.slice(1)
        .filter((field, i) => field.getBoundingClientRect().top
            - fields[i].getBoundingClientRect().bottom < 8)
        .map((field) => field.textContent.trim().slice(0, 40));
})"""


def test_groups_of_choices_are_set_apart_from_the_field_above(narrow_page, live_server, new_user):
    url = live_server.url
    page = narrow_page()
    page.goto(url + "/register")
    assert page.locator("form.stack fieldset").count() >= 1
    assert page.evaluate(GLUED_FIELDS_JS) == []
    register_via_api(page, url, new_user())
    api_post(page, url, "/api/v1/therapies", {"kind": "physiotherapy", "start_day": "2025-06-01"})
    for path in ("/questionnaires/pgic/new", "/medications/new"):
        page.goto(url + path)
        assert page.locator("form.stack fieldset").count() >= 1, path
        assert page.evaluate(GLUED_FIELDS_JS) == [], path
