"""Configuration: defaults, then ``instance/config.py``, then the environment.

Only the names below are read from the environment; everything else can be set in
``instance/config.py`` by the operator.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

DEFAULTS = {
    "DATABASE": None,  # filled in by create_app: instance/diary.sqlite3
    "REGISTRATION_OPEN": True,
    # OWASP minimum for argon2id: m=19 MiB, t=2, p=1. Memory is bounded per sign-in,
    # so a burst of 20 sign-ins needs about 380 MiB at worst across all workers.
    "ARGON2_TIME_COST": 2,
    "ARGON2_MEMORY_COST_KIB": 19 * 1024,
    "ARGON2_PARALLELISM": 1,
    "SIGNIN_FAILURE_LIMIT": "5 per minute",
    "REGISTRATION_LIMIT": "10 per hour",
    "INVITE_FAILURE_LIMIT": "10 per hour",
    # How long a share lasts once a physician accepted the invite; the patient can end it
    # sooner. A share nobody thinks about should not outlive the treatment by years.
    "SHARE_DAYS": 365,
    # How long an invite code works before a physician enters it (once).
    "INVITE_DAYS": 7,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "diary_session",
    "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
    # A server-side session ends after this long unused. Physicians often sign in on a
    # clinic's shared computer: theirs end the same working day.
    "SESSION_IDLE_TIMEOUT": {"patient": timedelta(days=30), "physician": timedelta(hours=12)},
    "REMEMBER_COOKIE_DURATION": timedelta(days=30),
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_NAME": "diary_remember",
    # A patient may leave the today page open for hours; the token lives as long as
    # the session instead of Flask-WTF's default hour.
    "WTF_CSRF_TIME_LIMIT": None,
    # CSRF is checked by security.check_csrf, after the access check (see create_app).
    "WTF_CSRF_CHECK_DEFAULT": False,
    "RATELIMIT_HEADERS_ENABLED": True,
    # Filled in by security.init_app: a file beside the database that every worker shares
    # (diary/rate_limit_store.py), unless set to Redis or memory:// (one count per worker).
    "RATELIMIT_STORAGE_URI": None,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024 + 64 * 1024,
    # An imported copy of a diary (POST /api/v1/import and the import page) may be larger:
    # five years of daily entries with a note on each is about 2.5 MB (docs/exports.md).
    "IMPORT_MAX_BYTES": 16 * 1024 * 1024,
    "PROXY_FIX": False,
    # The app compresses what it sends (Flask-Compress), so the quick start is as light on
    # a phone as a deployment behind a gzipping proxy. Small answers (a save's JSON) are
    # not worth the CPU; images other than SVG are compressed already.
    "COMPRESS_ALGORITHM": ["gzip", "deflate"],
    # Static files are sent as streams, which Flask-Compress does not gzip: every browser
    # takes deflate as well.
    "COMPRESS_ALGORITHM_STREAMING": ["deflate"],
    "COMPRESS_LEVEL": 6,
    "COMPRESS_MIN_SIZE": 1024,
    "COMPRESS_MIMETYPES": [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/manifest+json",
        "application/fhir+json",
        "image/svg+xml",
        "text/csv",
    ],
    "JSON_SORT_KEYS": False,
    # Web Push reminders (docs/reminders.md). A subscription's endpoint is a URL the server
    # will POST to: only these prefixes are accepted ("*" stands for one or more host labels).
    "PUSH_ENDPOINTS": [
        "https://fcm.googleapis.com/",
        "https://updates.push.services.mozilla.com/",
        "https://web.push.apple.com/",
        "https://*.notify.windows.com/",
    ],
    # The VAPID key (PEM); generated into instance/vapid_private_key.pem when not given.
    "VAPID_PRIVATE_KEY": None,
    # Who push services may contact about this server's pushes (a mailto: or https: URL).
    "VAPID_SUBJECT": "mailto:diary@localhost",
    # A reminder not sent at its time (the server was down) is still sent this long after,
    # but never after the patient's day has ended.
    "REMINDER_GRACE": timedelta(hours=3),
    "PUSH_TIMEOUT_SECONDS": 10,
    # The site's public address (https://diary.example.org), for links in emails and those
    # that `flask reset-password` prints; never taken from a request's Host header.
    "BASE_URL": None,
    # Email, for password reset links; nothing is sent without a host (see diary/mail.py).
    "SMTP_HOST": None,
    "SMTP_PORT": 587,
    "SMTP_SECURITY": "starttls",  # "starttls", "ssl" (implicit TLS, port 465) or "none"
    "SMTP_USERNAME": None,
    # No password here: it comes from the environment (bandit reads None as one).
    "SMTP_PASSWORD": None,  # nosec B105
    "SMTP_FROM": None,
    "SMTP_TIMEOUT": 10,
    # "Email me a link": per address and per email asked for, so nobody floods an inbox.
    "PASSWORD_RESET_LIMIT": "5 per hour",
    # Changes of email asked per account (each mails the new address, when SMTP is set);
    # wrong passwords count against SIGNIN_FAILURE_LIMIT besides.
    "EMAIL_CHANGE_LIMIT": "5 per hour",
}

# Names of settings, not their values (bandit takes "SECRET_KEY" for a password).
ENVIRONMENT = {  # nosec B105
    "DIARY_SECRET_KEY": "SECRET_KEY",
    "DIARY_DATABASE": "DATABASE",
    "DIARY_RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
    "DIARY_VAPID_SUBJECT": "VAPID_SUBJECT",
    "DIARY_BASE_URL": "BASE_URL",
    "DIARY_SMTP_HOST": "SMTP_HOST",
    "DIARY_SMTP_PORT": "SMTP_PORT",
    "DIARY_SMTP_SECURITY": "SMTP_SECURITY",
    "DIARY_SMTP_USERNAME": "SMTP_USERNAME",
    "DIARY_SMTP_PASSWORD": "SMTP_PASSWORD",
    "DIARY_SMTP_FROM": "SMTP_FROM",
}


def apply_environment(config, environ=os.environ):
    """Copy the supported ``DIARY_*`` variables into ``config``."""
    for variable, key in ENVIRONMENT.items():
        if environ.get(variable):
            config[key] = environ[variable]
    if environ.get("DIARY_PROXY_FIX"):
        config["PROXY_FIX"] = environ["DIARY_PROXY_FIX"] not in ("0", "false", "no")
    if environ.get("DIARY_PUSH_ENDPOINTS"):
        prefixes = environ["DIARY_PUSH_ENDPOINTS"].split(",")
        config["PUSH_ENDPOINTS"] = [p.strip() for p in prefixes if p.strip()]


#: The settings that count days, and the numbers each may be: a share lasts up to ten
#: years, an invite code works up to 90 days.
DAY_COUNTS = {"SHARE_DAYS": (1, 3650), "INVITE_DAYS": (1, 90)}


def check(config):
    """Refuse to start with a setting the app cannot use, naming it (ValueError): a mistake
    in ``instance/config.py`` is told at start, not as an error when a patient shares."""
    for key, (low, high) in DAY_COUNTS.items():
        value = config.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(
                f"{key} must be a whole number of days from {low} to {high}, not {value!r}"
            )


def ensure_secret_key(config, instance_path):
    """Return the secret key, generating ``instance/secret_key`` (mode 0600) when none is set.

    Persisting it means sessions survive restarts without the operator doing anything.
    """
    if config.get("SECRET_KEY"):
        return config["SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    return write_once(path, lambda: secrets.token_hex(32)).strip()


def write_once(path: Path, make) -> str:
    """The text of ``path``, a file only its owner may read (0600), written with ``make()``
    the first time.

    Write then link: the file appears whole or not at all, even when several workers
    start at once; the first link wins and the others read it.
    """
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(make())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text()
