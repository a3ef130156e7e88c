"""The body-map catalogue (diary.clinical.regions) and the macro that draws it."""

from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from diary.clinical import regions
from diary.clinical.regions import BY_CODE, CODES, REGIONS

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"

# CLINICAL.md section 2, copied by hand so a change to the catalogue has to change this too.
TABLE = {
    "low_back": ("back", 1, set()),
    "buttock": ("back", 2, {"L5", "S1"}),
    "thigh_back": ("back", 3, {"S1"}),
    "thigh_side": ("front", 3, {"L5"}),
    "thigh_front": ("front", 3, {"L4", "L2", "L3"}),
    "knee": ("front", 3, {"L4"}),
    "calf_back": ("back", 4, {"S1"}),
    "shin_inner": ("front", 4, {"L4"}),
    "shin_outer": ("front", 4, {"L5"}),
    "foot_top": ("front", 5, {"L5"}),
    "foot_outer": ("front", 5, {"S1"}),
    "sole_heel": ("back", 5, {"S1"}),
}


def test_catalogue_has_the_25_codes_of_clinical_md():
    expected = {"c_low_back"} | {f"{side}_{part}" for part in TABLE for side in "lr"}
    assert len(REGIONS) == 25
    assert expected == CODES
    assert set(BY_CODE) == expected
    assert all(BY_CODE[r.code] is r for r in REGIONS)


@pytest.mark.parametrize("region", REGIONS, ids=lambda r: r.code)
def test_region_matches_the_table(region):
    view, level, roots = TABLE[region.part]
    assert region.code == f"{region.side}_{region.part}"
    assert (region.view, region.level, set(region.roots)) == (view, level, roots)
    assert region.view in regions.VIEWS


def test_thigh_front_lists_l4_first():
    assert BY_CODE["l_thigh_front"].roots[0] == "L4"


def test_labels_are_plain_unique_and_name_the_side():
    labels = [r.label for r in REGIONS]
    assert len(set(labels)) == 25
    for r in REGIONS:
        if r.side == "l":
            assert r.label.startswith("Left ")
        elif r.side == "r":
            assert r.label.startswith("Right ")
        assert "_" not in r.label
    assert regions.label("l_calf_back") == "Left back of calf"
    assert regions.label("r_foot_top") == "Right top of foot and big toe"
    assert regions.label("c_low_back") == "Lower back, middle"


def test_region_is_frozen():
    with pytest.raises(AttributeError):
        REGIONS[0].level = 9


@pytest.mark.parametrize("bad", ["", "x_knee", "L_KNEE", "knee", None, 3])
def test_unknown_codes_are_refused(bad):
    with pytest.raises(ValueError):
        regions.label(bad)
    with pytest.raises(ValueError):
        regions.roots_text(bad)
    with pytest.raises(ValueError):
        regions.most_distal_level({bad: "pain"})


def test_roots_text_never_diagnoses():
    assert regions.roots_text("c_low_back") == ""
    assert regions.roots_text("l_low_back") == ""
    assert regions.roots_text("l_calf_back") == "often associated with the S1 nerve root"
    assert regions.roots_text("r_foot_top") == "often associated with the L5 nerve root"
    assert regions.roots_text("l_buttock") == "often associated with the L5 or S1 nerve roots"
    assert regions.roots_text("r_thigh_front") == (
        "often associated with the L4, L2 or L3 nerve roots"
    )
    for r in REGIONS:
        text = regions.roots_text(r.code)
        assert text == "" or text.startswith("often associated with")


@pytest.mark.parametrize(
    ("marked", "level"),
    [
        ({}, 0),
        ({"c_low_back": "pain"}, 1),
        ({"r_buttock": "pain", "l_low_back": "pain"}, 2),
        ({"l_knee": "pain"}, 3),
        ({"l_thigh_back": "pain", "r_calf_back": "pain"}, 4),
        ({"l_sole_heel": "pain", "c_low_back": "pain"}, 5),
        # Numbness is not pain: it never moves the level.
        ({"l_foot_top": "numb"}, 0),
        ({"l_buttock": "pain", "l_foot_outer": "numb"}, 2),
    ],
)
def test_most_distal_level(marked, level):
    assert regions.most_distal_level(marked) == level


def test_most_distal_level_refuses_unknown_states():
    with pytest.raises(ValueError):
        regions.most_distal_level({"l_knee": "tingling"})


