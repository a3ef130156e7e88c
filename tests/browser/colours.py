"""Contrast as WCAG computes it, from the colours the browser rendered (getComputedStyle)."""

import re

# Any element's computed colour property as "rgb(r, g, b)"; for the page behind the
# element, the first ancestor whose background is not transparent.
COLOUR_JS = """([element, property]) => getComputedStyle(element)[property]"""
BACKDROP_JS = """(element) => {
    for (let e = element.parentElement; e; e = e.parentElement) {
        const c = getComputedStyle(e).backgroundColor;
        if (c !== "rgba(0, 0, 0, 0)" && c !== "transparent") return c;
    }
    return getComputedStyle(document.documentElement).backgroundColor;
}"""


def rgb(css: str) -> tuple[int, int, int]:
    """(r, g, b) of an opaque computed colour ("rgb(1, 2, 3)"); refuses a translucent one,
    whose contrast depends on what lies behind it."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)]
    if css.startswith("rgba") and numbers[3] < 1:
        raise ValueError(f"translucent colour: {css}")
    return tuple(round(n) for n in numbers[:3])


def luminance(colour) -> float:
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in (rgb(colour) if isinstance(colour, str) else colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    """The WCAG contrast ratio of two colours (CSS strings or (r, g, b))."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
