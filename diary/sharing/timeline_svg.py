"""The daily pain timeline as a static SVG drawing, for the printed summary.

A canvas drawn by a script prints blank in some browsers and not at all without
JavaScript; this drawing is plain markup, so it prints and saves as PDF everywhere. Pure:
numbers in, markup out (every text escaped); colours come from CSS classes (tl-*).
"""

from datetime import date, timedelta
from html import escape

from diary.i18n.text import format_date, gettext

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 36, 12, 34, 26
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


class _Scale:
    def __init__(self, first: date, last: date):
        self.first = first
        self.span = max(1, (last - first).days)

    def x(self, day: date) -> float:
        return LEFT + (day - self.first).days / self.span * PLOT_W

    @staticmethod
    def y(value: float) -> float:
        return TOP + (10 - value) / 10 * PLOT_H


def _segments(scale, days, values):
    """Runs of consecutive days with a value: a gap breaks the line, never bridged."""
    runs, run, previous = [], [], None
    for day, value in zip(days, values, strict=True):
        if value is None or (previous is not None and (day - previous).days > 1):
            if len(run) > 1:
                runs.append(run)
            run = []
        if value is not None:
            run.append(f"{_number(scale.x(day))},{_number(scale.y(value))}")
        previous = day
    if len(run) > 1:
        runs.append(run)
    return runs


def _month_ticks(first: date, last: date) -> list[date]:
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = max(1, -(-months // 8))  # at most about 8 labels
    tick = date(first.year, first.month, 1)
    ticks = []
    index = 0
    while tick <= last:
        if tick >= first and index % step == 0:
            ticks.append(tick)
        index += 1
        tick = (tick + timedelta(days=32)).replace(day=1)
    return ticks


def _desc(first, last) -> str:
    return gettext(
        "Daily leg and back pain from 0 to 10, from %(first)s to %(last)s: 7-day averages as "
        "lines (leg solid, back dashed), single days as dots, each therapy's start as a "
        "vertical line.",
        first=first.isoformat(),
        last=last.isoformat(),
    )


def render(timeline: list[dict], therapies: list[dict], *, title: str, ident: str) -> str:
    """The timeline as ``<svg>`` markup, or "" when there is no day to draw.

    ``timeline`` is ``analysis.timeline`` rows (oldest first: day, leg, back, leg_avg7,
    back_avg7); ``therapies`` have ``start_day`` and a ``name``; the drawing spans the
    first to the last day of ``timeline``, with a line at each therapy start inside it.
    ``title`` names the drawing for screen readers; ``ident`` makes its ids unique.
    """
    if not timeline:
        return ""
    days = [date.fromisoformat(row["day"]) for row in timeline]
    first, last = days[0], days[-1]
    scale = _Scale(first, last)
    parts = [
        f'<svg class="timeline-svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        'xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(_desc(first, last))}</desc>',
    ]
    for value in range(0, 11, 2):
        y = _number(scale.y(value))
        parts.append(f'<line class="tl-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>')
        parts.append(
            f'<text class="tl-tick" x="{LEFT - 6}" y="{y}" dy="4" text-anchor="end">{value}</text>'
        )
    for tick in _month_ticks(first, last):
        x = _number(scale.x(tick))
        # Translators: month ticks on the printed timeline, in Babel's date pattern language.
        words = format_date(tick, gettext("MMM y") if tick.month == 1 else gettext("MMM"))
        parts.append(
            f'<line class="tl-axis" x1="{x}" x2="{x}" y1="{HEIGHT - BOTTOM}" '
            f'y2="{HEIGHT - BOTTOM + 5}"/>'
        )
        parts.append(
            f'<text class="tl-tick" x="{x}" y="{HEIGHT - 6}" text-anchor="middle">{words}</text>'
        )
    for n, therapy in enumerate(t for t in therapies if first <= _day(t) <= last):
        x = _number(scale.x(_day(therapy)))
        label_y = 12 + (n % 2) * 13
        parts.append(
            f'<line class="tl-start" x1="{x}" x2="{x}" y1="{label_y + 3}" y2="{HEIGHT - BOTTOM}"/>'
        )
        anchor = "end" if scale.x(_day(therapy)) > WIDTH * 0.7 else "start"
        parts.append(
            f'<text class="tl-label" x="{x}" y="{label_y}" dx="{-3 if anchor == "end" else 3}" '
            f'text-anchor="{anchor}">{escape(therapy["name"])}</text>'
        )
    dots = [
        f'<circle class="tl-dot" cx="{_number(scale.x(day))}" cy="{_number(scale.y(row["leg"]))}" '
        'r="1.8"/>'
        for day, row in zip(days, timeline, strict=True)
        if row["leg"] is not None
    ]
    parts += dots
    for name, css in (("back_avg7", "tl-back"), ("leg_avg7", "tl-leg")):
        for run in _segments(scale, days, [row[name] for row in timeline]):
            parts.append(f'<polyline class="{css}" points="{" ".join(run)}"/>')
    parts.append(
        f'<rect class="tl-frame" x="{LEFT}" y="{TOP}" width="{PLOT_W}" height="{PLOT_H}"/>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _day(therapy: dict) -> date:
    return date.fromisoformat(therapy["start_day"])