@given(st.dictionaries(st.sampled_from(sorted(CODES)), st.sampled_from(regions.STATES)))
def test_most_distal_level_is_the_highest_pain_level(marked):
    level = regions.most_distal_level(marked)
    pain_levels = [BY_CODE[c].level for c, s in marked.items() if s == "pain"]
    assert level == max(pain_levels, default=0)
    assert 0 <= level <= 5
    assert regions.band(level) in regions.BAND_WORDS


@pytest.mark.parametrize(
    ("level", "name"),
    [
        (0, "none"),
        (1, "back"),
        (2, "above_knee"),
        (3, "above_knee"),
        (4, "below_knee"),
        (5, "below_knee"),
    ],
)
def test_band(level, name):
    assert regions.band(level) == name


@pytest.mark.parametrize("bad", [-1, 6, 2.0, True, None, "3"])
def test_band_refuses_what_is_not_a_level(bad):
    with pytest.raises(ValueError):
        regions.band(bad)


def test_band_words_are_patient_words():
    assert regions.BAND_WORDS["back"] == "pain stays in the back"
    assert regions.BAND_WORDS["above_knee"] == "pain reaches above the knee"
    assert regions.BAND_WORDS["below_knee"] == "pain reaches below the knee"
    assert set(regions.BAND_WORDS) == {"none", "back", "above_knee", "below_knee"}


def test_selection_from_form_lets_pain_win_and_keeps_catalogue_order():
    selection = regions.selection_from_form(
        ["r_foot_top", "l_knee"], ["l_knee", "c_low_back", "l_calf_back"]
    )
    assert selection == {
        "c_low_back": "numb",
        "l_knee": "pain",
        "l_calf_back": "numb",
        "r_foot_top": "pain",
    }
    assert list(selection) == [r.code for r in REGIONS if r.code in selection]
    assert regions.selection_from_form([], []) == {}
    with pytest.raises(ValueError):
        regions.selection_from_form(["l_knee", "l_elbow"], [])


# --- the macro -------------------------------------------------------------------------


class Elements(HTMLParser):
    """Every start tag as (tag, attrs) plus the text of each <li>, enough to check markup."""

    def __init__(self, html):
        super().__init__()
        self.elements = []
        self.items = []
        self._li = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag == "li":
            self._li = {"attrs": dict(attrs), "text": ""}
            self.items.append(self._li)

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "li":
            self._li = None

    def handle_data(self, data):
        if self._li is not None:
            self._li["text"] += data

    def find(self, tag=None, **attrs):
        """Elements with this tag and these attributes (None: present without a value)."""
        return [
            a
            for t, a in self.elements
            if (tag is None or t == tag) and all(k in a and a[k] == v for k, v in attrs.items())
        ]


def render(selected, autoescape=True, **kwargs):
    # The app autoescapes; a plain Environment does not. The macro must work in both.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=autoescape,  # noqa: S701
        undefined=jinja2.StrictUndefined,
    )
    template = env.from_string(
        '{% from "macros/bodymap.html" import bodymap %}{{ bodymap(regions, selected, **kwargs) }}'
    )
    return template.render(regions=REGIONS, selected=selected, kwargs=kwargs)


SELECTED = {"l_calf_back": "pain", "r_foot_top": "numb", "c_low_back": "pain"}


@pytest.fixture(params=[True, False], ids=["autoescape", "plain"])
def markup(request):
    return Elements(render(SELECTED, autoescape=request.param))


def shapes(markup):
    return [a for t, a in markup.elements if "region" in a.get("class", "").split()]


def test_svg_region_ids_are_exactly_the_codes(markup):
    found = shapes(markup)
    assert [a["id"] for a in found] == [a["data-region"] for a in found]
    assert {a["id"] for a in found} == CODES
    assert len(found) == 25
    for a in found:
        assert a["role"] == "button"
        assert a["tabindex"] == "0"
        assert a["aria-label"].startswith(BY_CODE[a["id"]].label + ": ")
        assert a["data-label"] == BY_CODE[a["id"]].label


def test_drawing_is_hidden_until_javascript(markup):
    (svg,) = markup.find("svg")
    assert "hidden" in svg and "data-bodymap-svg" in svg
    (help_,) = markup.find(**{"data-bodymap-help": None})
    assert "hidden" in help_
    # The help carries the key (the first two swatches): one per state, not read out.
    swatches = [a for t, a in markup.elements if "bodymap-swatch" in a.get("class", "")]
    assert [a["class"].split()[-1] for a in swatches[:2]] == ["is-pain", "is-numb"]
    assert all(a["aria-hidden"] == "true" for a in swatches)
    assert markup.find("pattern", id="bodymap-numb")


