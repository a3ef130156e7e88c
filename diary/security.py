"""CSRF, rate limits, sign-in sessions, cookies and security headers."""

from flask import g, request
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect

from diary.errors import json_error, wants_json

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
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
    """Mark the session cookie Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app):
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def set_headers(response):
    """after_request: the security headers of DESIGN.md section 6 on every response."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.path.startswith("/api/") or getattr(g, "private", False):
        headers.setdefault("Cache-Control", "no-store")
    _secure_remember_cookie(response)
    return response


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
            "The CSRF token is missing or invalid: send the X-CSRFToken header with the token "
            "from GET /api/v1/session.",
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
    data = request.get_json(silent=True) if request.is_json else request.form
    email = data.get("email", "") if isinstance(data, dict) or hasattr(data, "get") else ""
    return "email:" + (email if isinstance(email, str) else "").strip().casefold()


def init_app(app):
    app.session_interface = SessionInterface()
    csrf.init_app(app)
    limiter.init_app(app)
    app.register_error_handler(CSRFError, _csrf_refused)
    # Registered before flask-login so it runs after it and sees the remember cookie.
    app.after_request(set_headers)
    login_manager.init_app(app)
    login_manager.login_view = "auth.signin"
    login_manager.login_message = "Please sign in to continue."
    login_manager.session_protection = "basic"
