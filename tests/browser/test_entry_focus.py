"""Focus is never hidden on a phone (WCAG 2.4.11): tabbing through the today page, every
control that takes the focus is shown whole, above the sticky Save bar and the bottom
navigation, never under them."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import NO_WORKER, PHONE, api_post, page_only, register_via_api, scripted

pytestmark = page_only

# What a sighted keyboard user sees of the focused control: the control, or for the drawn
# radios and checkboxes (a 1 px input under its label) the label that shows it and its ring;
# and the boxes of the bars that stay on screen.
FOCUSED_JS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const shown = (e) => {
        const r = e.getBoundingClientRect();
        return r.width > 4 && r.height > 4;
    };
    const seen = shown(el) ? el : Array.from(el.labels || []).find(shown) || el;
    const box = (e) => { const r = e.getBoundingClientRect();
        return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
    const bar = (selector) => { const b = document.querySelector(selector);
        return b && getComputedStyle(b).position !== "static" ? box(b) : null; };
    return {
        name: el.id || (el.name && `${el.name}=${el.value}`) || el.textContent.trim().slice(0, 40),
        inBar: !!el.closest(".entry-actions, .main-nav"),
        box: box(seen),
        bars: [bar(".entry-actions"), bar(".main-nav")].filter(Boolean),
        viewport: window.innerHeight,
    };
}"""


def overlaps(a, b):
    return a["top"] < b["bottom"] and b["top"] < a["bottom"]


def tab_through(page, limit=400):
    """Press Tab from the top of the page until the focus comes round again; return what was
    focused, in order."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        if focused is None:
            continue
        if seen and focused["name"] == seen[0]["name"]:  # round again
            return seen
        seen.append(focused)
    raise AssertionError(f"the focus did not come round in {limit} presses of Tab")


def hidden(visited):
    """The visited controls (outside the bars) that were covered by a bar or off screen."""
    found = []
    for focused in visited:
        if focused["inBar"]:
            continue
        box = focused["box"]
        covered = [b for b in focused["bars"] if overlaps(box, b)]
        if covered or box["top"] < 0 or box["bottom"] > focused["viewport"]:
            found.append((focused["name"], box, focused["bars"]))
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_tabbing_through_today_never_hides_the_focus_under_the_bars(
    page, live_server, new_user, scheme
):
    register_via_api(page, live_server.url, new_user())
    page.set_viewport_size({"width": 390, "height": 844})
    page.emulate_media(color_scheme=scheme)
    page.goto(live_server.url + "/today")
    page.wait_for_selector("[data-bodymap-ready]", state="attached")
    # Unfolded without moving the focus, so that Tab starts from the top of the page.
    page.evaluate("document.querySelector('details.more').open = true")

    visited = tab_through(page)
    names = [f["name"] for f in visited]
    # The controls the audit found covered are among those visited, under both bars.
    for name in ("rf-saddle_numbness", "activities-self_care-0", "l_sole_heel", "r_foot_top"):
        assert name in names, names
    assert sum(1 for f in visited if f["name"].endswith(("_shin_outer", "_shin_inner"))) == 4
    assert len(visited) > 50
    assert all(len(f["bars"]) == 2 for f in visited)
    assert [h[0] for h in hidden(visited)] == [], hidden(visited)


def test_tabbing_through_a_long_page_never_hides_the_focus_under_the_bottom_bar(
    page, live_server, new_user
):
    register_via_api(page, live_server.url, new_user())
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/account")
    assert page.evaluate("document.scrollingElement.scrollHeight") > 844  # it scrolls
    visited = tab_through(page)
    assert {"f-time_zone", "f-new_password", "Sign out everywhere"} <= {f["name"] for f in visited}
    assert all(len(f["bars"]) == 1 for f in visited)  # the bottom navigation
    assert [h[0] for h in hidden(visited)] == [], hidden(visited)


def test_tabbing_through_the_edit_page_in_spanish_never_hides_the_focus(
    browser, live_server, new_user
):
    # Spanish words make the form and the Save bar's status longer: the note's box came to
    # rest partly under the bar, which the page's scroll-padding (room for the bar with one
    # line of status) did not prevent.
    context = browser.new_context(**PHONE, **NO_WORKER, locale="es-ES")
    page = context.new_page()
    register_via_api(page, live_server.url, new_user())
    entry = api_post(page, live_server.url, "/api/v1/entries", {"day": "2025-06-01", "leg_pain": 3})
    page.goto(f"{live_server.url}/entries/{entry['id']}/edit")
    page.wait_for_selector("[data-bodymap-ready]", state="attached")
    scripted(page)
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    # Saved without a score: the refusal's words make the Save bar two lines taller.
    page.evaluate("document.querySelectorAll('[name=leg_pain]').forEach((r) => r.checked = false)")
    page.get_by_role("button", name="Guardar los cambios").click()
    expect(page.locator(".entry-actions [data-save-state=invalid]")).not_to_be_empty()
    visited = tab_through(page)
    assert "f-note" in [f["name"] for f in visited]
    assert all(len(f["bars"]) == 2 for f in visited)
    assert [h[0] for h in hidden(visited)] == [], hidden(visited)
    # Reached while most of it shows above the Save bar (the page scrolled by a finger
    # meanwhile), where the audit found it: the note is moved clear of the bar.
    page.focus("#f-walking_tolerance_min")
    page.evaluate(
        """() => { const box = (s) => document.querySelector(s).getBoundingClientRect();
            const barTop = box('.main-nav').top - box('.entry-actions').height;  // once stuck
            window.scrollBy({top: box('#f-note').top - (barTop - 100), behavior: 'instant'}); }"""
    )
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED_JS)
    assert focused["name"] == "f-note"
    assert hidden([focused]) == [], focused
    context.close()


# Saves the phone refuses before queueing (with JavaScript): the page, the fields filled, the
# boxes ticked, and the field the refusal is about.
REFUSED_SAVES = [
    (
        "/medications/new",
        {"#f-name": "Ibuprofen", "#f-end_day": "2025-01-01"},
        ["#f-schedule-as_needed"],
        "f-end_day",
    ),
    ("/therapies/new?kind=physiotherapy", {"#f-end_day": "2025-01-01"}, [], "f-end_day"),
    ("/questionnaires/pgic/new", {}, [], "f-therapy_id"),
]


def test_a_refused_save_takes_the_focus_to_the_field_clear_of_the_bars(page, live_server, new_user):
    url = live_server.url
    register_via_api(page, url, new_user())
    therapy = {"kind": "physiotherapy", "start_day": "2025-03-01"}
    api_post(page, url, "/api/v1/therapies", therapy)  # the PGIC asks which therapy
    for path, fills, ticks, field in REFUSED_SAVES:
        page.goto(url + path)
        scripted(page, "form")
        for selector, value in fills.items():
            page.locator(selector).fill(value)
        for selector in ticks:
            page.locator(selector).check()
        # Save from the keyboard: the browser shows it just above the bottom bar, and the
        # refusal's words then appear above it.
        page.get_by_role("button", name="Save", exact=True).focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        status = page.locator("[role=status][data-save-state=invalid]")
        expect(status).not_to_be_empty()
        control = page.locator(f"#{field}")
        # As the server's form does without JavaScript: the field is marked and described.
        expect(control).to_be_focused()
        expect(control).to_have_attribute("aria-invalid", "true")
        described = control.get_attribute("aria-describedby").split()
        assert status.get_attribute("id") in described, (path, described)
        focused = page.evaluate(FOCUSED_JS)
        assert hidden([focused]) == [], (path, focused)
