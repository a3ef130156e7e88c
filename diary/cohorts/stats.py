"""The small statistics of a cohort table: mean, sample SD and Wilson's interval.

Pure, over plain numbers. Nothing is rounded here; ``table`` rounds what it hands out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import fmean, stdev

#: The standard normal quantile of 0.975: a two-sided 95% interval.
Z95 = 1.959963984540054


def mean(values: Sequence[float]) -> float | None:
    """The mean, None for no values."""
    return fmean(values) if values else None


def sd(values: Sequence[float]) -> float | None:
    """The sample standard deviation (n - 1), None under two values."""
    return stdev(values) if len(values) >= 2 else None


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson's score interval of ``successes`` of ``n`` (95% by default), as ``(lo, hi)``.

    Unlike the plain p +/- z * SE, it stays within 0..1 and does not collapse to a point at
    0 of n or n of n, which small cohorts often are (Wilson 1927; Newcombe 1998). None when
    n is 0. Refuses (ValueError) successes outside 0..n.
    """
    if n == 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be from 0 to {n}, got {successes}")
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    # The exact ends: 0 of n starts at 0 and n of n ends at 1, without float dust.
    lo = 0.0 if successes == 0 else max(0.0, centre - half)
    hi = 1.0 if successes == n else min(1.0, centre + half)
    return lo, hi
