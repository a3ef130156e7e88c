"""The daily entry on a phone: by touch (counting taps), by keyboard, and without JavaScript;
History, edit and delete; Save always in reach; axe."""

import re
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from diary.clinical import RED_FLAG_ADVICE
from tests.browser.conftest import (
    NO_WORKER,
    PHONE,
    assert_no_axe_violations,
    assert_no_axe_violations_light_and_dark,
    assert_targets_big_enough,
    flush_now,
    open_the_form,
    page_only,
    register_via_api,
    scripted,
)

pytestmark = page_only

SCORE_HELP = "average over the last 24 hours"


class Taps:
    """Taps a locator and counts, as a patient's thumb would."""

    def __init__(self):
        self.count = 0

    def __call__(self, locator):
        locator.tap()
        self.count += 1


def score(page, name, n):
    """The segment ``n`` of the leg, back or worst leg pain control (its label: the target)."""
    group = page.get_by_role("group", name=f"{name} {SCORE_HELP}")
    if name == "Worst leg pain":
        group = page.get_by_role("group", name=re.compile("^Worst leg pain"))
    return group.locator(f'label[for$="-{n}"]')


def limit(page, activity, n):
    return page.get_by_role("group", name=activity, exact=True).locator(f'label[for$="-{n}"]')


def region(page, label):
    return page.get_by_role("button", name=re.compile(f"^{label}:"))


def entries(page, base_url):
    return page.request.get(base_url + "/api/v1/entries").json()["entries"]


def wait_for_entries(page, base_url, count, timeout=10):
    """The server's entries once it holds ``count`` (a save may still be in flight)."""
    deadline = time.monotonic() + timeout
    while True:
        found = entries(page, base_url)
        if len(found) == count or time.monotonic() > deadline:
            assert len(found) == count, found
            return found
        time.sleep(0.1)


