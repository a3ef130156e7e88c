"""The pain scores on a phone, light and dark: every segment stands out from the page, the
chosen one is unmistakable to the eye and announced to a screen reader."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.colours import BACKDROP_JS, contrast
from tests.browser.conftest import page_only, register_via_api

pytestmark = page_only

# The drawn parts of a segment's label: its fill, its ink, its ring and the check mark.
LOOK_JS = """(label) => {
    const style = getComputedStyle(label);
    const before = getComputedStyle(label, "::before");
    const after = getComputedStyle(label, "::after");
    const box = label.getBoundingClientRect();
    return {
        fill: style.backgroundColor,
        ink: style.color,
        shadow: style.boxShadow,
        transform: style.transform,
        fontSize: parseFloat(style.fontSize),
        width: box.width,
        badge: before.content !== "none" ? before.backgroundColor : null,
        check: after.content !== "none" ? after.borderRightColor : null,
        checkStroke: parseFloat(after.borderRightWidth) || 0,
    };
}"""


def look(segment):
    return segment.evaluate(LOOK_JS)


def ring(shadow):
    """The outermost ring of a box-shadow list ("rgb(..) 0px 0px 0px 6px, ..."): colour and
    spread in px, or None."""
    rings = re.findall(r"(rgba?\([^)]*\)) 0px 0px 0px (\d+(?:\.\d+)?)px", shadow)
    if not rings:
        return None
    colour, spread = max(rings, key=lambda r: float(r[1]))
    return colour, float(spread)


def scale_of(transform):
    """The scale factor of a computed transform ("matrix(a, b, c, d, e, f)")."""
    if transform == "none":
        return 1.0
    return float(re.findall(r"-?[\d.]+", transform)[0])


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_segment_stands_out_and_the_chosen_one_is_unmistakable(
    page, live_server, new_user, scheme
):
    register_via_api(page, live_server.url, new_user())
    # Reduced motion: the segment grows at once, so what is read is the end state.
    page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
    page.goto(live_server.url + "/today")
    leg = page.get_by_role("group", name=re.compile("^Leg pain"))
    segments = [leg.locator(f'label[for="leg_pain-{n}"]') for n in range(11)]
    backdrop = segments[0].evaluate(BACKDROP_JS)

    # Every segment: 3:1 against the page around it (non-text contrast), the number on it
    # 4.5:1 against its fill. In the light scheme the palest steps (0-4) lean on their
    # numbers; in the dark scheme every step keeps 3:1.
    for n, segment in enumerate(segments):
        drawn = look(segment)
        assert contrast(drawn["ink"], drawn["fill"]) >= 4.5, (n, drawn)
        if scheme == "dark" or n >= 5:
            assert contrast(drawn["fill"], backdrop) >= 3, (n, drawn["fill"], backdrop)
        assert drawn["badge"] is None and drawn["check"] is None
        assert scale_of(drawn["transform"]) == 1

    plain = look(segments[7])
    segments[7].tap()
    radio = leg.get_by_role("radio", name="7")
    expect(radio).to_be_checked()  # what a screen reader announces
    assert leg.get_by_role("radio", checked=True).count() == 1
    chosen = look(segments[7])

    # Larger, in a thick ring that stands out from the page, with a check mark in a badge:
    # differences of shape and size, not of colour alone.
    assert scale_of(chosen["transform"]) >= 1.1
    assert chosen["fontSize"] >= plain["fontSize"] * 1.15
    colour, spread = ring(chosen["shadow"])
    assert spread >= 5
    assert contrast(colour, backdrop) >= 4.5
    assert chosen["badge"] is not None and chosen["check"] is not None
    assert chosen["checkStroke"] >= 3
    assert contrast(chosen["check"], chosen["badge"]) >= 4.5
    assert contrast(chosen["badge"], backdrop) >= 4.5

    # Choosing another moves all of it.
    segments[3].tap()
    expect(leg.get_by_role("radio", name="3")).to_be_checked()
    expect(radio).not_to_be_checked()
    assert look(segments[7])["check"] is None and scale_of(look(segments[7])["transform"]) == 1
    assert look(segments[3])["check"] is not None
