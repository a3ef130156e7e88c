"""The body map in a real Chromium at 360 px: target sizes, taps and keys, the form it posts.

The macro is rendered on its own (no app, no server) with bodymap.css and bodymap.js, so
these checks stay fast and do not depend on the page that embeds the map.
"""

from pathlib import Path

import jinja2
import pytest

from diary.regions import BY_CODE, CODES, REGIONS

ROOT = Path(__file__).resolve().parents[2]
CSS = ROOT / "static" / "css" / "bodymap.css"
JS = ROOT / "static" / "js" / "bodymap.js"

pytestmark = pytest.mark.browser

# A 360 px phone with the page's usual 16 px side margins: the map gets 328 px.
PHONE_WIDTH = 360
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Body map</title>
</head><body><main><h1>Body map</h1><form>{map}</form><div class="spacer"></div></main></body>
</html>"""
# The spacer makes the page scroll, so a Space that scrolled it would be noticed.
BASE_CSS = "body{margin:0;padding:0 16px;font:16px/1.5 system-ui,sans-serif}.spacer{height:2000px}"
# Run the module inline (an about:blank page cannot import a file) and expose it to the test.
START = """
const root = document.querySelector("[data-bodymap]");
window.inputEvents = 0;
root.closest("form").addEventListener("input", () => { window.inputEvents += 1; });
initBodymap(root);
window.bodymap = {
  get: () => getRegions(root),
  set: (state) => setRegions(root, state),
};
"""


def render(selected):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT / "templates"), autoescape=True)
    template = env.from_string(
        '{% from "macros/bodymap.html" import bodymap %}{{ bodymap(regions, selected) }}'
    )
    return template.render(regions=REGIONS, selected=selected)


@pytest.fixture
def open_map(page):
    def open_(selected=None, script=True):
        page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
        page.set_content(PAGE.format(map=render(selected or {})))
        page.add_style_tag(content=BASE_CSS)
        page.add_style_tag(path=str(CSS))
        if script:
            page.add_script_tag(type="module", content=JS.read_text() + START)
            page.wait_for_function("window.bodymap !== undefined")
        return page

    return open_


def state_of(page, code):
    shape = page.locator(f"#{code}")
    return {
        "class": shape.get_attribute("class"),
        "pressed": shape.get_attribute("aria-pressed"),
        "label": shape.get_attribute("aria-label"),
        "pain": page.locator(f'input[name="pain_regions"][value="{code}"]').is_checked(),
        "numb": page.locator(f'input[name="numb_regions"][value="{code}"]').is_checked(),
    }


def expected(code, state):
    words = {"none": "no symptoms", "pain": "pain", "numb": "numbness or pins and needles"}
    return {
        "class": "region" if state == "none" else f"region is-{state}",
        "pressed": "false" if state == "none" else "true",
        "label": f"{BY_CODE[code].label}: {words[state]}",
        "pain": state == "pain",
        "numb": state == "numb",
    }


def list_texts(page):
    return page.locator("[data-bodymap-list] li:not([hidden])").all_inner_texts()


def test_every_region_is_at_least_24_px_at_360_px(open_map):
    page = open_map()
    assert page.locator("svg[data-bodymap-svg]").bounding_box()["width"] == pytest.approx(328)
    boxes = {code: page.locator(f"#{code}").bounding_box() for code in CODES}
    smallest = min(min(b["width"], b["height"]) for b in boxes.values())
    assert smallest >= 24, {c: b for c, b in boxes.items() if min(b["width"], b["height"]) < 24}
    # No two regions overlap, so a tap lands on the one the patient sees.
    for code, box in boxes.items():
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y).id", [cx, cy])
        assert hit == code


def test_with_script_the_drawing_replaces_the_lists(open_map):
    page = open_map()
    assert page.locator("svg[data-bodymap-svg]").is_visible()
    assert page.locator("[data-bodymap-help]").is_visible()
    assert not page.locator("[data-bodymap-fallback]").is_visible()
    assert "js" in page.locator("[data-bodymap]").get_attribute("class").split()


def test_without_script_the_lists_are_the_control(open_map):
    page = open_map(script=False)
    assert not page.locator("svg[data-bodymap-svg]").is_visible()
    assert not page.locator("[data-bodymap-help]").is_visible()
    labels = page.locator(".bodymap-check")
    assert labels.count() == 50
    for i in range(labels.count()):
        assert labels.nth(i).bounding_box()["height"] >= 44
    page.get_by_label("Pain (Left knee)").check()
    assert page.locator('input[name="pain_regions"][value="l_knee"]').is_checked()


def test_a_tap_cycles_none_pain_numb_none(open_map):
    page = open_map()
    assert list_texts(page) == ["none yet"]
    for n, state in enumerate(["pain", "numb", "none"], start=1):
        page.click("#l_calf_back")
        assert state_of(page, "l_calf_back") == expected("l_calf_back", state)
        assert page.evaluate("window.inputEvents") == n
        if state == "pain":
            assert list_texts(page) == ["Left back of calf — pain"]
        elif state == "numb":
            assert list_texts(page) == ["Left back of calf — numbness or pins and needles"]
    assert list_texts(page) == ["none yet"]


def test_enter_and_space_cycle_without_scrolling(open_map):
    page = open_map()
    page.evaluate("window.scrollTo(0, 200)")
    page.focus("#r_foot_top")
    scrolled = page.evaluate("window.scrollY")
    page.keyboard.press("Enter")
    assert state_of(page, "r_foot_top") == expected("r_foot_top", "pain")
    page.keyboard.press(" ")
    assert state_of(page, "r_foot_top") == expected("r_foot_top", "numb")
    page.keyboard.press(" ")
    assert state_of(page, "r_foot_top") == expected("r_foot_top", "none")
    assert page.evaluate("window.scrollY") == scrolled
    assert page.evaluate("window.inputEvents") == 3


def test_regions_are_in_the_tab_order(open_map):
    page = open_map()
    page.focus("#l_low_back")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "c_low_back"


def test_set_and_get_regions_and_what_the_form_posts(open_map):
    page = open_map({"l_knee": "pain"})
    assert page.evaluate("window.bodymap.get()") == {"l_knee": "pain"}
    assert list_texts(page) == ["Left knee — pain"]

    page.evaluate("window.bodymap.set({r_foot_top: 'numb', c_low_back: 'pain'})")
    assert page.evaluate("window.bodymap.get()") == {"c_low_back": "pain", "r_foot_top": "numb"}
    assert state_of(page, "l_knee") == expected("l_knee", "none")
    assert state_of(page, "c_low_back") == expected("c_low_back", "pain")
    assert list_texts(page) == [
        "Lower back, middle — pain",
        "Right top of foot and big toe — numbness or pins and needles",
    ]
    assert page.evaluate("window.inputEvents") == 1
    # The hidden checkboxes still post.
    posted = page.evaluate("[...new FormData(document.querySelector('form')).entries()]")
    assert posted == [["pain_regions", "c_low_back"], ["numb_regions", "r_foot_top"]]

    # A bad state changes nothing.
    for bad in ("{l_elbow: 'pain'}", "{l_knee: 'tingling'}"):
        with pytest.raises(Exception, match="RangeError"):
            page.evaluate(f"window.bodymap.set({bad})")
    assert page.evaluate("window.bodymap.get()") == {"c_low_back": "pain", "r_foot_top": "numb"}


def test_the_map_passes_axe(open_map):
    from axe_playwright_python.sync_playwright import Axe

    page = open_map({"l_calf_back": "pain", "r_shin_outer": "numb"})
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
