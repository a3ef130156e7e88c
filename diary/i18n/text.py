"""The words and numbers of the patient's language, for code that knows nothing of Flask.

Domain modules (the comparison's words, the regions, the questionnaires) mark their text
with ``gettext``/``ngettext`` (or ``lazy_gettext`` for text defined at import time) and
format numbers and dates with the functions below. Which catalogue and locale they use is
decided by the app (``diary.i18n.init_app`` installs the provider): outside an app, and for
English, the text is the source text itself, so pure code stays testable on its own.

Placeholders are named (``%(days)s``), never positional: a translation may reorder them.
A message is formatted only when it is given values (as Flask-Babel's ``gettext`` does), so
a literal percent sign is ``%`` in a message without placeholders and ``%%`` in one with
them. Templates differ: Jinja's ``_`` always formats, so there ``%`` is always ``%%``
(``{% trans %}`` blocks double it by themselves).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import cache
from gettext import NullTranslations

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.numbers import format_decimal as _babel_format_decimal
from babel.numbers import format_percent as _babel_format_percent
from babel.support import LazyProxy, Translations
from babel.units import format_unit as _babel_format_unit

from diary import rounding
from diary.i18n import catalogues

DEFAULT_LOCALE = "en"
_NULL = NullTranslations()


def _english():
    return _NULL, Locale.parse(DEFAULT_LOCALE)


#: () -> (translations, babel Locale): replaced by the app so that each request reads its own.
_provider = _english
#: () -> babel Locale: the same locale without loading a catalogue (what ``language`` asks).
_locale_provider = lambda: _english()[1]  # noqa: E731


#: The language forced by ``in_language``/``english`` (None: the provider's, the request's).
_forced: ContextVar[str | None] = ContextVar("forced_language", default=None)


@cache
def _catalogue(code: str):
    if code == DEFAULT_LOCALE:
        return _NULL
    return Translations.load(str(catalogues.TRANSLATIONS), [code], catalogues.DOMAIN)


def _current():
    code = _forced.get()
    if code is None:
        return _provider()
    return _catalogue(code), Locale.parse(code)


@contextmanager
def in_language(code: str | None) -> Iterator[None]:
    """Say everything in the language ``code`` within the block, request or not (a
    reminder sent to a patient by the timer). None or an unknown language: English."""
    known = code if code and (code == DEFAULT_LOCALE or catalogues.po_path(code).exists()) else None
    token = _forced.set(known or DEFAULT_LOCALE)
    try:
        yield
    finally:
        _forced.reset(token)


def english():
    """Say everything in English within the block (the exports: docs/exports.md)."""
    return in_language(DEFAULT_LOCALE)


def use(provider, locale_provider=None) -> None:
    """Read the translations and locale from ``provider`` (None: back to English), and the
    locale alone from ``locale_provider`` (a request that says its language but translates
    nothing, such as a save, need not find a catalogue)."""
    global _provider, _locale_provider
    _provider = provider or _english
    _locale_provider = locale_provider or (lambda: _provider()[1])


def current_locale() -> Locale:
    """The locale in force (English outside a request)."""
    code = _forced.get()
    if code is not None:
        return Locale.parse(code)
    return _locale_provider() or Locale.parse(DEFAULT_LOCALE)


def language() -> str:
    """The language code in force: "en", "es"."""
    return current_locale().language


def translations():
    """The catalogue in force (the source text itself for English and outside a request)."""
    return _current()[0]


def gettext(message: str, /, **variables) -> str:
    """``message`` in the current language, with ``%(name)s`` placeholders filled in."""
    text = _current()[0].gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n, /, **variables) -> str:
    """The singular or plural form for the number ``n`` (available as ``%(num)s`` too); a
    number with a fraction ("1.5 doses a week") takes the plural."""
    variables.setdefault("num", n)
    return _current()[0].ngettext(singular, plural, plural_count(n)) % variables


def plural_count(n) -> int:
    """``n`` as a catalogue's plural rule counts it: whole things. Given a float, gettext
    warns that it is deprecated (and a later Python refuses it); a number with a fraction
    takes the form English and Spanish give it (CLDR's "other", the plural): the form of 2."""
    if isinstance(n, int):
        return n
    return int(n) if float(n).is_integer() else 2


def N_(message: str) -> str:  # noqa: N802 - gettext's usual name for it
    """Mark ``message`` for the catalogue without translating it (``gettext`` it later)."""
    return message


def said(words: dict) -> dict:
    """A table of English words (values marked with N_) in the current language."""
    return {key: gettext(text) for key, text in words.items()}


def lazy_gettext(message: str, **variables):
    """``gettext`` evaluated each time the text is used (for text defined at import time)."""
    return LazyProxy(gettext, message, enable_cache=False, **variables)


def _figure(number):
    """``number`` as the decimal the rounding rule reads (``rounding.decimal_value``), for
    Babel to round; NaN and infinities as they are, which Babel writes as symbols."""
    if isinstance(number, (int, float, Decimal)) and not isinstance(number, bool):
        try:
            return rounding.decimal_value(number)
        except ValueError:
            return number
    return number


def format_decimal(number, format: str | None = None) -> str:  # noqa: A002 - Babel's name
    """``number`` as the current locale writes it ("2.5", "2,5"), to the pattern's decimals
    (3 by default) by the rounding rule (diary/rounding.py: halves away from zero)."""
    # Babel rounds in the decimal context's mode, half to even unless told otherwise.
    with localcontext(rounding=ROUND_HALF_UP):
        return _babel_format_decimal(_figure(number), format=format, locale=current_locale())


def format_fixed(number, digits: int) -> str:
    """``number`` with exactly ``digits`` decimals, in the current locale ("7,5"), rounded
    by the rounding rule (diary/rounding.py): 4.25 is 4.3 and 2.675 is 2.68."""
    rounded = rounding.half_up_decimal(number, digits)
    return format_decimal(rounded, "0." + "0" * digits if digits else "0")


def format_percent(fraction, format: str | None = None) -> str:  # noqa: A002 - Babel's name
    """``fraction`` (0.63) as a percentage in the current locale ("63%", "63 %"), to the
    pattern's decimals (none by default) by the rounding rule: 0.625 is 63%."""
    with localcontext(rounding=ROUND_HALF_UP):
        return _babel_format_percent(_figure(fraction), format=format, locale=current_locale())


def format_date(day: date, format: str = "medium") -> str:  # noqa: A002 - Babel's name
    """``day`` in the current locale, with a Babel pattern or "short"/"medium"/"long"."""
    return _babel_format_date(day, format=format, locale=current_locale())


def format_duration(amount: int, unit: str) -> str:
    """``amount`` of ``unit`` ("second", "minute", "hour", "day", "month", "year") in words
    of the current locale: "15 minutes", "1 hora"."""
    return _babel_format_unit(amount, f"duration-{unit}", length="long", locale=current_locale())


def and_list(items) -> str:
    """ "a, b and c" as the reader's language joins a list."""
    items = [str(item) for item in items]
    if len(items) < 2:
        return "".join(items)
    return gettext("%(items)s and %(last)s", items=", ".join(items[:-1]), last=items[-1])


def or_list(items) -> str:
    """ "a, b or c" as the reader's language offers a choice."""
    items = [str(item) for item in items]
    if len(items) < 2:
        return "".join(items)
    return gettext("%(items)s or %(last)s", items=", ".join(items[:-1]), last=items[-1])
