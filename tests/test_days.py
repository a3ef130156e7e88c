"""Calendar days: the parser and the OpenAPI pattern built from the same bounds agree."""

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diary import days


def every_day(first, last):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


@pytest.mark.parametrize(
    "last",
    [
        dt.date(2000, 1, 1),
        dt.date(2000, 3, 1),
        dt.date(2026, 12, 7),
        dt.date(2028, 2, 29),
        dt.date(2030, 1, 31),
        days.LATEST_DAY,
    ],
)
def test_the_pattern_matches_exactly_the_days_in_range(last):
    regex = re.compile(days.pattern(days.EARLIEST_DAY, last))
    for day in every_day(dt.date(1999, 12, 1), last + dt.timedelta(days=400)):
        assert bool(regex.match(day.isoformat())) == (days.EARLIEST_DAY <= day <= last), day


def test_the_pattern_of_a_century_of_days_is_short():
    # Numbers written digit by digit, not one alternative a year: a client's validator (and
    # the API fuzzer, once per field) builds it at little cost.
    assert len(days.pattern()) < 400
    assert "20[02468][048]|20[13579][26]" in days.pattern()  # the leap years


@given(st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True))
def test_the_pattern_and_the_parser_agree_on_any_text_of_the_shape(text):
    regex = re.compile(days.pattern())
    try:
        days.parse_day(text)
        accepted = True
    except ValueError:
        accepted = False
    assert bool(regex.match(text)) == accepted, text


@pytest.mark.parametrize(
    "text", ["2001-02-29", "2000-13-01", "2000-00-10", "2000-01-00", "2000-04-31", "2100-01-01"]
)
def test_days_that_do_not_exist_or_are_out_of_range_are_refused(text):
    assert not re.match(days.pattern(), text)
    with pytest.raises(ValueError):
        days.parse_day(text)


@pytest.mark.parametrize(
    ("utc", "latest"),
    [
        # Before 10:00 UTC no zone has reached the next day: Kiritimati's today is UTC's.
        ("2026-12-06T09:59", "2026-12-06"),
        # From 10:00 UTC, Kiritimati (UTC+14) lives the next day, and may log it.
        ("2026-12-06T10:00", "2026-12-07"),
        ("2026-12-06T23:59", "2026-12-07"),
    ],
)
def test_an_entry_day_may_be_the_latest_day_begun_anywhere_and_no_later(utc, latest):
    now = dt.datetime.fromisoformat(utc).replace(tzinfo=dt.UTC)
    last = days.latest_allowed_day(now)
    assert last == dt.date.fromisoformat(latest)
    assert days.parse_day(latest, last=last) == last
    with pytest.raises(ValueError, match="in the future"):
        days.parse_day((last + dt.timedelta(days=1)).isoformat(), last=last)
