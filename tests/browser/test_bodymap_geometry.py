"""The body map in a real Chromium at 360 px: target sizes, taps and keys, the form it posts.

The macro is rendered on its own (no app, no server) with bodymap.css and bodymap.js, so
these checks stay fast and do not depend on the page that embeds the map.
"""

from pathlib import Path

import jinja2
import pytest

from diary.clinical.regions import BY_CODE, CODES, REGIONS
from tests.browser.conftest import NO_WORKER, assert_no_axe_violations, page_only

ROOT = Path(__file__).resolve().parents[2]
CSS = ROOT / "static" / "css" / "bodymap.css"
JS = ROOT / "static" / "js" / "bodymap.js"

pytestmark = [pytest.mark.browser, page_only]

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


@pytest.fixture(scope="module")
def map_page(browser, browser_context_args):
    """One page for the module: each test sets its content anew (open_map), so a context
    and page per test would only add their start-up."""
    context = browser.new_context(**browser_context_args, **NO_WORKER)
    yield context.new_page()
    context.close()


@pytest.fixture
def open_map(map_page):
    page = map_page
    page.emulate_media(color_scheme="light")

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


# The largest square (in CSS px, to 0.5 px) that lies wholly inside each region's fill: a
# curved shape's bounding box can be 24 px while no 24 px finger-sized square fits in it.
SQUARES_JS = """() => Object.fromEntries(Array.from(document.querySelectorAll(".region"), (s) => {
    const shape = s;
    const scale = shape.ownerSVGElement.getBoundingClientRect().width
        / shape.ownerSVGElement.viewBox.baseVal.width;
    const box = shape.getBBox();
    const inside = (x, y, side) => {
        for (let i = 0; i <= 6; i++) for (let j = 0; j <= 6; j++) {
            const point = new DOMPoint(x + side * i / 6, y + side * j / 6);
            if (!shape.isPointInFill(point)) return false;
        }
        return true;
    };
    const fits = (side) => {
        for (let x = box.x; x + side <= box.x + box.width; x += 0.5)
            for (let y = box.y; y + side <= box.y + box.height; y += 0.5)
                if (inside(x, y, side)) return true;
        return false;
    };
    let px = 0;
    while (fits((px + 0.5) / scale)) px += 0.5;
    return [shape.id, px];
}))"""


def test_a_24_px_square_fits_inside_every_region_at_360_px(open_map):
    page = open_map()
    squares = page.evaluate(SQUARES_JS)
    assert set(squares) == CODES
    assert {code: px for code, px in squares.items() if px < 24} == {}


# Points every 1.5 units along each region's edge, and whether the outline of its view holds
# them (its fill, at least half its stroke's width inside the line).
INSIDE_JS = """() => Array.from(document.querySelectorAll(".bodymap-drawing"), (view) => {
    const body = view.querySelector(".bodymap-body");
    const outside = {};
    for (const shape of view.querySelectorAll(".region")) {
        const total = shape.getTotalLength();
        let points = 0;
        for (let at = 0; at < total; at += 1.5) {
            const p = shape.getPointAtLength(at);
            const point = new DOMPoint(p.x, p.y);
            if (!body.isPointInFill(point) || body.isPointInStroke(point)) points++;
        }
        if (points) outside[shape.id] = points;
    }
    return {view: view.getAttribute("aria-label"), regions: view.querySelectorAll(".region").length,
            outside};
})"""


def test_every_region_lies_inside_the_outline_of_the_body(open_map):
    page = open_map()
    views = page.evaluate(INSIDE_JS)
    assert [(v["view"], v["regions"]) for v in views] == [("Back view", 11), ("Front view", 14)]
    assert [v["outside"] for v in views] == [{}, {}]
    # The body is drawn under the regions, and is not a control.
    body = page.locator(".bodymap-body").first
    assert body.get_attribute("aria-hidden") == "true"
    assert body.get_attribute("tabindex") is None


def test_left_and_right_are_the_patients_own_and_labelled(open_map):
    """Both views show the patient's left on the left (the back seen from behind, the front as
    the patient looks down at their legs), with "Left" and "Right" under the legs and the
    titles above the body."""
    page = open_map()
    for view, title in (("back", "Back view"), ("front", "Front view")):
        drawing = page.get_by_role("group", name=title)
        body = drawing.locator(".bodymap-body").bounding_box()
        middle = body["x"] + body["width"] / 2
        regions = [r for r in REGIONS if r.view == view]
        for region in regions:
            box = page.locator(f"#{region.code}").bounding_box()
            centre = box["x"] + box["width"] / 2
            if region.side == "l":
                assert box["x"] + box["width"] < middle + 1, region.code
            elif region.side == "r":
                assert box["x"] > middle - 1, region.code
            else:
                assert centre == pytest.approx(middle, abs=1)
        title_box = drawing.locator(".bodymap-title").bounding_box()
        assert title_box["y"] + title_box["height"] <= body["y"] + 2
        lowest = max(
            page.locator(f"#{r.code}").bounding_box()["y"]
            + page.locator(f"#{r.code}").bounding_box()["height"]
            for r in regions
        )
        left, right = drawing.locator(".bodymap-side").all()
        assert (left.text_content(), right.text_content()) == ("Left", "Right")
        for side, box in (("l", left.bounding_box()), ("r", right.bounding_box())):
            assert box["y"] >= lowest
            centre = box["x"] + box["width"] / 2
            assert (centre < middle) == (side == "l")


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


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_map_passes_axe(open_map, scheme):
    page = open_map({"l_calf_back": "pain", "r_shin_outer": "numb"})
    page.emulate_media(color_scheme=scheme)
    assert_no_axe_violations(page)
