"""Draw the body map: the outline of a body from the waist down and its 25 regions, as SVG.

    .venv/bin/python scripts/draw_bodymap.py           # rewrites the drawing in the template
    .venv/bin/python scripts/draw_bodymap.py --check   # exit status 1 when it is out of date

The body is a few curves: the outer edge of the hip and the left leg, the inner edge of the
left leg, and the feet (seen from behind: heels; from the front: toes). Every region is a
piece of that body, kept INSET inside the outline and GAP from its neighbours; the right side
mirrors the left, because both views show the patient's left on the left (the back view from
behind, the front view as the patient looks down at their own legs). The result goes into
templates/macros/bodymap.html between the two marker lines, where the page and the charts
read it; tests/browser/test_bodymap_geometry.py measures it in a browser (every region inside
the outline and big enough to tap).

Units are the SVG's viewBox units: 344 wide for both views, which is 328 px on a 360 px phone,
so a 24 px target needs 25.2 units.
"""

import argparse
import math
import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "macros" / "bodymap.html"
BEGIN = "{#- Drawn by scripts/draw_bodymap.py: edit the script, not these lines. -#}\n"
END = "{#- End of the drawing. -#}\n"

VIEW_WIDTH = 168  # each view; the front view starts at FRONT_X
FRONT_X = 176
MID = VIEW_WIDTH / 2
GAP = 1.25  # half the space between two neighbouring regions
INSET = 2.5  # how far each region stays inside the outline
RADIUS = 5  # corners

# The frame: the viewBox starts at TOP and is HEIGHT tall; "Left" and "Right" sit on SIDE_Y.
FRAME = {"top": 3, "height": 313, "side_y": 311}


class Curve:
    """x as a smooth function of y through (y, x) knots (Catmull-Rom, knots sorted by y)."""

    def __init__(self, knots):
        self.knots = knots

    def at(self, y):
        k = self.knots
        if y <= k[0][0]:
            return k[0][1]
        if y >= k[-1][0]:
            return k[-1][1]
        i = max(n for n in range(len(k) - 1) if k[n][0] <= y)
        x0 = k[i - 1][1] if i > 0 else 2 * k[i][1] - k[i + 1][1]
        x1, x2 = k[i][1], k[i + 1][1]
        x3 = k[i + 2][1] if i + 2 < len(k) else 2 * x2 - x1
        u = (y - k[i][0]) / (k[i + 1][0] - k[i][0])
        return 0.5 * (
            2 * x1
            + (x2 - x0) * u
            + (2 * x0 - 5 * x1 + 4 * x2 - x3) * u * u
            + (3 * x1 - x0 - 3 * x2 + x3) * u**3
        )

    def points(self, y0, y1, dx=0.0, step=8):
        """Points on the curve from y0 to y1, moved dx to the right."""
        return [(self.at(y) + dx, y) for y in steps(y0, y1, step)]


def steps(y0, y1, step=8):
    """y0, then a y every ``step`` or so, then y1 (either direction)."""
    n = max(1, round(abs(y1 - y0) / step))
    return [y0 + (y1 - y0) * k / n for k in range(n + 1)]


# The left half of the body, from the waist down (y grows downwards).
OUTER = Curve(
    [
        (22, 25.5),
        (40, 22),
        (62, 15),
        (86, 10),
        (108, 11),
        (130, 14),
        (156, 18),
        (180, 23),
        (198, 16),
        (214, 16.5),
        (234, 26),
        (248, 31),
        (252, 31),
    ]
)
CROTCH_Y = 122
INNER = Curve(
    [
        (CROTCH_Y, 83),
        (140, 81),
        (160, 78),
        (180, 75),
        (198, 81),
        (214, 80.5),
        (234, 73),
        (248, 68),
        (252, 68),
    ]
)
ANKLE_Y = 250
# Seen from the front, the foot widens to the toes, the big toe (inside) reaching lowest;
# seen from behind, the heel is round.
TOE_OUTER = Curve([(ANKLE_Y, 31), (255, 22), (263, 15), (289, 13)])
TOE_INNER = Curve([(ANKLE_Y, 68), (255, 74), (263, 79), (293, 80)])
HEEL_OUTER = Curve([(ANKLE_Y, 31), (262, 28), (276, 28), (288, 35)])
HEEL_INNER = Curve([(ANKLE_Y, 68), (262, 71), (276, 71), (288, 64)])
HEEL_BOTTOM = 292


def inner(y):
    """The inner edge of the left leg; above the crotch, the middle of the body."""
    return INNER.at(y) if y >= CROTCH_Y else MID - 1


