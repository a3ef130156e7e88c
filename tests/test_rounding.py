"""The one rounding rule (diary/rounding.py): halves away from zero, from the decimal value."""

import math
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diary.rounding import decimal_value, half_up, half_up_decimal


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        # Halves of both signs go away from zero, where round() goes to the even neighbour.
        (0.5, 0, 1),
        (1.5, 0, 2),
        (2.5, 0, 3),
        (-0.5, 0, -1),
        (-2.5, 0, -3),
        (62.5, 0, 63),
        (4.25, 1, 4.3),
        (-4.25, 1, -4.3),
        (0.625, 2, 0.63),
        (0.125, 2, 0.13),
        (43.75, 1, 43.8),  # an activity index: exactly a half in binary as well
        (-43.75, 1, -43.8),
        # Stored as 2.67499999...: the decimal the reader has is 2.675.
        (2.675, 2, 2.68),
        (-2.675, 2, -2.68),
        (1.005, 2, 1.01),
        (4.35, 1, 4.4),
        # The dust of float arithmetic is not a figure.
        (0.1 + 0.2, 2, 0.3),
        (4.35 - 2.2, 1, 2.2),  # 2.1499999999999995
        (0.285 * 100, 0, 29),  # 28.499999999999996
        (7.0 * 0.15, 1, 1.1),  # 1.0499999999999998
        (-(0.1 + 0.2), 2, -0.3),
        # Below a half stays down, however close a float gets to it.
        (2.449999, 1, 2.4),
        (0.6249, 2, 0.62),
        # Whole numbers, ints and Decimals.
        (7, 1, 7.0),
        (7, 0, 7),
        (Decimal("2.25"), 1, 2.3),
        (0.0, 1, 0.0),
    ],
)
def test_half_up(value, digits, expected):
    result = half_up(value, digits)
    assert result == expected
    assert type(result) is (int if digits == 0 else float)


def test_none_is_none():
    assert half_up(None) is None
    assert half_up(None, 2) is None


def test_a_rounded_zero_has_no_sign():
    # -0.04 to 1 decimal is 0.0: "-0.0" would say a change that is not there.
    assert math.copysign(1, half_up(-0.04, 1)) == 1
    assert half_up(-0.4) == 0
    assert str(half_up_decimal(-0.04, 1)) == "0.0"


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, Decimal("NaN")])
def test_refuses_what_is_not_a_figure(value):
    with pytest.raises(ValueError, match="finite"):
        half_up(value, 1)


def test_the_decimal_keeps_its_digits():
    # A formatter writes it as it is: exactly two decimals, nothing left to round.
    assert str(half_up_decimal(2.675, 2)) == "2.68"
    assert str(half_up_decimal(4.0, 1)) == "4.0"
    assert str(decimal_value(0.1 + 0.2)) == "0.3"
    assert decimal_value(2.675) == Decimal("2.675")


# A figure of the diary: a count over a count, to up to 4 decimals, either sign.
exact_decimals = st.builds(
    lambda n, places, sign: sign * Decimal(n).scaleb(-places),
    st.integers(0, 10**7),
    st.integers(0, 4),
    st.sampled_from([1, -1]),
)


@given(exact_decimals, st.integers(0, 3))
def test_a_float_rounds_as_its_decimal_does(exact, digits):
    """Whatever its binary neighbour, a float rounds as the decimal it was written from,
    by the schoolbook rule, and a negative exactly as its positive."""
    by_hand = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    assert half_up_decimal(float(exact), digits) == by_hand
    assert half_up(-float(exact), digits) == -half_up(float(exact), digits)


@given(st.fractions(min_value=-1000, max_value=1000, max_denominator=400), st.integers(0, 2))
def test_a_ratio_of_counts_rounds_to_its_nearest(fraction, digits):
    """A mean or share of counts (its float from one division) rounds to the nearest
    figure of ``digits`` decimals: it is never more than half a unit away."""
    value = fraction.numerator / fraction.denominator
    unit = Decimal(1).scaleb(-digits)
    exact = Decimal(fraction.numerator) / fraction.denominator
    assert abs(exact - half_up_decimal(value, digits)) <= unit / 2


@given(
    st.one_of(
        st.floats(-1e6, 1e6, allow_nan=False),
        st.fractions(-100, 100, max_denominator=1000).map(lambda f: f.numerator / f.denominator),
    ),
    st.integers(0, 4),
)
def test_the_short_way_agrees_with_the_decimal_one(value, digits):
    """half_up takes round() for a float nowhere near a half (the timeline rounds years of
    days per view); it must give what the decimal rule gives, for any float."""
    by_rule = half_up_decimal(value, digits)
    assert half_up(value, digits) == (int(by_rule) if digits == 0 else float(by_rule))
