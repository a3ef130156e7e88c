"""The one rounding rule for every figure a patient or a physician reads: pages, words,
the API, the CSV and FHIR files, the cohort table and its research file.

**Halves go away from zero** (4.25 is 4.3, 0.625 is 63%, -2.25 is -2.3), as people and
clinicians round by hand and as the browser's ``Intl.NumberFormat`` does (its default
``halfExpand``). Python's ``round()``, Jinja's ``round`` filter, ``"%.1f"`` and Babel all
round halves to even (4.25 to 4.2), so no figure for a reader goes through them.

**From the figure's decimal value, not its binary one.** A float holds the nearest binary
fraction to its decimal value: 2.675 is stored as 2.67499999..., so ``round(2.675, 2)`` is
2.67, though anyone working from the diary's counts by hand gets 2.675 and writes 2.68.
The diary's figures are means, shares and differences of whole-number ratings and
counts, exact decimals (4.25) or repeating ones (4.333...), so a figure is taken as its
float written to 12 significant digits (``SIGNIFICANT_DIGITS``) and rounded from that
decimal. Twelve, not ``repr``'s up to 17, because ``repr`` keeps the dust of float
arithmetic: 0.1 + 0.2 is 0.30000000000000004, 4.35 - 2.2 is 2.1499999999999995 and
0.285 x 100 is 28.499999999999996, which are 0.3, 2.15 and 28.5 to anyone who counts.
Only a value within a few parts in 10^12 of a half could round the other way than its
exact value would, and no ratio of the diary's small counts lies that close to one
without being on it.

**Once, from what is published.** Numbers are kept unrounded inside and rounded where
they are handed out. A figure the API and the files publish with 2 decimals (a window's
mean, a cohort's mean) and a page shows with 1 is rounded from the published figure, so
no view contradicts another: 4.25 in the file is 4.3 on the page, the summary and the
chart's tooltip alike.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

#: How many significant digits of a float are taken as its decimal value (see above).
SIGNIFICANT_DIGITS = 12


def decimal_value(value: float | int | Decimal) -> Decimal:
    """``value`` as the decimal a reader computing by hand has: an int or a Decimal as it
    is, a float written to ``SIGNIFICANT_DIGITS`` significant digits (2.675 stays 2.675,
    0.1 + 0.2 is 0.3). Refuses (ValueError) NaN and infinities: no figure is one."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"a figure must be a finite number, not {value}")
        return value
    if isinstance(value, int):
        return Decimal(value)
    if not math.isfinite(value):
        raise ValueError(f"a figure must be a finite number, not {value}")
    return Decimal(f"{value:.{SIGNIFICANT_DIGITS}g}")


def half_up_decimal(value: float | int | Decimal, digits: int = 0) -> Decimal:
    """``value`` rounded to ``digits`` decimals, halves away from zero, as an exact Decimal
    with exactly ``digits`` decimals (what a formatter writes as it is); a rounded zero
    has no sign (-0.04 is 0.0, never "-0.0"). Refuses what ``decimal_value`` refuses."""
    rounded = decimal_value(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded.is_zero() else rounded


#: How close to a half (in units of the last digit kept, relative to the figure's size)
#: a float must be for the decimal rule to be needed; it is far wider than the 12 digits'
#: snap, so both ways agree wherever the short one is taken.
_NEAR_HALF = 1e-9
#: Below this, a scaled figure and the one above it are exact floats with at most 12
#: significant digits, so an exact half is the figure's decimal value too.
_EXACT_BELOW = 1e11
_SCALES = tuple(10.0**digits for digits in range(16))


def half_up(value: float | int | Decimal | None, digits: int = 0) -> int | float | None:
    """``value`` rounded to ``digits`` decimals, halves away from zero and symmetric for
    negatives (2.5 is 3, -2.5 is -3, 2.675 is 2.68): an int for ``digits`` 0, else the
    float nearest the rounded decimal (what JSON and the CSV write as it is). None for
    None. Refuses what ``decimal_value`` refuses."""
    if value is None:
        return None
    if isinstance(value, float) and 0 <= digits <= 15:
        # The timeline rounds years of days on each view (an activity index is a half one
        # day in two): the decimal way costs ten times what these shortcuts do, and a
        # hypothesis test checks that they always agree with it.
        value = float(value)  # numpy's float64 computes slower
        scale = _SCALES[digits]
        scaled = value * scale if value >= 0 else -value * scale
        if scaled < _EXACT_BELOW:  # false for NaN and infinities: the decimal way refuses
            whole, part = divmod(scaled, 1.0)
            if part == 0.5:
                # An exact half (43.75 to 1 decimal): away from zero. The division is
                # correctly rounded: the float nearest the rounded decimal.
                away = whole + 1 if value > 0 else -whole - 1
                return int(away) if digits == 0 else away / scale
            near = _NEAR_HALF * scaled if scaled > 1.0 else _NEAR_HALF
            if not -near <= part - 0.5 <= near:
                # Nowhere near a half: the binary value rounds as the decimal one does.
                rounded = round(value, digits)
                return int(rounded) if digits == 0 else rounded + 0.0
    rounded = half_up_decimal(value, digits)
    return int(rounded) if digits <= 0 else float(rounded)