def toes(x):
    """The tips of the left foot's toes: lowest under the big toe."""
    a, b = TOE_OUTER.at(289), TOE_INNER.at(293)
    u = min(1, max(0, (x - a) / (b - a)))
    return 289 + 6 * math.sin(math.pi / 2 * u**1.3)


# ---- the regions of the left half (each a list of edges, each edge a list of points) -------

REGIONS_TOP = 26
LOW_BACK_BOTTOM = 62
SPINE = 19  # half the width of "Lower back, middle"
KNEE_CREASE = 181
THIGH_BOTTOM = 147  # front: above the knee
KNEE_BOTTOM = 183
SIDE_SHARE = 0.45  # of the thigh's width, the outer side's


def left_low_back():
    t, b, x = REGIONS_TOP, LOW_BACK_BOTTOM, MID - SPINE - GAP
    return [
        [(OUTER.at(t) + INSET, t), (x, t)],
        [(x, t), (x, b)],
        [(x, b), (OUTER.at(b) + INSET, b)],
        OUTER.points(b, t, INSET),
    ]


def middle_low_back():
    t, b, a, z = REGIONS_TOP, LOW_BACK_BOTTOM, MID - SPINE + GAP, MID + SPINE - GAP
    return [[(a, t), (z, t)], [(z, t), (z, b)], [(z, b), (a, b)], [(a, b), (a, t)]]


def fold(x):
    """The bottom of the left buttock (the gluteal fold): lowest under its middle."""
    x0 = OUTER.at(104)
    u = min(1, max(0, (x - x0) / (MID - x0)))
    return 104 + 22 * math.sin(math.pi * u**0.9) - 6 * u


def spread(x0, x1, n):
    return [x0 + (x1 - x0) * k / n for k in range(n + 1)]


def left_buttock():
    t, x = LOW_BACK_BOTTOM + 2 * GAP, MID - GAP
    bottom = [(x, fold(x) - GAP) for x in spread(x, OUTER.at(104) + INSET, 8)]
    return [
        [(OUTER.at(t) + INSET, t), (x, t)],
        [(x, t), (x - 0.5, 100), bottom[0]],
        bottom,
        OUTER.points(bottom[-1][1], t, INSET),
    ]


def left_thigh_back():
    top = [(x, fold(x) + GAP) for x in spread(OUTER.at(112) + INSET, inner(126) - INSET, 8)]
    b = KNEE_CREASE - GAP
    return [
        top,
        INNER.points(top[-1][1], b, -INSET),
        [(INNER.at(b) - INSET, b), (OUTER.at(b) + INSET, b)],
        OUTER.points(b, top[0][1], INSET),
    ]


def left_calf_back():
    t, b = KNEE_CREASE + GAP + 3, ANKLE_Y - 4
    return [
        [(OUTER.at(t) + INSET, t), (INNER.at(t) - INSET, t)],
        INNER.points(t, b, -INSET),
        [(INNER.at(b) - INSET, b), (OUTER.at(b) + INSET, b)],
        OUTER.points(b, t, INSET),
    ]


def left_heel():
    t, b = ANKLE_Y - 4 + 2 * GAP, 284
    left, right = HEEL_OUTER.points(t, b, INSET), HEEL_INNER.points(t, b, -INSET)
    middle = (left[-1][0] + right[-1][0]) / 2
    bottom = [
        (right[-1][0] - 5, 289 - INSET),
        (middle, HEEL_BOTTOM - INSET),
        (left[-1][0] + 5, 289 - INSET),
    ]
    return [[left[0], right[0]], right + bottom + list(reversed(left))]


def crease(x):
    """The groin crease, the top of the front thigh: from the hip down to the crotch."""
    x0 = OUTER.at(66)
    u = min(1, max(0, (x - x0) / (MID - 1 - x0)))
    return 66 + (CROTCH_Y - 66) * u**1.6


def split(y):
    """Where the outer side of the thigh meets its front."""
    return OUTER.at(y) + SIDE_SHARE * (max(inner(y), inner(CROTCH_Y)) - OUTER.at(y))


def left_thigh_side():
    b = THIGH_BOTTOM
    top = [(x, crease(x) + GAP + 1) for x in spread(OUTER.at(66) + INSET, split(90) - GAP, 4)]
    return [
        top,
        [(split(y) - GAP, y) for y in steps(top[-1][1], b)],
        [(split(b) - GAP, b), (OUTER.at(b) + INSET, b)],
        OUTER.points(b, top[0][1], INSET),
    ]


