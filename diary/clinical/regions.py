"""The body-map regions: the one catalogue of where a patient can mark pain or numbness.

Pure data and small functions over it (CLINICAL.md section 2); no Flask, no database. The
template macro ``macros/bodymap.html`` draws one shape per region here, the validation of
entries accepts only these codes, and the analysis reads ``most_distal_level``.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from diary.i18n.text import N_, gettext

#: What a region can hold in an entry. ``numb`` covers numbness, tingling, pins and needles.
STATES = ("pain", "numb")

#: The two drawings, in the order the page shows them.
VIEWS = ("back", "front")


@dataclass(frozen=True)
class Region:
    """One area of the body map.

    ``side`` is ``"l"``, ``"r"`` or ``"c"`` (midline); ``level`` is the distal level, 1 (low
    back) to 5 (foot); ``roots`` are the nerve roots whose territory the area usually lies
    in, most usual first, empty for the low back.
    """

    code: str
    side: str
    part: str
    #: The name in English, as the catalogue holds it; ``label`` says it in the reader's language.
    english: str
    view: str
    level: int
    roots: tuple[str, ...]

    @property
    def label(self) -> str:
        return gettext(self.english)


# part -> (view, level, roots, label after "Left"/"Right"), in CLINICAL.md section 2's order.
# Labels are the patient's words; the clinical term is in the comment when it differs.
_PARTS = {
    "low_back": ("back", 1, (), "lower back"),
    "buttock": ("back", 2, ("L5", "S1"), "buttock"),
    "thigh_back": ("back", 3, ("S1",), "back of thigh"),
    "thigh_side": ("front", 3, ("L5",), "outer side of thigh"),
    # thigh_front includes the groin; L4 usually, L2-L3 also (most usual first).
    "thigh_front": ("front", 3, ("L4", "L2", "L3"), "front of thigh and groin"),
    "knee": ("front", 3, ("L4",), "knee"),
    "calf_back": ("back", 4, ("S1",), "back of calf"),
    "shin_inner": ("front", 4, ("L4",), "inner shin and ankle"),  # medial shin and ankle
    "shin_outer": ("front", 4, ("L5",), "outer side of lower leg"),  # lateral calf
    "foot_top": ("front", 5, ("L5",), "top of foot and big toe"),  # dorsum
    "foot_outer": ("front", 5, ("S1",), "outer edge of foot and little toe"),  # lateral foot
    "sole_heel": ("back", 5, ("S1",), "sole and heel"),
}

_SIDES = ("l", "r")

#: Each region's whole name, side included: languages put the side in different places
#: ("Left back of calf", "Pantorrilla izquierda, parte posterior").
_LABELS = {
    "l_low_back": N_("Left lower back"),
    "c_low_back": N_("Lower back, middle"),
    "r_low_back": N_("Right lower back"),
    "l_buttock": N_("Left buttock"),
    "r_buttock": N_("Right buttock"),
    "l_thigh_back": N_("Left back of thigh"),
    "r_thigh_back": N_("Right back of thigh"),
    "l_thigh_side": N_("Left outer side of thigh"),
    "r_thigh_side": N_("Right outer side of thigh"),
    "l_thigh_front": N_("Left front of thigh and groin"),
    "r_thigh_front": N_("Right front of thigh and groin"),
    "l_knee": N_("Left knee"),
    "r_knee": N_("Right knee"),
    "l_calf_back": N_("Left back of calf"),
    "r_calf_back": N_("Right back of calf"),
    "l_shin_inner": N_("Left inner shin and ankle"),
    "r_shin_inner": N_("Right inner shin and ankle"),
    "l_shin_outer": N_("Left outer side of lower leg"),
    "r_shin_outer": N_("Right outer side of lower leg"),
    "l_foot_top": N_("Left top of foot and big toe"),
    "r_foot_top": N_("Right top of foot and big toe"),
    "l_foot_outer": N_("Left outer edge of foot and little toe"),
    "r_foot_outer": N_("Right outer edge of foot and little toe"),
    "l_sole_heel": N_("Left sole and heel"),
    "r_sole_heel": N_("Right sole and heel"),
}


def _build() -> tuple[Region, ...]:
    regions = []
    for part, (view, level, roots, _words) in _PARTS.items():
        # Left, middle, right: the order a patient reads across their back.
        sides = ("l", "c", "r") if part == "low_back" else _SIDES
        for side in sides:
            code = f"{side}_{part}"
            regions.append(Region(code, side, part, _LABELS[code], view, level, roots))
    return tuple(regions)


#: All 25 regions, top of the body to the bottom, left before right.
REGIONS: tuple[Region, ...] = _build()
BY_CODE: dict[str, Region] = {r.code: r for r in REGIONS}
CODES: frozenset[str] = frozenset(BY_CODE)

#: Summary bands of the most distal level (Quebec Task Force grading), in patient words.
BAND_WORDS = {
    "none": N_("no pain marked on the body map"),
    "back": N_("pain stays in the back"),
    "above_knee": N_("pain reaches above the knee"),
    "below_knee": N_("pain reaches below the knee"),
}


def get(code: str) -> Region:
    """Return the region with this code; refuse (ValueError) a code not in the catalogue."""
    try:
        return BY_CODE[code]
    except (KeyError, TypeError):
        raise ValueError(f"unknown body-map region: {code!r}") from None


def label(code: str) -> str:
    """Return the plain-language label of a region ("Left back of calf"); ValueError if unknown."""
    return get(code).label


def roots_text(code: str) -> str:
    """Return how to describe the region's usual nerve roots, or "" when it has none.

    Always "often associated with", never a diagnosis: radicular pain is non-dermatomal in
    about two cases of three (Murphy 2009). Refuses an unknown code with ValueError.
    """
    roots = get(code).roots
    if not roots:
        return ""
    if len(roots) == 1:
        return gettext("often associated with the %(root)s nerve root", root=roots[0])
    return gettext(
        "often associated with the %(roots)s or %(last)s nerve roots",
        roots=", ".join(roots[:-1]),
        last=roots[-1],
    )


def most_distal_level(regions: Mapping[str, str]) -> int:
    """Return the highest distal level among the ``pain`` regions, 0 when there are none.

    Numbness never counts: sensations are not pain. Refuses (ValueError) an unknown code or
    a state other than those in ``STATES``.
    """
    level = 0
    for code, state in regions.items():
        region = get(code)
        if state not in STATES:
            raise ValueError(f"unknown state {state!r} for region {code!r}")
        if state == "pain":
            level = max(level, region.level)
    return level


def band(level: int) -> str:
    """Return the summary band of a most-distal level: "none" (0), "back" (1),
    "above_knee" (2-3) or "below_knee" (4-5). Refuses any other value with ValueError."""
    if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 5:
        raise ValueError(f"distal level must be an integer 0-5, not {level!r}")
    if level == 0:
        return "none"
    if level == 1:
        return "back"
    return "above_knee" if level <= 3 else "below_knee"


def selection_from_form(pain_codes: Iterable[str], numb_codes: Iterable[str]) -> dict[str, str]:
    """Return ``{code: state}`` from the body map's two checkbox lists.

    The no-JavaScript form lets a patient tick both boxes of one area; pain then wins, because
    it is what the distal level and the summaries are about. Refuses an unknown code with
    ValueError, so a tampered form cannot store one.
    """
    selection = {get(code).code: "numb" for code in numb_codes}
    selection.update({get(code).code: "pain" for code in pain_codes})
    # Catalogue order, so stored JSON and the words list read the same way every time.
    return {r.code: selection[r.code] for r in REGIONS if r.code in selection}
