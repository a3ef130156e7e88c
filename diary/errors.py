"""One error shape for the API, friendly pages for people; never a stack trace.

Every ``/api/`` failure answers ``{"error": {"code", "message", "fields"}}``.
"""

import logging
import sqlite3

from flask import current_app, jsonify, render_template, request
from flask.globals import request_ctx
from werkzeug.exceptions import BadHost, HTTPException, InternalServerError

from diary import tokens
from diary.i18n.text import format_decimal, format_duration, language, ngettext
from diary.i18n.text import gettext as _
from diary.i18n.text import lazy_gettext as _l
from diary.rounding import half_up

MESSAGES = {
    400: ("bad_request", _l("The request could not be understood.")),
    401: ("unauthenticated", _l("Sign in first.")),
    403: ("forbidden", _l("You may not do that.")),
    404: ("not_found", _l("There is nothing here.")),
    405: ("method_not_allowed", _l("This address does not accept that method.")),
    409: ("conflict", _l("This changed on the server since you loaded it.")),
    413: ("too_large", _l("The request is too large.")),
    414: ("uri_too_long", _l("The address is too long.")),
    415: ("unsupported_media_type", _l("Send JSON with Content-Type: application/json.")),
    422: ("invalid", _l("Some fields are not valid.")),
    429: ("rate_limited", _l("Too many attempts. Wait a little and try again.")),
    500: ("server_error", _l("Something went wrong on our side. Nothing was saved.")),
    503: (
        "storage_unavailable",
        _l(
            "The server cannot save anything right now (its storage is full or read-only). "
            "Nothing was saved; your phone keeps your changes and sends them later."
        ),
    ),
}

# What SQLite says when the disk, not the request, is the problem: the write was rolled
# back whole, and trying again later (once the operator has made room) will work.
_STORAGE_TROUBLE = (
    "readonly database",
    "read-only",
    "disk is full",
    "database or disk is full",
    "disk i/o error",
    "unable to open database",
)


class ApiError(Exception):
    """An error a JSON client should see as it is: status, code, message and fields."""

    def __init__(self, status, code=None, message=None, fields=None, extra=None):
        super().__init__(message)
        default_code, default_message = MESSAGES.get(status, ("error", _l("Request failed.")))
        self.status = status
        # The code stays English and stable for clients; the words follow the reader's
        # language, and are made text here (a message may be translated lazily).
        self.code = code or default_code
        self.message = str(message or default_message)
        self.fields = {name: str(words) for name, words in (fields or {}).items()}
        self.extra = extra or {}


def wants_json():
    """API paths always get JSON; so does a client that asks only for JSON."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and not request.accept_mimetypes.accept_html


def json_error(status, code=None, message=None, fields=None, extra=None, headers=None):
    err = ApiError(status, code, message, fields, extra)
    body = {"error": {"code": err.code, "message": err.message, "fields": err.fields}}
    body.update(err.extra)
    response = jsonify(body)
    response.status_code = status
    if headers:
        response.headers.extend(headers)
    return response


def _handle_api_error(err: ApiError):
    return json_error(err.status, err.code, err.message, err.fields, err.extra)


def _handle_http(exc: HTTPException):
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    if wants_json():
        status = exc.code or 500
        code, message = MESSAGES.get(status, ("error", exc.description or _("Request failed.")))
        if status in (400, 413) and exc.description and status != 500:
            # Werkzeug's own descriptions are English: other languages get ours.
            own = _own_words(exc) if language() != "en" else _public_description(exc)
            message = own or message
        if status == 413 and request.max_content_length:
            # Werkzeug's words do not say the limit, which differs from one address to another.
            limit = size_words(request.max_content_length)
            message = _(
                "The request is larger than this address accepts (at most %(limit)s).",
                limit=limit,
            )
        return json_error(status, code, message, headers=headers)
    message = _limit_words(exc) if exc.code == 429 else _own_words(exc)
    return _error_page(exc.code, exc, message, headers)


def _limit_words(exc):
    """The limit a 429 hit, in the reader's words ("5 intentos en 1 minuto"), or None.

    Flask-Limiter describes it in English ("5 per 1 minute"), which no other language's
    sentence can hold."""
    item = getattr(getattr(exc, "limit", None), "limit", None)
    if item is None:
        return None
    period = format_duration(item.multiples, item.GRANULARITY.name)
    return ngettext(
        "%(num)s attempt in %(period)s",
        "%(num)s attempts in %(period)s",
        item.amount,
        period=period,
    )


def _error_page(status, error, message, headers):
    """The HTML error page; as plain text when the request's Host header could not be read,
    since the page links to other pages and no link can be made for such a request."""
    if request_ctx.url_adapter is None:
        words = message or MESSAGES.get(status, ("error", _("Request failed.")))[1]
        return current_app.response_class(f"{words}\n", status, headers, mimetype="text/plain")
    page = render_template("errors/error.html", status=status, error=error, message=message)
    return page, status, headers


def refuse_unreadable_host():
    """before_request, first of all: a Host header that is not a name (``a..b``, a label of
    64 characters or more) leaves the request without a URL adapter; refuse it, naming the
    header, before another hook (the CSRF check) makes a page that needs one."""
    if request_ctx.url_adapter is None:
        raise BadHost(_("The Host header of this request is not a name this server can read."))


def size_words(size: int) -> str:
    """A number of bytes as people say it: "16 MB", "2.1 MB"."""
    return _("%(size)s MB", size=format_decimal(half_up(size / 2**20, 1)))


def _own_words(exc):
    """The description a view gave with ``abort(status, description)``, else None.

    Werkzeug's class-level defaults are written for developers; ours are for people.
    """
    described = exc.description
    return described if described and described != type(exc).description else None


def _public_description(exc):
    # Werkzeug's descriptions for these are written for people and leak nothing.
    desc = getattr(exc, "description", "") or ""
    return desc if len(desc) < 300 else ""


def handle_storage(exc: sqlite3.Error):
    if not any(words in str(exc).lower() for words in _STORAGE_TROUBLE):
        return _handle_unexpected(exc)
    # The operator needs to know at once: the log says what SQLite said.
    current_app.logger.error("Storage unavailable on %s %s: %s", request.method, request.path, exc)
    headers = [("Retry-After", "60")]
    if wants_json():
        return json_error(503, headers=headers)
    return _error_page(503, exc, MESSAGES[503][1], headers)


def _handle_unexpected(exc):
    # The operator gets the traceback in the log; the client only learns that it failed.
    current_app.logger.error("Unhandled error on %s %s", request.method, request.path, exc_info=exc)
    return _handle_http(InternalServerError())


def init_app(app):
    # The app's own log and the development server's request log (``flask run``) name
    # paths; gunicorn's logs get the same filter from gunicorn.conf.py.
    tokens.keep_out_of_logs(app.logger, logging.getLogger("werkzeug"))
    # First of the request hooks, whatever registers its own later.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_unreadable_host)
    app.register_error_handler(ApiError, _handle_api_error)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(sqlite3.OperationalError, handle_storage)
    app.register_error_handler(Exception, _handle_unexpected)
