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
from gettext import NullTranslations

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.numbers import format_decimal as _babel_format_decimal
from babel.numbers import format_percent as _babel_format_percent
from babel.support import LazyProxy

DEFAULT_LOCALE = "en"
_NULL = NullTranslations()


def _english():
    return _NULL, Locale.parse(DEFAULT_LOCALE)


#: () -> (translations, babel Locale): replaced by the app so that each request reads its own.
_provider = _english


#: True inside ``english()``: what is made there is a documented format, always in English.
_english_only: ContextVar[bool] = ContextVar("english_only", default=False)


def _current():
    return _english() if _english_only.get() else _provider()


@contextmanager
def english() -> Iterator[None]:
    """Say everything in English within the block (the exports: docs/exports.md)."""
    token = _english_only.set(True)
    try:
        yield
    finally:
        _english_only.reset(token)


def use(provider) -> None:
    """Read the translations and locale from ``provider`` (None: back to English)."""
    global _provider
    _provider = provider or _english


def current_locale() -> Locale:
    """The locale in force (English outside a request)."""
    return _current()[1] or Locale.parse(DEFAULT_LOCALE)


def language() -> str:
    """The language code in force: "en", "es"."""
    return current_locale().language


def gettext(message: str, /, **variables) -> str:
    """``message`` in the current language, with ``%(name)s`` placeholders filled in."""
    text = _current()[0].gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n, /, **variables) -> str:
    """The singular or plural form for the number ``n`` (available as ``%(num)s`` too)."""
    variables.setdefault("num", n)
    return _current()[0].ngettext(singular, plural, n) % variables


def N_(message: str) -> str:  # noqa: N802 - gettext's usual name for it
    """Mark ``message`` for the catalogue without translating it (``gettext`` it later)."""
    return message


def lazy_gettext(message: str, **variables):
    """``gettext`` evaluated each time the text is used (for text defined at import time)."""
    return LazyProxy(gettext, message, enable_cache=False, **variables)


def format_decimal(number, format: str | None = None) -> str:  # noqa: A002 - Babel's name
    """``number`` as the current locale writes it ("2.5", "2,5")."""
    return _babel_format_decimal(number, format=format, locale=current_locale())


def format_percent(fraction, format: str | None = None) -> str:  # noqa: A002 - Babel's name
    """``fraction`` (0.63) as a percentage in the current locale ("63%", "63 %")."""
    return _babel_format_percent(fraction, format=format, locale=current_locale())


def format_date(day: date, format: str = "medium") -> str:  # noqa: A002 - Babel's name
    """``day`` in the current locale, with a Babel pattern or "short"/"medium"/"long"."""
    return _babel_format_date(day, format=format, locale=current_locale())
