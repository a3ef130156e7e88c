"""Untrusted request input, read without surprises: JSON bodies, whole numbers, URL integers.

Every reader here either returns a value the rest of the app can use as it is, or raises
``BadInput`` naming the field and what is wrong with it, so that the API answers 400/422
and the pages re-show their form: never a RecursionError, an OverflowError in SQLite or a
``"²".isdigit()`` surprise turning into a 500. Pure of Flask (werkzeug's converter aside).
"""

import json
import re

from werkzeug.routing import IntegerConverter

from diary.i18n.text import format_decimal
from diary.i18n.text import gettext as _

#: Deeper JSON than any request of ours needs (a sync change is four levels deep) is refused
#: before anything walks it recursively.
MAX_JSON_DEPTH = 32
#: The longest address (path and query string, in bytes) the app reads; longer is 414.
MAX_URL_LENGTH = 8192
#: SQLite stores integers in 64 bits; a larger one cannot even be looked up.
MAX_INTEGER = 2**63 - 1
# ASCII digits only: str.isdigit() and \d accept "²" and "٣", which int() may then refuse.
_WHOLE_NUMBER = re.compile(r"[0-9]{1,19}")


class BadInput(ValueError):
    """A request value that cannot be used; ``field`` names it, ``message`` says why."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# A JSON escape that spells a UTF-16 surrogate (a pair is an emoji; alone it is not text).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def parse_json(raw: bytes | str):
    """The JSON value in ``raw``; BadInput("body", ...) when it is not JSON we can hold.

    Refused: malformed JSON or text that is not UTF-8, nesting deeper than MAX_JSON_DEPTH,
    and text that is not valid Unicode (JSON escapes can spell lone surrogates such as
    ``"\\ud800"``).
    """
    if isinstance(raw, bytes):
        try:
            # Strict UTF-8, as JSON between systems must be: it admits no surrogate either.
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BadInput("body", "is not valid JSON") from None
    else:
        text = raw
        _check_text(text)
    try:
        data = json.loads(text)
    except RecursionError:
        raise BadInput(
            "body", _("is nested too deeply (at most %(count)s levels)", count=MAX_JSON_DEPTH)
        ) from None
    except (ValueError, TypeError):
        raise BadInput("body", _("is not valid JSON")) from None
    _check_depth(data)
    # Only an escape can have put a surrogate in the decoded strings: walk them only then
    # (a 1,000-change sync spent a third of its time looking at every string otherwise).
    if _SURROGATE_ESCAPE.search(text):
        _check_strings(data)
    return data


def _check_depth(data):
    # Level by level, so that checking a deep document cannot itself overflow the stack;
    # each level holds only the containers at that depth (the root is at depth 1).
    level = [data] if isinstance(data, (dict, list)) else []
    depth = 1
    while level:
        if depth > MAX_JSON_DEPTH:
            raise BadInput(
                "body", _("is nested too deeply (at most %(count)s levels)", count=MAX_JSON_DEPTH)
            )
        below = []
        for value in level:
            children = value.values() if isinstance(value, dict) else value
            below += [child for child in children if isinstance(child, (dict, list))]
        level = below
        depth += 1


def _check_strings(data):
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _check_text(text: str):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadInput(
            "body", _("holds characters that are not valid text (lone surrogates)")
        ) from None


def whole_number(text: str, field: str, *, low: int = 0, high: int = MAX_INTEGER) -> int:
    """``text`` as an integer from ``low`` to ``high``; BadInput naming ``field`` otherwise."""
    words = _("must be a whole number from %(low)s to %(high)s", low=low, high=high)
    if not isinstance(text, str) or not _WHOLE_NUMBER.fullmatch(text):
        raise BadInput(field, words)
    number = int(text)
    if not low <= number <= high:
        raise BadInput(field, words)
    return number


# A number as a person types it: 44.4 or, as Spanish writes it, 44,4 (no grouping). A sign
# and long numbers are read too, so that -4 is told its range rather than "not a number".
_TYPED_NUMBER = re.compile(r"(-?[0-9]{1,15})(?:[.,]([0-9]{1,15}))?")


def typed_number(text: str, field: str) -> int | float:
    """``text`` typed in a form as a number, with a decimal point or comma ("44.4", "44,4"):
    an int when it has no decimals; BadInput naming ``field`` otherwise. Range and decimals
    are for the caller to judge."""
    match = _TYPED_NUMBER.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        example = format_decimal(44.4)
        raise BadInput(field, _("must be a number, such as %(example)s", example=example))
    whole, decimals = match.groups()
    return float(f"{whole}.{decimals}") if decimals else int(whole)


_DIGITS = re.compile(r"[0-9]+")


def page_number(text: str, field: str = "page") -> int:
    """``text`` as the number of a page in a link (ASCII digits, however many): a number
    past the last page still reads as a number (the page shows the last one), where int()
    would refuse more than 4,300 digits with a ValueError of its own; BadInput naming
    ``field`` when ``text`` is not a whole number."""
    if not isinstance(text, str) or not _DIGITS.fullmatch(text):
        raise BadInput(field, _("must be a whole number"))
    # Past what SQLite stores is past any last page: no need to read every digit.
    return int(text) if len(text) <= 19 else MAX_INTEGER


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` in a URL, limited to what SQLite can store: a larger one is a 404.

    Werkzeug's own converter accepts any number of digits, and SQLite then raises an
    OverflowError when asked to find the row.
    """

    regex = r"[0-9]+"

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", MAX_INTEGER)
        super().__init__(map, *args, **kwargs)