def test_ids_are_unique_and_there_is_nothing_inline(markup):
    ids = [a["id"] for _, a in markup.elements if "id" in a]
    assert len(ids) == len(set(ids))
    for tag, attrs in markup.elements:
        assert tag not in ("script", "style")
        assert "style" not in attrs
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)


def test_every_checkbox_has_a_label_and_posts_a_code(markup):
    boxes = markup.find("input", type="checkbox")
    assert len(boxes) == 50
    labelled = {a["for"] for a in markup.find("label")}
    for box in boxes:
        assert box["id"] in labelled
        assert box["name"] in ("pain_regions", "numb_regions")
        assert box["value"] in CODES
    legends = [a for t, a in markup.elements if t == "legend"]
    assert len(legends) == 2


def test_selected_is_reflected_everywhere(markup):
    checked_pain = {a["value"] for a in markup.find("input", name="pain_regions") if "checked" in a}
    checked_numb = {a["value"] for a in markup.find("input", name="numb_regions") if "checked" in a}
    assert checked_pain == {"l_calf_back", "c_low_back"}
    assert checked_numb == {"r_foot_top"}

    by_id = {a["id"]: a for a in shapes(markup)}
    assert by_id["l_calf_back"]["class"].split() == ["region", "is-pain"]
    assert by_id["l_calf_back"]["aria-pressed"] == "true"
    assert by_id["l_calf_back"]["aria-label"] == "Left back of calf: pain"
    assert by_id["r_foot_top"]["class"].split() == ["region", "is-numb"]
    assert by_id["r_foot_top"]["aria-label"] == (
        "Right top of foot and big toe: numbness or pins and needles"
    )
    assert by_id["l_knee"]["class"] == "region"
    assert by_id["l_knee"]["aria-pressed"] == "false"
    assert by_id["l_knee"]["aria-label"] == "Left knee: no symptoms"

    (ul,) = markup.find("ul", **{"data-bodymap-list": None})
    assert ul["aria-live"] == "polite"
    chosen = [i for i in markup.items if "data-region" in i["attrs"]]
    # Catalogue order, top of the body down.
    assert [i["text"] for i in chosen] == [
        "Lower back, middle — pain",
        "Left back of calf — pain",
        "Right top of foot and big toe — numbness or pins and needles",
    ]
    (empty,) = [i for i in markup.items if "data-bodymap-empty" in i["attrs"]]
    assert "hidden" in empty["attrs"]


@pytest.mark.parametrize("selected", [{}, None])
def test_nothing_selected_shows_the_empty_state(selected):
    markup = Elements(render(selected))
    assert not [a for a in markup.find("input") if "checked" in a]
    assert all(a["aria-pressed"] == "false" for a in shapes(markup))
    items = markup.items
    assert len(items) == 1  # only the empty state: the key is in the help sentence
    assert items[-1]["text"] == "none yet"
    assert "hidden" not in items[-1]["attrs"]


def test_id_prefix_moves_the_form_ids_but_not_the_region_ids():
    markup = Elements(render({}, id_prefix="today"))
    assert all(a["id"].startswith("today-") for a in markup.find("input"))
    assert {a["id"] for a in shapes(markup)} == CODES


def _drawing_script():
    import importlib.util

    path = TEMPLATES.parent / "scripts" / "draw_bodymap.py"
    spec = importlib.util.spec_from_file_location("draw_bodymap", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_template_holds_what_the_drawing_script_draws():
    """The shapes are made by scripts/draw_bodymap.py; a hand edit, or a change to the script
    not copied into the template, would let the two drift apart."""
    assert _drawing_script().main(["--check"]) == 0


def test_the_frame_holds_every_shape_and_the_words_around_them():
    """The charts' maps place "Left" and "Right" from frame.regions_bottom, and both maps
    draw titles above the shapes and sides under them: the numbers must fit the shapes."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    module = env.get_template("macros/bodymap.html").module
    frame, shapes, outlines = module.frame, module.shapes, module.outlines
    assert set(shapes) == CODES and set(outlines) == set(regions.VIEWS)
    script = _drawing_script()
    _, _, lowest = script.drawing()
    assert lowest <= frame["regions_bottom"] < lowest + 1
    assert frame["top"] + 20 <= script.REGIONS_TOP  # room for "Back view" and "Front view"
    assert frame["regions_bottom"] + 16 <= frame["side_y"] <= frame["top"] + frame["height"] - 4


def test_unknown_states_render_as_nothing():
    markup = Elements(render({"l_knee": "tingling"}))
    assert Elements(render({})).elements == markup.elements