def left_thigh_front():
    b = THIGH_BOTTOM
    top = [(x, crease(x) + GAP) for x in spread(split(80) + GAP, inner(CROTCH_Y) - INSET, 6)]
    return [
        top,
        INNER.points(top[-1][1], b, -INSET),
        [(INNER.at(b) - INSET, b), (split(b) + GAP, b)],
        [(split(y) + GAP, y) for y in steps(b, top[0][1])],
    ]


def left_knee():
    t, b = THIGH_BOTTOM + 2 * GAP, KNEE_BOTTOM
    return [
        [(OUTER.at(t) + INSET, t), (INNER.at(t) - INSET, t)],
        INNER.points(t, b, -INSET),
        [(INNER.at(b) - INSET, b), (OUTER.at(b) + INSET, b)],
        OUTER.points(b, t, INSET),
    ]


def middle_of_leg(y):
    return (OUTER.at(y) + INNER.at(y)) / 2


def left_shin(outer_side):
    t, b = KNEE_BOTTOM + 2 * GAP, ANKLE_Y
    if outer_side:
        left = OUTER.points(t, b, INSET)
        right = [(middle_of_leg(y) - GAP, y) for _, y in left]
    else:
        right = INNER.points(t, b, -INSET)
        left = [(middle_of_leg(y) + GAP, y) for _, y in right]
    return [[left[0], right[0]], right, [right[-1], left[-1]], list(reversed(left))]


def left_foot(outer_side):
    t, b = ANKLE_Y + 2 * GAP + 3, 286

    def middle(y):
        return TOE_OUTER.at(y) + 0.5 * (TOE_INNER.at(y) - TOE_OUTER.at(y))

    if outer_side:
        left = TOE_OUTER.points(t, b, INSET, step=6)
        right = [(middle(y) - GAP, y) for _, y in left]
    else:
        right = TOE_INNER.points(t, b, -INSET, step=6)
        left = [(middle(y) + GAP, y) for _, y in right]
    bottom = [(x, toes(x) - INSET) for x in spread(right[-1][0], left[-1][0], 4)]
    return [
        [left[0], right[0]],
        right[:-1] + [bottom[0]],
        bottom,
        [bottom[-1]] + list(reversed(left))[1:],
    ]


def left_outline(view):
    """The left half of the body's outline, from the waist round the foot to the crotch."""
    down = OUTER.points(22, ANKLE_Y, step=8)
    up = INNER.points(ANKLE_Y, CROTCH_Y, step=8)
    if view == "back":
        foot = HEEL_OUTER.points(ANKLE_Y, 286, step=6)[1:]
        foot += [(MID / 2 + 7.5, HEEL_BOTTOM + 0.5)]  # under the middle of the heel
        foot += HEEL_INNER.points(286, ANKLE_Y, step=6)[:-1]
    else:
        a, b = TOE_OUTER.at(289), TOE_INNER.at(293)
        foot = TOE_OUTER.points(ANKLE_Y, 283, step=6)[1:] + [(a + 1, 290.5)]
        foot += [(x, toes(x) + 0.5) for x in (a + 0.3 * (b - a), a + 0.65 * (b - a))]
        foot += [(b - 2, 295.5)] + TOE_INNER.points(283, ANKLE_Y, step=6)[:-1]
    return down[:-1] + foot + up


# ---- SVG paths ----------------------------------------------------------------------------


def number(v):
    return str(round(v) + 0)  # + 0: never "-0"


def xy(p):
    return f"{number(p[0])} {number(p[1])}"


def distance(a, b):
    return math.hypot(a[0] - b[0], a[1] - b[1])


def without_start(points, r):
    """The polyline with its first ``r`` units cut off."""
    points = list(points)
    while len(points) > 2 and distance(points[0], points[1]) <= r:
        r -= distance(points[0], points[1])
        points.pop(0)
    (ax, ay), (bx, by) = points[0], points[1]
    d = distance(points[0], points[1])
    points[0] = (ax + (bx - ax) * r / d, ay + (by - ay) * r / d)
    return points


def length(points):
    return sum(distance(points[k], points[k + 1]) for k in range(len(points) - 1))


