"""CSRF, rate limits, sign-in sessions, cookies and security headers."""

import hashlib
import sqlite3
from datetime import datetime

from flask import Response, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_limiter.util import get_qualified_name, get_remote_address
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import RequestURITooLarge

from diary import accounts, i18n, inputs, rate_limit_store
from diary.accounts import sessions
from diary.db import get_db
from diary.errors import handle_storage, json_error, wants_json
from diary.i18n.text import gettext as _
from diary.i18n.text import lazy_gettext as _l


class RouteLimiter(Limiter):
    """Flask-Limiter, asked only by the routes that carry a limit (sign-in, registration,
    invite codes, the password asked again). There are no app-wide limits, so for every
    other request (a save, a page) its before-request work finds nothing: skip it."""

    def _check_request_limit(self, callable_name=None, in_middleware=True):
        if in_middleware:
            view = current_app.view_functions.get(request.endpoint or "")
            if view is None or get_qualified_name(view) not in self._marked_for_limiting:
                return None
        g.rate_limited = True
        return super()._check_request_limit(callable_name, in_middleware)

    def init_app(self, app):
        """Flask-Limiter's hooks, with its after- and teardown-request work (counting failed
        attempts, rate-limit headers, its per-request state) only on requests it checked."""
        super().init_app(app)
        for hooks in (app.after_request_funcs[None], app.teardown_request_funcs[None]):
            for i, hook in enumerate(hooks):
                if getattr(hook, "__self__", None) is self or getattr(hook, "args", ()) == (self,):
                    hooks[i] = _only_when_limited(hook)


def _only_when_limited(hook):
    def run_if_checked(value=None):
        if not g.get("rate_limited"):
            return value
        try:
            return hook(value)
        except sqlite3.OperationalError as exc:
            # A failed attempt that cannot be counted (a full disk) is not answered as if
            # it were: uncounted, it would be a free guess. The check before the request
            # fails the same way, through the app's storage-trouble handler.
            if not isinstance(value, Response):
                raise
            return handle_storage(exc)

    return run_if_checked


class CSRF(CSRFProtect):
    """Flask-WTF's CSRF protection, looking in the headers first: scripts (every API call)
    send the token there, and searching a JSON request's form fields first cost every save
    a form parse that could only find nothing. A form's hidden field is found as before."""

    def _get_csrf_token(self):
        for header_name in current_app.config["WTF_CSRF_HEADERS"]:
            token = request.headers.get(header_name)
            if token:
                return token
        return super()._get_csrf_token()


