"""The before/after body maps on the charts page, light and dark: the body's outline with its
regions, shaded on a scale of their own (not the pain scores'), on which the area that hurt
most often stands out most."""

import uuid
from datetime import UTC, datetime

import pytest

from diary import demo
from tests.browser.colours import contrast
from tests.browser.conftest import assert_no_axe_violations, page_only, register_via_api

pytestmark = page_only

# The rendered fill of each share-N step (as the page's own stylesheet gives it, on an
# element made for the purpose), of each pain-scale step, and the card behind the maps.
STEPS_JS = """() => {
    const card = document.querySelector(".map-compare").closest(".card");
    const probe = (cls) => {
        const e = document.createElement("span");
        e.className = cls;
        card.append(e);
        const colour = getComputedStyle(e).backgroundColor;
        e.remove();
        return colour;
    };
    const root = getComputedStyle(document.documentElement);
    return {
        card: getComputedStyle(card).backgroundColor,
        shares: Array.from({length: 11}, (_, n) => probe(`share-${n}`)),
        pain: Array.from({length: 11}, (_, n) => root.getPropertyValue(`--scale-${n}`).trim()),
    };
}"""


def hex_to_rgb(colour):
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


@pytest.fixture
def charted_patient(page, live_server, new_user):
    """A patient with the demo diary (sent in one sync batch) and its two therapies."""
    url = live_server.url
    register_via_api(page, url, new_user())
    today = datetime.now(UTC).date()
    changes = [
        {"kind": "entry", "id": str(uuid.uuid4()), "base_version": None, "data": entry}
        for entry in demo.diary_entries(today)
    ] + [
        {"kind": "therapy", "id": str(uuid.uuid4()), "base_version": None, "data": therapy}
        for therapy in demo.therapies(today)
    ]
    token = page.request.get(url + "/api/v1/session").json()["csrf_token"]
    response = page.request.post(
        url + "/api/v1/sync",
        data={"cursor": None, "changes": changes},
        headers={"X-CSRFToken": token},
    )
    assert response.ok, response.text()
    assert {r["status"] for r in response.json()["results"]} == {"applied"}
    return page


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_maps_shade_by_share_of_days_so_the_most_frequent_area_stands_out(
    charted_patient, live_server, scheme
):
    page = charted_patient
    page.emulate_media(color_scheme=scheme)
    page.goto(live_server.url + "/charts")
    maps = page.locator(".map-svg")
    assert maps.count() == 4  # before and after, for each of the two therapies
    for n in range(maps.count()):
        drawn = maps.nth(n)
        assert drawn.locator(".map-body").count() == 2  # the body, back and front
        assert drawn.locator(".map-region").count() == 25

    colours = page.evaluate(STEPS_JS)
    card, shares = colours["card"], colours["shares"]
    against_card = [contrast(c, card) for c in shares]
    # Each step stands out from the card more than the one before: dark on light, bright on
    # dark; "every day" at least 3:1, so a sighted reader finds it first.
    assert against_card == sorted(against_card) and len(set(against_card)) == 11, against_card
    assert against_card[0] == 1  # none: the card itself
    assert against_card[10] >= 3
    # Its own scale: no step is a pain-score colour.
    pain = {hex_to_rgb(c) for c in colours["pain"]}
    assert not {tuple(int(v) for v in c[4:-1].split(", ")) for c in shares} & pain

    # Before the injection, the demo's calf hurt nearly every day: one of the strongest steps.
    steps = page.locator(".map-svg").first.evaluate(
        """(svg) => Array.from(svg.querySelectorAll(".map-region"),
            (r) => Number([...r.classList].find((c) => c.startsWith("share-")).slice(6)))"""
    )
    assert max(steps) >= 8
    assert_no_axe_violations(page)


# The side words under each map's legs, in the drawing's own units: each one's box, and the
# drawing's width.
SIDES_JS = """(svg) => ({
    width: svg.viewBox.baseVal.width,
    words: Array.from(svg.querySelectorAll(".map-side"), (text) => {
        const box = text.getBBox();
        return { word: text.textContent, from: box.x, to: box.x + box.width };
    }).sort((a, b) => a.from - b.from),
})"""


@pytest.mark.parametrize(
    ("language", "sides"), [("en", ["Left", "Right"]), ("es", ["Izq.", "Der."])]
)
def test_each_leg_of_a_small_map_is_named_in_the_room_under_it(
    charted_patient, live_server, language, sides
):
    """Two maps side by side on a phone leave about five letters under each leg: the words
    for the sides fit there, within the drawing and clear of each other, in each language
    (Spanish writes them short: "Izquierda" and "Derecha" ran into each other)."""
    page = charted_patient
    url = live_server.url
    token = page.request.get(url + "/api/v1/session").json()["csrf_token"]
    chosen = page.request.put(
        url + "/api/v1/users/me", data={"locale": language}, headers={"X-CSRFToken": token}
    )
    assert chosen.ok, chosen.text()
    page.goto(url + "/charts")
    maps = page.locator(".map-svg")
    assert maps.count() == 4
    for n in range(maps.count()):
        drawn = maps.nth(n).evaluate(SIDES_JS)
        words = drawn["words"]
        assert [w["word"] for w in words] == sides * 2  # back, then front
        assert words[0]["from"] >= 0 and words[-1]["to"] <= drawn["width"], drawn
        for before, after in zip(words, words[1:], strict=False):
            assert before["to"] + 4 <= after["from"], drawn