def smooth(points):
    """Catmull-Rom through ``points`` as relative SVG commands from points[0].

    Its Bézier pieces share their tangents, so every piece after the first is an "s"; a
    straight edge stays a line. Relative numbers keep the page small.
    """
    # On the grid first, so the relative steps add up to exactly the points.
    points = [grid(p) for p in points]
    if len(points) == 2:
        return [f"l{xy(minus(points[1], points[0]))}"]
    commands = []
    for k in range(len(points) - 1):
        p0, p1, p2 = points[max(k - 1, 0)], points[k], points[k + 1]
        p3 = points[min(k + 2, len(points) - 1)]
        c1 = grid((p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6))
        c2 = grid((p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6))
        end = f"{xy(minus(c2, p1))} {xy(minus(p2, p1))}"
        commands.append(f"c{xy(minus(c1, p1))} {end}" if k == 0 else f"s{end}")
    return commands


def grid(p):
    # Whole units (about a pixel on a phone): half the page weight of tenths, and the
    # browser's curves stay smooth.
    return (round(p[0]), round(p[1]))


def minus(a, b):
    return (a[0] - b[0], a[1] - b[1])


def path(edges, radius=RADIUS):
    """A closed path along ``edges`` (each starts where the previous one ends), its corners
    rounded."""
    cut = []
    for edge in edges:
        r = min(radius, length(edge) / 2.2)
        cut.append([grid(p) for p in reversed(without_start(reversed(without_start(edge, r)), r))])
    edges = [[grid(p) for p in edge] for edge in edges]
    commands = [f"M{xy(cut[0][0])}"]
    for k, edge in enumerate(cut):
        commands += smooth(edge)
        following = (k + 1) % len(edges)
        corner = minus(edges[following][0], edge[-1])
        start = minus(cut[following][0], edge[-1])
        commands.append(f"q{xy(corner)} {xy(start)}")
    return "".join(commands) + "Z"


def closed_curve(points):
    return f"M{xy(points[0])}" + "".join(smooth(points)) + "Z"


def mirrored(edges):
    """The right side's edges from the left side's."""
    return [[(VIEW_WIDTH - x, y) for x, y in reversed(edge)] for edge in reversed(edges)]


def moved(edges, dx):
    return [[(x + dx, y) for x, y in edge] for edge in edges]


def drawing():
    """Return (outlines, shapes, lowest): the outline of each view, each region's path and
    the lowest point of any region."""
    left = {
        "back": {
            "l_low_back": left_low_back(),
            "c_low_back": middle_low_back(),
            "l_buttock": left_buttock(),
            "l_thigh_back": left_thigh_back(),
            "l_calf_back": left_calf_back(),
            "l_sole_heel": left_heel(),
        },
        "front": {
            "l_thigh_side": left_thigh_side(),
            "l_thigh_front": left_thigh_front(),
            "l_knee": left_knee(),
            "l_shin_outer": left_shin(outer_side=True),
            "l_shin_inner": left_shin(outer_side=False),
            "l_foot_outer": left_foot(outer_side=True),
            "l_foot_top": left_foot(outer_side=False),
        },
    }
    outlines, shapes = {}, {}
    lowest = max(
        y for table in left.values() for edges in table.values() for e in edges for _, y in e
    )
    for view, dx in (("back", 0), ("front", FRONT_X)):
        half = left_outline(view)
        whole = half + [(VIEW_WIDTH - x, y) for x, y in reversed(half)]
        outlines[view] = closed_curve([(x + dx, y) for x, y in whole])
        for code, edges in left[view].items():
            shapes[code] = path(moved(edges, dx))
            if code.startswith("l_"):
                shapes["r" + code[1:]] = path(moved(mirrored(edges), dx))
    return outlines, shapes, lowest


def template_block():
    """The lines of the template that hold the drawing."""
    outlines, shapes, lowest = drawing()
    frame = {**FRAME, "regions_bottom": math.ceil(lowest)}

    def mapping(name, items):
        body = ",\n".join(f'  "{key}": "{value}"' for key, value in items.items())
        return f"{{% set {name} = {{\n{body}\n}} %}}\n"

    frame_text = ", ".join(f'"{k}": {v}' for k, v in frame.items())
    return (
        BEGIN
        + f"{{% set frame = {{{frame_text}}} %}}\n"
        + mapping("outlines", outlines)
        + mapping("shapes", shapes)
        + END
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether it is up to date")
    args = parser.parse_args(argv)
    text = TEMPLATE.read_text()
    start, end = text.index(BEGIN), text.index(END) + len(END)
    updated = text[:start] + template_block() + text[end:]
    if args.check:
        if updated != text:
            print(f"{TEMPLATE} is out of date: run scripts/draw_bodymap.py", file=sys.stderr)
            return 1
        return 0
    TEMPLATE.write_text(updated)
    return 0


if __name__ == "__main__":
    sys.exit(main())