csrf = CSRF()
limiter = RouteLimiter(key_func=get_remote_address, default_limits=[])
login_manager = LoginManager()

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, marked Secure whenever the request came over HTTPS,
    with one signing serializer per key kept rather than built for every request."""

    # The same SHA-1 HMAC as Flask's, so every cookie stays valid; Flask wraps hashlib.sha1
    # in a Python function (to import on FIPS systems), which sends each signature through
    # the standard library's pure-Python HMAC instead of OpenSSL's.
    digest_method = staticmethod(hashlib.sha1)

    def __init__(self):
        self._serializers = {}

    def get_cookie_secure(self, app):
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)

    def get_signing_serializer(self, app):
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys not in self._serializers:
            self._serializers[keys] = super().get_signing_serializer(app)
        return self._serializers[keys]


SCRIPTS = {"text/javascript", "application/javascript"}
#: What every document and API answer carries (DESIGN.md section 6), unless a view set its own.
DOCUMENT_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Content-Security-Policy", CSP),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
#: What the API's answers carry: nothing in them is a document, so the policy allows nothing
#: at all (OWASP's REST advice), and the document-only headers are left off.
API_HEADERS = (
    DOCUMENT_HEADERS[0],
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    *DOCUMENT_HEADERS[2:4],
)
#: What a script's answer carries: a worker started from it takes its policy from that
#: answer. For a worker the document policy comes down to this (every directive a worker
#: reads falls back to default-src, which allows this origin only); in a page the page's
#: own policy applies. A tenth of the bytes, on each of a page's twenty scripts.
SCRIPT_HEADERS = (DOCUMENT_HEADERS[0], ("Content-Security-Policy", "default-src 'self'"))
HSTS = ("Strict-Transport-Security", "max-age=31536000")
NO_STORE = ("Cache-Control", "no-store")


def set_headers(response):
    """after_request: the security headers of DESIGN.md section 6 on every response.

    Static files carry only what applies to them: nosniff, and on scripts the policy a
    worker started from them takes (SCRIPT_HEADERS). The rest govern documents; on a page's twenty
    small files they were more bytes than some of the files themselves. The API's answers
    are data: a policy allowing nothing, no framing, no sniffing. Every answer pays
    for this hook, so it reads the headers once and adds what is missing in one pass.
    """
    headers = response.headers
    api = request.path.startswith("/api/")
    if request.endpoint == "static":
        headers.pop("Content-Disposition", None)  # send_file's "inline; filename=...": noise
        wanted = SCRIPT_HEADERS if response.mimetype in SCRIPTS else DOCUMENT_HEADERS[:1]
    else:
        wanted = API_HEADERS if api else DOCUMENT_HEADERS
    if request.is_secure:
        wanted = (*wanted, HSTS)
    if api or getattr(g, "private", False) or _signed_in_page(response):
        # Health data stays out of browser and proxy caches (the service worker keeps its
        # own copies, bound to the session: static/sw.js).
        wanted = (*wanted, NO_STORE)
    present = {name.lower() for name in headers.keys()}  # noqa: SIM118 - iterating gives pairs
    for name, value in wanted:
        if name.lower() not in present:
            headers.add(name, value)
    if api or response.mimetype == "text/html":
        _mark_signed_in(response)
    _secure_remember_cookie(response)
    return response


def _signed_in_page(response):
    return response.mimetype == "text/html" and current_user._get_current_object().is_authenticated


# Sign-in and sign-out: one place for the API and the pages.

#: A cookie that scripts and the service worker can read (the session cookie is HttpOnly):
#: whose session this browser holds and until when. Offline, the worker serves a user's
#: cached pages only while it names that user; it goes when the session ends.
MARKER_COOKIE = "diary_user"


def sign_in(user: accounts.User, remember=False) -> accounts.User:
    """Open a server-side session for ``user`` and sign this browser in with it.

    The CSRF token is replaced, so a token seen before signing in is worth nothing after.
    Whoever was signed in on this browser is signed out first, on the server too: on a
    shared phone, the earlier person's remember-me cookie would otherwise bring their
    diary back once the new browser session ends.
    """
    if current_user.is_authenticated:
        sign_out()
    bound = accounts.open_session(
        get_db(),
        user,
        current_app.config,
        remember=remember,
        user_agent=request.user_agent.string,
    )
    _new_csrf_token()
    login_user(bound, remember=remember)
    i18n.keep_account_choice(bound)
    return bound


def sign_out():
    """End this browser's session on the server (and so every copy of its cookies).

    The device's push subscription goes with the session: the database deletes it by
    cascade (m009_push), as it does for every other way a session ends.
    """
    if current_user.is_authenticated and current_user.session is not None:
        sessions.end(get_db(), current_user.session.id)
    # The account's language stays this browser's: the sign-in page that follows speaks it.
    i18n.keep_account_choice(current_user)
    # The CSRF token is left as it is: requests still in flight from the page that signed
    # out would each mint a new one, and the sign-in form's token would lose the race.
    # Signing in replaces it.
    logout_user()


#: Set when an account is deleted from this browser: the user's id, which the next page's
#: script (static/js/offline.js) reads to delete what this phone kept of that diary (its
#: outbox and synced rows, its cached pages), then clears. Not the whole site's storage
#: (Clear-Site-Data): another patient on the same phone may have changes not sent yet.
FORGET_COOKIE = "diary_forget"


def forget_on_this_browser(response, user_id):
    """Ask this browser's next page to delete what it kept of ``user_id``'s diary."""
    response.set_cookie(
        FORGET_COOKIE,
        str(user_id),
        max_age=400 * 24 * 3600,  # until the app is opened again here, however long
        samesite="Lax",
        secure=request.is_secure,
    )
    return response


def sign_out_everywhere():
    """End every session of the signed-in user, this one included."""
    sessions.end_all(get_db(), current_user.id)
    i18n.keep_account_choice(current_user)
    logout_user()


def _new_csrf_token():
    session.pop("csrf_token", None)
    g.pop("csrf_token", None)


def _mark_signed_in(response):
    user = current_user._get_current_object()
    user = user if user.is_authenticated else None
    value = None
    if user is not None and user.session is not None:
        expires = datetime.fromisoformat(user.session.expires_at)
        value = f"{user.id}.{int(expires.timestamp())}"
    if request.cookies.get(MARKER_COOKIE) == value:
        return
    if value is None:
        response.delete_cookie(MARKER_COOKIE, samesite="Lax")
        return
    response.set_cookie(
        MARKER_COOKIE,
        value,
        # Without "remember me" the cookie goes when the browser closes, like the session's.
        expires=expires if user.session.remember else None,
        samesite="Lax",
        secure=request.is_secure,
        httponly=False,  # the service worker reads it; it holds no secret
    )


def _secure_remember_cookie(response):
    # flask-login's remember cookie reads a static setting; add Secure per request instead.
    if not request.is_secure:
        return
    cookies = response.headers.getlist("Set-Cookie")
    if not cookies:
        return
    response.headers.remove("Set-Cookie")
    for cookie in cookies:
        if "; secure" not in cookie.lower():
            cookie += "; Secure"
        response.headers.add("Set-Cookie", cookie)


def _csrf_refused(err: CSRFError):
    if wants_json():
        return json_error(
            400,
            "csrf_failed",
            _(
                "The CSRF token is missing or invalid: send the X-CSRFToken header with the "
                "token from GET /api/v1/session."
            ),
        )
    from flask import render_template

    return render_template("errors/csrf.html"), 400


def signin_failed():
    """Mark this request as a failed sign-in so the rate limit counts it (and only it)."""
    g.signin_failed = True


def count_failures(response):
    return bool(getattr(g, "signin_failed", False))


def email_key():
    """Rate-limit key for one account: the email being tried, case-folded."""
    if request.is_json:
        try:
            data = inputs.parse_json(request.get_data(cache=True))
        except inputs.BadInput:
            data = {}  # the view refuses the body itself, naming what is wrong
    else:
        data = request.form
    email = data.get("email", "") if isinstance(data, dict) or hasattr(data, "get") else ""
    return "email:" + (email if isinstance(email, str) else "").strip().casefold()


def signin_limits():
    """Failed sign-ins per address and per account; successes never count. Each is one
    count for the API and the form together: trying the other door gives no more guesses."""
    limit = lambda: current_app.config["SIGNIN_FAILURE_LIMIT"]  # noqa: E731
    return [
        limiter.shared_limit(
            limit, scope="signin-address", methods=["POST"], deduct_when=count_failures
        ),
        limiter.shared_limit(
            limit,
            scope="signin-account",
            key_func=email_key,
            methods=["POST"],
            deduct_when=count_failures,
        ),
    ]


def with_signin_limits(view):
    """Apply the failed-sign-in limits to a sign-in view (the API's and the form's)."""
    for decorate in reversed(signin_limits()):
        view = decorate(view)
    return view


def with_registration_limit(view):
    """Registrations per address (REGISTRATION_LIMIT, then 429), across the API and the
    form together: each answer to a taken email is a guess at who has an account."""
    return limiter.shared_limit(
        lambda: current_app.config["REGISTRATION_LIMIT"], scope="registration", methods=["POST"]
    )(view)


def with_password_check_limit(view):
    """Wrong passwords asked again of a signed-in user (to change the password or delete the
    account) count like failed sign-ins, per account, in one count for every such form and
    call: a borrowed session cannot guess its way to the password or to deleting."""
    return limiter.shared_limit(
        lambda: current_app.config["SIGNIN_FAILURE_LIMIT"],
        scope="password-check",
        key_func=lambda: f"password:{current_user.id}",
        methods=["POST", "PUT", "DELETE"],
        deduct_when=count_failures,
    )(view)


def email_change_asked():
    """Mark this request as a change of email that went through (changed, or mailed a
    link) or was refused for its address, so the per-account limit counts it: without
    email a taken address is refused, and each refusal tells something (docs/api.md)."""
    g.email_change_asked = True


def _count_email_changes(response):
    return bool(getattr(g, "email_change_asked", False))


def with_email_change_limit(view):
    """Changes of email per account (EMAIL_CHANGE_LIMIT, then 429), across the API and the
    form together: each may send an email to an address the caller chose."""
    return limiter.shared_limit(
        lambda: current_app.config["EMAIL_CHANGE_LIMIT"],
        scope="email-change",
        key_func=lambda: f"email-change:{current_user.id}",
        methods=["POST", "PUT"],
        deduct_when=_count_email_changes,
    )(view)


def invite_failed():
    """Mark this request as a wrong invite code so the guessing limit counts it (and only it)."""
    g.invite_failed = True


def _count_invite_failures(response):
    return bool(getattr(g, "invite_failed", False))


def _physician_key():
    return f"invite:{current_user.id}" if current_user.is_authenticated else get_remote_address()


def with_invite_limit(view):
    """Wrong invite codes are limited per physician (INVITE_FAILURE_LIMIT, then 429), across
    the API and the form together: 50-bit codes are safe only if nobody can try many."""
    return limiter.shared_limit(
        lambda: current_app.config["INVITE_FAILURE_LIMIT"],
        scope="invite-codes",
        key_func=_physician_key,
        methods=["POST"],
        deduct_when=_count_invite_failures,
    )(view)


def refuse_long_urls():
    """before_request: an address longer than inputs.MAX_URL_LENGTH is 414, on any server."""
    if len(request.full_path.encode()) > inputs.MAX_URL_LENGTH:
        raise RequestURITooLarge()


def accepts_body_up_to(config_key):
    """Let the decorated view read a body of up to ``app.config[config_key]`` bytes instead
    of MAX_CONTENT_LENGTH (an imported copy of a diary is larger than any other request)."""

    def decorate(view):
        view.body_limit = config_key
        return view

    return decorate


def apply_body_limit():
    """before_request, before anything reads the body (the CSRF check reads a form): the
    limit the view asked for. Only after the access check does anything read the body, so
    no one but the view's callers can make the server read that much."""
    view = current_app.view_functions.get(request.endpoint)
    key = getattr(view, "body_limit", None)
    if key is not None:
        request.max_content_length = current_app.config[key]


def check_csrf():
    """before_request, after the access check: the CSRF token on state-changing requests."""
    if current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect(apply_exemptions=True)


def init_app(app):
    app.before_request(refuse_long_urls)
    app.before_request(apply_body_limit)
    app.session_interface = SessionInterface()
    csrf.init_app(app)
    if not app.config["RATELIMIT_STORAGE_URI"]:
        app.config["RATELIMIT_STORAGE_URI"] = rate_limit_store.uri_beside(app.config["DATABASE"])
    if app.config["RATELIMIT_STORAGE_URI"].startswith(f"{rate_limit_store.SCHEME}://"):
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {"key_secret": app.config["SECRET_KEY"]}
    limiter.init_app(app)
    app.register_error_handler(CSRFError, _csrf_refused)
    # Registered before flask-login so it runs after it and sees the remember cookie.
    app.after_request(set_headers)
    login_manager.init_app(app)
    login_manager.login_view = "auth.signin"
    login_manager.login_message = _l("Please sign in to continue.")
    # No session protection: it hashes the address and browser of every request to mark a
    # session "not fresh" when they change, and nothing here asks for a fresh sign-in (a
    # phone changes address all day). The session itself lives on the server and ends there.
    login_manager.session_protection = None
