"""Calendar days as the API takes them: the text form, the range allowed, and a regular
expression that says exactly the same thing for the OpenAPI document.

An entry's day is a calendar day in the patient's time zone, from 2000-01-01 to the latest
day begun anywhere on Earth (UTC+14's today: a phone may live in another zone than its
account). Other days (a
course's end, a list's bounds) may be any real day up to 2099-12-31. The pattern is built
from the same bounds, so a client that keeps to the document is never refused for its day.
"""

import calendar
import datetime as dt
import re

from diary.i18n.text import gettext as _

EARLIEST_DAY = dt.date(2000, 1, 1)
LATEST_DAY = dt.date(2099, 12, 31)
_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


#: The zone furthest ahead of UTC (Kiritimati): no calendar day begins earlier.
FURTHEST_AHEAD = dt.timedelta(hours=14)


def latest_allowed_day(now: dt.datetime | None = None) -> dt.date:
    """The last day an entry may carry: today in UTC+14, the latest day begun anywhere.
    Before 10:00 UTC that is the UTC date, after it the next day; never a day nobody has
    reached (one day after the UTC date let a Pago Pago patient log two days ahead)."""
    now = now or dt.datetime.now(dt.UTC)
    return (now.astimezone(dt.UTC) + FURTHEST_AHEAD).date()


def parse_day(value, *, last: dt.date = LATEST_DAY) -> dt.date:
    """``value`` ("2026-03-31") as a date from EARLIEST_DAY to ``last``; ValueError saying why."""
    if isinstance(value, dt.date):
        day = value
    elif not isinstance(value, str) or not _SHAPE.fullmatch(value):
        raise ValueError(_("must be a date like 2026-03-31"))
    else:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(_("must be a real calendar date like 2026-03-31")) from None
    if day < EARLIEST_DAY:
        raise ValueError(_("is too far in the past"))
    if day > last:
        if last == LATEST_DAY:
            raise ValueError(_("must be on or before %(day)s", day=LATEST_DAY.isoformat()))
        raise ValueError(_("is in the future; you can log today or earlier days"))
    return day


def query_span(args) -> tuple[dt.date | None, dt.date | None, dict]:
    """The ``from`` and ``to`` days (inclusive) of a query string, each None when absent,
    and the bad ones named with what is wrong: ``(first, last, fields)``.

    A ``to`` before ``from`` is named too: the span holds no day, and answering an empty
    list would read as "nothing was recorded" when the query was the mistake.
    """
    span, fields = {}, {}
    for name in ("from", "to"):
        if name in args:
            try:
                span[name] = parse_day(args[name])
            except ValueError as err:
                fields[name] = str(err)
    first, last = span.get("from"), span.get("to")
    if first is not None and last is not None and last < first:
        fields["to"] = _("must be on or after from (%(day)s)", day=first.isoformat())
    return first, last, fields


def pattern(first: dt.date = EARLIEST_DAY, last: dt.date = LATEST_DAY) -> str:
    """A regular expression matching exactly the real days from ``first`` to ``last``.

    ``first`` must be the first day of a year (the range is whole years, then whole months,
    then the days of the last month), which keeps the expression short and easy to check:
    its numbers are written digit by digit (``_numbers``), so a century of days is about
    300 characters, and a client's validator or a fuzzer builds it at little cost.
    """
    if (first.month, first.day) != (1, 1) or last < first:
        raise ValueError("the range must start on 1 January and not end before it starts")
    parts = []
    if last.year > first.year:
        years = range(first.year, last.year)
        parts.append(f"(?:{_numbers(years, 4)})-(?:{_months(range(1, 13), leap=False)})")
        leap = [y for y in years if calendar.isleap(y)]
        if leap:
            parts.append(f"(?:{_numbers(leap, 4)})-02-29")
    if last.month > 1:
        months = _months(range(1, last.month), leap=calendar.isleap(last.year))
        parts.append(f"{last.year}-(?:{months})")
    days = _numbers(range(1, last.day + 1), 2)
    parts.append(f"{last.year}-{last.month:02d}-(?:{days})")
    return "^(?:" + "|".join(parts) + ")$"


def _numbers(numbers, width: int) -> str:
    """Alternatives matching exactly ``numbers``, each written with ``width`` digits.

    The last digits of numbers sharing all the others become a class, and so do the
    second-to-last digits of those with the same class: 2000 to 2025 is
    "20[01][0-9]|202[0-5]", the leap years among them "200[048]|201[26]|202[04]", and
    those of the century "20[02468][048]|20[13579][26]".
    """
    ends: dict[str, list[str]] = {}  # all digits but the last -> the last digits
    for number in sorted(set(numbers)):
        text = f"{number:0{width}d}"
        ends.setdefault(text[:-1], []).append(text[-1])
    gathered: dict[tuple[str, str], list[str]] = {}  # (head, last-digit class) -> tens
    for prefix, digits in ends.items():
        gathered.setdefault((prefix[:-1], _digit_class(digits)), []).append(prefix[-1:])
    return "|".join(f"{head}{_digit_class(tens)}{last}" for (head, last), tens in gathered.items())


def _digit_class(digits: list[str]) -> str:
    """One digit as itself, several as a class with runs as ranges: "[0-5]", "[048]"."""
    if len(digits) == 1:
        return digits[0]
    runs: list[list[str]] = []
    for digit in digits:
        if runs and int(digit) == int(runs[-1][-1]) + 1:
            runs[-1].append(digit)
        else:
            runs.append([digit])
    return "[" + "".join(f"{r[0]}-{r[-1]}" if len(r) > 2 else "".join(r) for r in runs) + "]"


def _months(months, *, leap: bool) -> str:
    """``MM-DD`` for every real day of these months (29 February only when ``leap``), the
    months of one length together: "(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|..."."""
    by_length: dict[int, list[int]] = {}
    for month in months:
        by_length.setdefault(calendar.monthrange(2000 if leap else 2001, month)[1], []).append(
            month
        )
    return "|".join(
        f"(?:{_numbers(same, 2)})-(?:{_numbers(range(1, length + 1), 2)})"
        for length, same in by_length.items()
    )
