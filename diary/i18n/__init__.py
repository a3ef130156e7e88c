"""The patient's language: which one a request is in, and the catalogues behind it.

A request is in the signed-in user's chosen language, else the language cookie the sign-in
page's chooser sets, else the best match of the browser's ``Accept-Language``, else English.
Text in Python goes through ``diary.i18n.text`` (templates get Flask-Babel's ``_``,
``ngettext`` and ``{% trans %}``); the JavaScript's share of the catalogue is written into
each page as a JSON data block (no executable inline script: the CSP stays strict).
"""

from babel import Locale
from babel.support import LazyProxy
from flask import after_this_request, g, has_request_context, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import Babel, get_locale, get_translations, refresh
from flask_login import current_user

from diary.i18n import catalogues, text

#: The languages the app is translated into; the first is the default (the source text).
SUPPORTED = ("en", "es")
DEFAULT = SUPPORTED[0]
#: Set by the language chooser on the sign-in page, for visitors without an account.
COOKIE = "diary_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

babel = Babel()


def language_names() -> list[tuple[str, str]]:
    """Each supported language named in itself ("English", "Español"), as a chooser shows it."""
    return [(code, Locale.parse(code).get_display_name(code).capitalize()) for code in SUPPORTED]


def supported(code) -> str | None:
    """``code`` if the app speaks that language, else None."""
    return code if code in SUPPORTED else None


def select_locale() -> str | None:
    """The language of this request (see the module's docstring)."""
    if not has_request_context():
        return DEFAULT
    user = current_user._get_current_object()
    if user.is_authenticated and supported(getattr(user, "locale", None)):
        return user.locale
    return select_locale_without_account()


def select_locale_without_account() -> str:
    """The language the cookie or the browser asks for (an account's own choice aside).

    A cookie this very request is setting (``keep_account_choice``) counts already: the
    page that says "You are signed out." speaks the language of the account that left."""
    chosen = g.get("chosen_language") or supported(request.cookies.get(COOKIE))
    return chosen or browser_language()


def browser_language() -> str:
    """The best match of the browser's ``Accept-Language`` (English if none is spoken)."""
    return request.accept_languages.best_match(SUPPORTED) or DEFAULT


def current_language() -> str:
    """The language code the current request is in ("en" outside a request)."""
    return text.language()


def remember_choice(response, code: str):
    """Keep a visitor's chosen language in a cookie (a year; readable by no script)."""
    response.set_cookie(
        COOKIE,
        code,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response


def forget_choice(response):
    """Drop the browser's chosen language: its ``Accept-Language`` decides again."""
    response.delete_cookie(COOKIE, httponly=True, samesite="Lax", secure=request.is_secure)
    return response


def keep_account_choice(user):
    """Make the language ``user``'s account chose this browser's too, from this request on.

    Called on signing in and out: an account set to Spanish on a browser that says English
    signs out onto a Spanish sign-in page (and the sign-out message in Spanish), as the
    chooser's cookie would have it. An account without a choice leaves the browser's as it
    is."""
    code = supported(getattr(user, "locale", None))
    if code is None:
        return
    if g.get("chosen_language") is None:  # one cookie, the last account's (signed in)
        after_this_request(lambda response: remember_choice(response, g.chosen_language))
    g.chosen_language = code
    refresh()  # Flask-Babel keeps the request's locale once asked: ask again


def follow_account_choice(response, code: str | None):
    """The account's language just changed to ``code`` on this browser: keep it in the
    chooser's cookie too (it outlives signing out), or, for "the browser's language"
    (None), drop the cookie so that the browser's language decides after signing out too."""
    if supported(code):
        return remember_choice(response, code)
    return forget_choice(response)


#: Each locale's catalogue, as Flask-Babel loaded it. Flask-Babel finds it again for every
#: word (its request context, the locale, the locale's name as a key): a page of a few
#: hundred words (the body map's labels) spent a quarter of its time there.
_catalogues: dict = {}


def _provider():
    locale = get_locale()
    if locale is None:  # outside a request: Flask-Babel's own answer (the source text)
        return get_translations(), None
    translations = _catalogues.get(locale)
    if translations is None:
        translations = _catalogues[locale] = get_translations()
    return translations, locale


def _say_the_language(response):
    # Caches (the browser's, a proxy's, the service worker's: static/sw.js) must not hand a
    # page in one language to someone reading another.
    if response.mimetype in ("text/html", "application/json"):
        # A view that answers in a language of its own (the offline page) says which.
        response.headers.setdefault("Content-Language", current_language())
        vary(response, "Accept-Language", "Cookie")
    return response


def vary(response, *names: str):
    """Add ``names`` to the response's Vary header (once each; "*" already says it all).

    Plain string work: ``response.vary`` parses the header into a set and writes it back
    on every change, a cost every answer paid twice."""
    existing = response.headers.get("Vary")
    if not existing:
        response.headers["Vary"] = ", ".join(names)
        return
    have = {value.strip().lower() for value in existing.split(",")}
    missing = [name for name in names if name.lower() not in have]
    if missing and "*" not in have:
        response.headers["Vary"] = ", ".join([existing, *missing])


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, which also writes text translated lazily (module-level words) as text."""

    @staticmethod
    def default(o):
        if isinstance(o, LazyProxy):
            return str(o)
        return DefaultJSONProvider.default(o)


def init_app(app):
    app.json = JSONProvider(app)
    try:
        catalogues.compile_stale()
    except OSError as exc:  # a read-only install: the catalogues compiled when installed
        app.logger.warning("Could not compile the translation catalogues: %s", exc)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(catalogues.TRANSLATIONS),
    )
    _catalogues.clear()  # the catalogues may have been compiled again just above
    text.use(_provider, get_locale)
    # Templates' _() and ngettext through the same catalogue (Flask-Babel's would look it up
    # for each word again); newstyle, as Flask-Babel installs them.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: text.translations().gettext(s),
        ngettext=lambda s, p, n: text.translations().ngettext(s, p, text.plural_count(n)),
        pgettext=lambda c, s: text.translations().pgettext(c, s),
        npgettext=lambda c, s, p, n: text.translations().npgettext(c, s, p, text.plural_count(n)),
        newstyle=True,
    )
    app.after_request(_say_the_language)
    # A function rather than a context variable: imported macros see globals, not context.
    app.jinja_env.globals["ui_language"] = current_language
    app.jinja_env.globals["language_names"] = language_names

    @app.context_processor
    def inject():
        language = current_language()
        return {
            "html_lang": language,
            "js_messages": catalogues.js_messages(language) if language != DEFAULT else {},
        }
