#!/usr/bin/env python3
"""Generate the diary's app icons (PWA, Apple touch icon, favicon).

Writes, under static/icons/ (relative to the repository root):

    icon-192.png           192x192, rounded teal background, transparent corners
    icon-512.png           512x512, same design
    maskable-512.png       512x512, opaque full-bleed background, design kept
                           inside the inner 80% safe zone (its farthest point is
                           ~32% of the width from the centre; the safe circle's
                           radius is 40%), for "purpose": "maskable"
    apple-touch-icon.png   180x180, opaque (iOS rounds the corners itself)
    favicon.svg            vector version of icon-*.png

Design: a white open diary on a dark teal/blue (#1f4e5f) rounded square; the
left page has ruled lines, the right page a small chart: faint axes and a
curve that descends (pain easing) and ends in a dot. No text.

How to run (Pillow is needed only here, not by the app, so keep it out of the
project's virtualenv):

    python3 -m venv /tmp/iconvenv
    /tmp/iconvenv/bin/pip install pillow
    /tmp/iconvenv/bin/python scripts/make_icons.py

The output is deterministic for a given Pillow version. All shapes are defined
once, in a 100x100 unit square, and drawn both into the PNGs (4x supersampled,
then downscaled) and into the SVG.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

try:
    from PIL import Image, ImageDraw
except ImportError:  # pragma: no cover - tooling script
    sys.exit(
        "Pillow is required: python3 -m venv /tmp/iconvenv && "
        "/tmp/iconvenv/bin/pip install pillow && "
        "/tmp/iconvenv/bin/python scripts/make_icons.py"
    )

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "static" / "icons"

BG = "#1f4e5f"  # dark teal/blue background
PAGE = "#ffffff"  # diary pages
RULE = "#9fbac3"  # ruled lines on the left page (light teal-grey)
CURVE = "#1f4e5f"  # descending curve on the right page

CORNER_RADIUS = 22  # background corner radius, in units of the 100-unit square
SUPERSAMPLE = 4

# --- Geometry (100x100 units) -------------------------------------------------
# Each path is a start point followed by segments; a segment is a tuple of
# points: one point = line, two = quadratic Bezier, three = cubic Bezier.

LEFT_PAGE = [
    (20, 31),
    ((35, 24), (48.8, 32)),  # top edge, rising then dipping to the spine
    ((48.8, 75),),  # spine
    ((35, 67), (20, 72.5)),  # bottom edge
    ((20, 31),),  # outer edge
]


def _mirror(path):
    """Mirror a path about x = 50 (left page -> right page)."""
    start, *segs = path
    return [(100 - start[0], start[1])] + [tuple((100 - x, y) for x, y in seg) for seg in segs]


RIGHT_PAGE = _mirror(LEFT_PAGE)

# Ruled lines on the left page, following the curve of the top edge.
RULES = [[(26, 39 + d), ((35, 35 + d), (43.5, 39.5 + d))] for d in (0, 8.5, 17)]
RULE_WIDTH = 2.6

# Right page: a small chart. Faint axes, and a curve that starts high on the
# left and eases down to the right (pain going down), ending in a dot.
AXES = [(57, 37), ((57, 64.5),), ((75, 64.5),)]
AXES_WIDTH = 2.4
PAIN_CURVE = [(61, 40), ((66.5, 40), (67, 56), (73, 56))]
CURVE_WIDTH = 3.8
CURVE_DOT = ((73, 56), 3.5)  # centre, radius


# --- Path helpers -------------------------------------------------------------


def _bezier(points, t):
    """Point at t on a Bezier curve given by its control points (de Casteljau)."""
    pts = list(points)
    while len(pts) > 1:
        pts = [
            (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t) for a, b in itertools.pairwise(pts)
        ]
    return pts[0]


def flatten(path, steps=48):
    """Sample a path into a list of points."""
    start, *segs = path
    out = [start]
    cur = start
    for seg in segs:
        ctrl = (cur,) + tuple(seg)  # a line is a first-order Bezier
        out.extend(_bezier(ctrl, i / steps) for i in range(1, steps + 1))
        cur = seg[-1]
    return out


def _fmt(v):
    return f"{v:g}"


def svg_d(path, close=False):
    start, *segs = path
    parts = [f"M{_fmt(start[0])} {_fmt(start[1])}"]
    for seg in segs:
        cmd = {1: "L", 2: "Q", 3: "C"}[len(seg)]
        parts.append(cmd + " ".join(f"{_fmt(x)} {_fmt(y)}" for x, y in seg))
    if close:
        parts.append("Z")
    return "".join(parts)


# --- PNG rendering ------------------------------------------------------------


def render(size, *, scale=1.0, rounded=True, opaque=False):
    """Render the icon at `size` px.

    scale   -- scale of the diary about the centre (1.0 = normal icon).
    rounded -- rounded-square background with transparent corners; if False
               the background fills the whole square (full bleed).
    opaque  -- RGB output with no alpha channel.
    """
    big = size * SUPERSAMPLE
    u = big / 100.0  # pixels per unit

    def px(p):
        x, y = p
        return (
            (50 + (x - 50) * scale) * u,
            (50 + (y - 50) * scale) * u,
        )

    # Transparent pixels carry the background colour so edges don't fringe.
    img = Image.new("RGBA", (big, big), BG + "00")
    draw = ImageDraw.Draw(img)
    if rounded:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=CORNER_RADIUS * u, fill=BG)
    else:
        draw.rectangle((0, 0, big, big), fill=BG)

    for page in (LEFT_PAGE, RIGHT_PAGE):
        draw.polygon([px(p) for p in flatten(page)], fill=PAGE)

    def stroke(path, width, colour):
        # Sweep a disc along the densely sampled path: a smooth stroke with
        # round caps and joins (ImageDraw.line leaves notches on tight curves).
        r = width * scale * u / 2
        for cx, cy in (px(p) for p in flatten(path, steps=400)):
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)

    for rule in RULES:
        stroke(rule, RULE_WIDTH, RULE)
    stroke(AXES, AXES_WIDTH, RULE)
    stroke(PAIN_CURVE, CURVE_WIDTH, CURVE)
    (cx, cy), r = CURVE_DOT
    cx, cy = px((cx, cy))
    r *= scale * u
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=CURVE)

    # Downscale with premultiplied alpha for clean anti-aliased edges.
    img = img.convert("RGBa").resize((size, size), Image.LANCZOS).convert("RGBA")
    if opaque:
        img = img.convert("RGB")
    return img


# --- SVG ----------------------------------------------------------------------


def make_svg():
    (cx, cy), r = CURVE_DOT
    rules = "".join(f'<path d="{svg_d(p)}"/>' for p in RULES)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        f'<rect width="100" height="100" rx="{CORNER_RADIUS}" fill="{BG}"/>'
        f'<g fill="{PAGE}">'
        f'<path d="{svg_d(LEFT_PAGE, close=True)}"/>'
        f'<path d="{svg_d(RIGHT_PAGE, close=True)}"/>'
        "</g>"
        f'<g fill="none" stroke="{RULE}" stroke-width="{_fmt(RULE_WIDTH)}" '
        f'stroke-linecap="round" stroke-linejoin="round">{rules}'
        f'<path d="{svg_d(AXES)}" stroke-width="{_fmt(AXES_WIDTH)}"/></g>'
        f'<path d="{svg_d(PAIN_CURVE)}" fill="none" stroke="{CURVE}" '
        f'stroke-width="{_fmt(CURVE_WIDTH)}" stroke-linecap="round"/>'
        f'<circle cx="{_fmt(cx)}" cy="{_fmt(cy)}" r="{_fmt(r)}" fill="{CURVE}"/>'
        "</svg>\n"
    )


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    save = {"optimize": True}
    render(192).save(OUT / "icon-192.png", **save)
    render(512).save(OUT / "icon-512.png", **save)
    # Maskable: full bleed; the diary (about 60x50 units at scale 1) is shrunk
    # so its farthest corner is ~32% of the width from the centre, inside the
    # 40%-radius safe circle.
    render(512, scale=0.85, rounded=False, opaque=True).save(OUT / "maskable-512.png", **save)
    render(180, scale=0.95, rounded=False, opaque=True).save(OUT / "apple-touch-icon.png", **save)
    (OUT / "favicon.svg").write_text(make_svg(), encoding="utf-8")
    for p in sorted(OUT.iterdir()):
        print(f"{p.relative_to(ROOT)}  {p.stat().st_size} bytes")


if __name__ == "__main__":
    main()