def wait_until(condition, timeout=10):
    """Poll ``condition`` until it holds: a save with JavaScript reaches the server a little
    after the page moves on."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def entry_by_id(page, base_url, entry_id):
    return page.request.get(f"{base_url}/api/v1/entries/{entry_id}").json()


def post_entry(page, base_url, body):
    token = page.request.get(base_url + "/api/v1/session").json()["csrf_token"]
    response = page.request.post(
        base_url + "/api/v1/entries", data=body, headers={"X-CSRFToken": token}
    )
    assert response.status == 201, response.text()
    return response.json()


def yesterday():
    return (date.today() - timedelta(days=1)).isoformat()


def saved_message(page):
    """Where the page says it saved: Today's status line or the form's (with JavaScript),
    or a flash (without)."""
    return page.locator("[data-today-status], [data-entry-status], .flash").filter(
        has_text=re.compile("Saved")
    )


def test_log_by_touch_in_few_taps_then_history_edit_and_delete(page, live_server, new_user):
    url = live_server.url
    register_via_api(page, url, new_user())
    post_entry(
        page,
        url,
        {
            "day": yesterday(),
            "leg_pain": 5,
            "back_pain": 3,
            "regions": {"l_buttock": "pain", "l_thigh_back": "pain"},
            "activities": {"sitting": 3, "walking": 2},
        },
    )
    page.goto(url + "/")
    expect(page).to_have_url(url + "/today")
    scripted(page)

    # A typical day: two scores, two areas, three activities, Save.
    tap = Taps()
    tap(score(page, "Leg pain", 6))
    tap(score(page, "Back pain", 3))
    tap(region(page, "Left back of calf"))
    tap(region(page, "Left buttock"))
    tap(limit(page, "Walking", 3))
    tap(limit(page, "Sitting", 4))
    tap(limit(page, "Sleeping", 2))
    expect(region(page, "Left back of calf")).to_have_attribute("aria-pressed", "true")
    tap(page.get_by_role("button", name="Save", exact=True))
    assert tap.count <= 10
    typical_taps = tap.count
    expect(saved_message(page).first).to_be_visible()
    saved = wait_for_entries(page, url, 2)
    typical = next(e for e in saved if e["day"] != yesterday())
    assert typical["leg_pain"] == 6 and typical["back_pain"] == 3
    assert typical["regions"] == {"l_buttock": "pain", "l_calf_back": "pain"}
    assert typical["activities"] == {"sitting": 4, "walking": 3, "sleeping": 2}

    # Today now lists that entry first, and a second one for the day is a choice.
    logged = page.get_by_role("region", name="Entries logged today")
    expect(logged.locator(f'[data-entry-id="{typical["id"]}"]')).to_contain_text("Leg pain 6")
    expect(page.get_by_role("heading", name="Logged today", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_hidden()
    # (On a new day the form is open: this tap is only because the test logs twice today.)
    page.get_by_text("Add another entry").tap()

    # A day like yesterday: two scores, "Same as yesterday", Save.
    tap = Taps()
    tap(score(page, "Leg pain", 5))
    tap(score(page, "Back pain", 2))
    tap(page.get_by_role("button", name="Same as yesterday"))
    expect(region(page, "Left back of thigh")).to_have_attribute("aria-pressed", "true")
    expect(
        page.get_by_role("group", name="Sitting", exact=True).get_by_role("radio", name="3 severe")
    ).to_be_checked()
    tap(page.get_by_role("button", name="Save", exact=True))
    assert tap.count <= 4
    like_yesterday = [
        e for e in wait_for_entries(page, url, 3) if e["leg_pain"] == 5 and e["back_pain"] == 2
    ]
    (copied,) = [e for e in like_yesterday if e["day"] != yesterday()]
    # The copy is of the latest entry before today (yesterday's), not of today's first one.
    assert copied["regions"] == {"l_buttock": "pain", "l_thigh_back": "pain"}
    assert copied["activities"] == {"sitting": 3, "walking": 2}
    print(f"taps: typical entry {typical_taps}, same as yesterday {tap.count}")

    # History lists it with its chips; edit it.
    page.get_by_role("link", name="History").tap()
    card = page.locator(f'[data-entry-id="{typical["id"]}"]')
    expect(card).to_contain_text("Leg pain 6")
    expect(card).to_contain_text("Pain reaches below the knee")
    card.get_by_role("link", name=re.compile("^Edit")).tap()
    expect(page.get_by_role("heading", name=re.compile("^Edit the entry for"))).to_be_visible()
    scripted(page)
    score(page, "Leg pain", 7).tap()
    page.get_by_role("button", name="Save changes").tap()
    expect(page).to_have_url(re.compile(r"/history"))
    wait_until(lambda: entry_by_id(page, url, typical["id"])["leg_pain"] == 7)
    page.reload()  # what the server holds, whatever this phone still has to send
    expect(page.locator(f'[data-entry-id="{typical["id"]}"]')).to_contain_text("Leg pain 7")

    # Delete it, after a confirmation.
    page.locator(f'[data-entry-id="{typical["id"]}"]').get_by_role(
        "link", name=re.compile("^Edit")
    ).tap()
    scripted(page)
    page.get_by_role("button", name="Delete this entry").tap()
    page.get_by_role("button", name="Delete entry").tap()
    expect(page).to_have_url(re.compile(r"/history"))
    assert typical["id"] not in [e["id"] for e in wait_for_entries(page, url, 2)]
    page.reload()
    expect(page.locator(f'[data-entry-id="{typical["id"]}"]')).to_have_count(0)


def press_tab_until(page, predicate_js, limit_presses=120):
    """Press Tab until the focused element satisfies ``predicate_js`` (a JS expression over
    ``el``); the keyboard alone, as a patient without a pointer would. A page still arriving
    (after Enter on a link or a submit) is waited for, then the search goes on."""
    check = f"(() => {{ const el = document.activeElement; return !!({predicate_js}); }})()"
    for _ in range(limit_presses):
        page.keyboard.press("Tab")
        try:
            if page.evaluate(check):
                return
        except PlaywrightError as error:
            if "Execution context was destroyed" not in str(error):
                raise
            page.wait_for_load_state()
    raise AssertionError(f"Tab never reached {predicate_js}")


def test_log_edit_and_delete_by_keyboard_alone(page, live_server, new_user):
    url = live_server.url
    register_via_api(page, url, new_user())
    page.goto(url + "/today")
    scripted(page)

    press_tab_until(page, "el.name === 'leg_pain'")
    page.keyboard.press("Space")  # 0
    for _ in range(4):
        page.keyboard.press("ArrowRight")  # ... 4
    press_tab_until(page, "el.name === 'back_pain'")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")  # 1
    press_tab_until(page, "el.id === 'r_shin_outer'")
    page.keyboard.press("Enter")  # pain
    press_tab_until(page, "el.name === 'activities.standing'")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # 2
    press_tab_until(page, "el.value === 'saddle_numbness'")
    page.keyboard.press("Space")
    expect(page.get_by_role("alert").filter(has_text="Seek urgent medical care")).to_be_visible()
    page.keyboard.press("Space")  # untick: it was a slip
    expect(page.get_by_role("alert").filter(has_text="Seek urgent medical care")).to_have_count(0)
    press_tab_until(page, "el.dataset.save !== undefined")
    page.keyboard.press("Enter")
    expect(saved_message(page).first).to_be_visible()
    # Save folds the form away: the focus goes to "Add another entry", not to the page.
    expect(page.locator("[data-another-entry] > summary")).to_be_focused()
    (entry,) = wait_for_entries(page, url, 1)
    assert entry["leg_pain"] == 4 and entry["back_pain"] == 1
    assert entry["regions"] == {"r_shin_outer": "pain"}
    assert entry["activities"] == {"standing": 2} and entry["red_flags"] == []

    page.goto(url + "/history")
    press_tab_until(page, f"el.href && el.href.endsWith('/entries/{entry['id']}/edit')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("^Edit the entry for"))).to_be_visible()
    scripted(page)
    press_tab_until(page, "el.name === 'back_pain'")
    page.keyboard.press("ArrowRight")  # 1 -> 2
    press_tab_until(page, "el.dataset.save !== undefined")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/history"))
    # History says what was done, as the server's flash does without JavaScript.
    expect(page.get_by_role("status").filter(has_text="Saved on this phone for")).to_be_visible()
    wait_until(lambda: entry_by_id(page, url, entry["id"])["back_pain"] == 2)
    page.reload()
    expect(page.locator(f'[data-entry-id="{entry["id"]}"]')).to_contain_text("Back pain 2")

    press_tab_until(page, f"el.href && el.href.endsWith('/entries/{entry['id']}/edit')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("^Edit the entry for"))).to_be_visible()
    scripted(page)
    press_tab_until(page, "el.textContent.trim() === 'Delete this entry'")
    page.keyboard.press("Enter")
    press_tab_until(page, "el.textContent.trim() === 'Delete entry'")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/history"))
    expect(page.get_by_role("status").filter(has_text="Deleted the entry for")).to_be_visible()
    wait_for_entries(page, url, 0)
    page.reload()
    expect(page.get_by_text("No entries yet.")).to_be_visible()


@pytest.fixture
def no_js_page(browser, live_server, new_user):
    context = browser.new_context(java_script_enabled=False, **PHONE, **NO_WORKER)
    page = context.new_page()
    register_via_api(page, live_server.url, new_user())
    yield page
    context.close()


def test_the_whole_flow_works_without_javascript(no_js_page, live_server):
    page, url = no_js_page, live_server.url
    page.goto(url + "/today")
    score(page, "Leg pain", 8).tap()
    score(page, "Back pain", 2).tap()
    page.get_by_role("checkbox", name="Pain (Left back of calf)").tap()
    page.get_by_role("checkbox", name="Numbness or pins and needles (Left sole and heel)").tap()
    limit(page, "Walking", 4).tap()
    page.get_by_role("checkbox", name=re.compile("^New weakness in a leg")).tap()
    page.get_by_role("button", name="Save", exact=True).tap()
    expect(page.get_by_text(re.compile(r"^Saved for .*: leg pain 8, back pain 2"))).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="Seek urgent")).to_have_text(RED_FLAG_ADVICE)
    (entry,) = entries(page, url)
    assert entry["regions"] == {"l_calf_back": "pain", "l_sole_heel": "numb"}
    assert entry["activities"] == {"walking": 4} and entry["red_flags"] == ["leg_weakness"]
    # Today lists it; another entry for today is a choice (a fold that opens without JS).
    expect(page.get_by_role("heading", name="Logged today", level=1)).to_be_visible()
    expect(page.locator(f'[data-entry-id="{entry["id"]}"]')).to_contain_text("Leg pain 8")
    page.get_by_text("Add another entry").tap()

    # A refused entry comes back with its message and what was typed.
    page.get_by_role("checkbox", name="Pain (Right knee)").tap()
    page.get_by_role("button", name="Save", exact=True).tap()
    problems = page.get_by_role("alert").filter(has_text="Nothing was saved")
    expect(problems).to_contain_text("give a leg pain or a back pain score")
    expect(page.get_by_role("checkbox", name="Pain (Right knee)")).to_be_checked()

    # Same as yesterday: the map and the activities of the latest earlier entry.
    post_entry(page, url, {"day": yesterday(), "leg_pain": 3, "regions": {"r_knee": "numb"}})
    score(page, "Leg pain", 4).tap()
    page.get_by_role("button", name="Same as yesterday").tap()
    expect(page.get_by_role("status").filter(has_text="Copied where it hurt")).to_be_visible()
    expect(
        page.get_by_role("checkbox", name="Numbness or pins and needles (Right knee)")
    ).to_be_checked()
    expect(page.get_by_role("checkbox", name="Pain (Right knee)")).not_to_be_checked()

    page.get_by_role("link", name="History").tap()
    card = page.locator(f'[data-entry-id="{entry["id"]}"]')
    expect(card).to_contain_text("Warning signs: New weakness in a leg or foot")
    card.get_by_role("link", name=re.compile("^Edit")).tap()
    score(page, "Leg pain", 7).tap()
    page.get_by_role("button", name="Save changes").tap()
    expect(page.get_by_text(re.compile("^Saved your changes for"))).to_be_visible()
    expect(page.locator(f'[data-entry-id="{entry["id"]}"]')).to_contain_text("Leg pain 7")

    page.locator(f'[data-entry-id="{entry["id"]}"]').get_by_role(
        "link", name=re.compile("^Edit")
    ).tap()
    page.get_by_role("button", name="Delete this entry").tap()
    expect(page.get_by_role("heading", name=re.compile("^Delete the entry for"))).to_be_visible()
    page.get_by_role("button", name="Delete entry").tap()
    expect(page.get_by_text(re.compile("^Deleted the entry for"))).to_be_visible()
    expect(page.locator(f'[data-entry-id="{entry["id"]}"]')).to_have_count(0)


def assert_in_reach(page, locator):
    """In the viewport, and the topmost element at its centre (nothing floats over it)."""
    box = locator.bounding_box()
    viewport = page.viewport_size
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], box
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], box
    assert box["height"] >= 44 and box["width"] >= 44, box
    on_top = locator.evaluate(
        """(el) => {
            const r = el.getBoundingClientRect();
            const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
            return hit === el || el.contains(hit);
        }"""
    )
    assert on_top


def test_save_is_in_reach_without_scrolling_and_never_covered(page, live_server, new_user):
    register_via_api(page, live_server.url, new_user())
    page.goto(live_server.url + "/today")
    save = page.get_by_role("button", name="Save", exact=True)
    assert_in_reach(page, save)
    assert_in_reach(page, page.get_by_role("button", name="Same as yesterday"))
    # Anywhere down the form, too.
    height = page.evaluate("document.scrollingElement.scrollHeight")
    for y in (height // 3, 2 * height // 3, height):
        page.evaluate(f"window.scrollTo(0, {y})")
        assert_in_reach(page, save)
    # At most two phone screens (2 x 844 = 1,688 px at 390 x 844), the optional parts folded.
    assert height <= 2 * page.viewport_size["height"], height


@pytest.mark.parametrize("width", [390, 360])
def test_every_control_is_at_least_44_px_and_every_region_24(page, live_server, new_user, width):
    register_via_api(page, live_server.url, new_user())
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(live_server.url + "/today")
    page.locator("details.more > summary").tap()  # the optional parts, unfolded
    targets = assert_targets_big_enough(page, "[data-entry-form]")
    assert len(targets) > 100


def test_red_flag_advice_appears_on_tick(page, live_server, new_user):
    register_via_api(page, live_server.url, new_user())
    page.goto(live_server.url + "/today")
    advice = page.get_by_role("alert").filter(has_text="Seek urgent medical care")
    expect(advice).to_have_count(0)
    page.get_by_role("checkbox", name=re.compile("^Numbness between the legs")).tap()
    expect(advice).to_be_visible()
    expect(advice).to_have_text(RED_FLAG_ADVICE)


def test_today_history_and_edit_have_no_axe_violations(page, live_server, new_user):
    url = live_server.url
    register_via_api(page, url, new_user())
    page.goto(url + "/history")
    expect(page.get_by_text("No entries yet.")).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(url + "/today")
    assert_no_axe_violations(page)
    score(page, "Leg pain", 10).tap()
    region(page, "Right top of foot and big toe").tap()
    page.get_by_role("checkbox", name=re.compile("^New trouble controlling")).tap()
    for summary in page.locator("details.more > summary").all():
        summary.tap()
    assert_no_axe_violations(page)
    page.emulate_media(color_scheme="dark")  # contrast in the dark scheme too
    assert_no_axe_violations(page)
    page.emulate_media(color_scheme="light")
    entry = post_entry(
        page,
        url,
        {
            "day": yesterday(),
            "leg_pain": 9,
            "back_pain": 0,
            "red_flags": ["bladder_bowel"],
            "regions": {"r_foot_top": "pain"},
            "activities": {"walking": 4},
            "note": "Awful.",
        },
    )
    page.goto(url + "/history")
    expect(page.locator(f'[data-entry-id="{entry["id"]}"]')).to_be_visible()
    assert_no_axe_violations_light_and_dark(page)
    page.goto(url + f"/entries/{entry['id']}/edit")
    assert_no_axe_violations_light_and_dark(page)


def test_today_follows_the_phones_day_when_the_accounts_day_is_ahead(
    browser, live_server, new_user
):
    """The account's zone (Kiritimati, UTC+14) is always a day or two ahead of the phone's
    (Pago Pago, UTC-11). The server's Today shows what is logged on the account's day; the
    phone's Today is the phone's own day, on which nothing is logged: the page must say so
    and offer the form, not keep "Logged today" over cards it took away. (A page kept from
    yesterday in the phone's cache is the same case.)"""
    url = live_server.url
    context = browser.new_context(**PHONE, **NO_WORKER, timezone_id="Pacific/Pago_Pago")
    try:
        page = context.new_page()
        register_via_api(page, url, new_user())
        token = page.request.get(url + "/api/v1/session").json()["csrf_token"]
        headers = {"X-CSRFToken": token}
        moved = {"time_zone": "Pacific/Kiritimati"}
        assert page.request.put(url + "/api/v1/users/me", data=moved, headers=headers).ok
        account_day = datetime.now(ZoneInfo("Pacific/Kiritimati")).date().isoformat()
        logged = {"day": account_day, "leg_pain": 4}
        assert page.request.post(url + "/api/v1/entries", data=logged, headers=headers).ok
        assert "Logged today" in page.request.get(url + "/today").text()  # the server's day

        page.goto(url + "/today")
        page.wait_for_function(
            "() => Number(document.querySelector('[data-logged-today]').dataset.reconciled) > 0"
        )
        phone_day = page.evaluate("() => new Date().toLocaleDateString('en-CA')")
        assert phone_day < account_day
        expect(page.get_by_role("heading", name="How is your pain today?", level=1)).to_be_visible()
        expect(page.get_by_role("heading", name="Logged today")).to_have_count(0)
        expect(page.locator("[data-logged-today]")).to_be_hidden()
        # The form is open, not folded behind "Add another entry", on the phone's day.
        expect(page.locator("[data-entry-form]")).to_be_visible()
        expect(page.locator("[data-another-entry] > summary")).to_be_hidden()

        # Logged on the phone's day from another device: once the phone has it, Today shows
        # it, though the server's page (made for the account's day) does not.
        on_phone_day = {"day": phone_day, "leg_pain": 6}
        other = page.request.post(url + "/api/v1/entries", data=on_phone_day, headers=headers)
        assert other.ok
        page.reload()
        flush_now(page)
        card = page.locator(f"[data-logged-today] [data-entry-id='{other.json()['id']}']")
        expect(card).to_be_visible()
        expect(card).to_have_attribute("data-day", phone_day)
        expect(page.get_by_role("heading", name="Logged today", level=1)).to_be_visible()
        expect(page.locator("[data-logged-today] [data-entry-id]")).to_have_count(1)

        # The account's day is the phone's tomorrow. The server takes it (it has begun on
        # Earth: Kiritimati lives it), but the phone does not take a day it has not reached.
        page.goto(url + "/today")
        open_the_form(page)
        page.get_by_label("Day", exact=True).fill(account_day)
        page.locator("label[for='leg_pain-3']").click()
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator("[data-entry-status]")).to_have_text(
            "That day is in the future. Choose today or an earlier day."
        )
        expect(page.get_by_label("Day", exact=True)).to_be_focused()
    finally:
        context.close()
