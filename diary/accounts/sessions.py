"""Signed-in sessions kept on the server, so that signing out really ends them.

The browser holds a random token (in the session cookie and, with "remember me", the
remember cookie); the database holds only its SHA-256 and when it expires. Ending a
session deletes its row, so every copy of either cookie stops working at once, on every
worker. Pure of Flask: the blueprints call these with the request's facts.
"""

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from diary.db import fetch_all, write
from diary.i18n.text import N_, gettext
from diary.tokens import digest

TOKEN_BYTES = 32
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")
# A session's expiry slides forward as it is used, but the row is rewritten at most this
# often: a write on every request would cost every page and every save.
TOUCH_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class Session:
    id: int
    user_id: int
    created_at: str
    last_seen_at: str
    expires_at: str
    remember: bool
    device: str


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _now() -> datetime:
    return datetime.now(UTC)


def start(db, user_id: int, *, idle: timedelta, remember: bool, user_agent: str = "") -> str:
    """Open a session for the user and return its token (shown to the browser only)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = _now()
    with write(db):
        db.execute(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at,"
            " remember, device) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                digest(token),
                user_id,
                _iso(now),
                _iso(now),
                _iso(now + idle),
                int(remember),
                describe_device(user_agent),
            ],
        )
    return token


def find(db, token, idle_for: Callable[[str], timedelta]) -> tuple[Session, dict] | None:
    """The live session behind ``token`` and its user's row, or None when ended or expired.

    Using a session moves its expiry on by ``idle_for(role)``: how long a session of the
    user's role lives unused.
    """
    if not isinstance(token, str) or not TOKEN_RE.fullmatch(token):
        return None
    rows = fetch_all(
        db,
        "SELECT s.id AS s_id, s.created_at AS s_created_at, s.last_seen_at, s.expires_at,"
        " s.remember, s.device, u.* FROM sessions s JOIN users u ON u.id = s.user_id"
        " WHERE s.token_hash = ?",
        [digest(token)],
    )
    if not rows:
        return None
    row = rows[0]
    now = _now()
    if row["expires_at"] <= _iso(now):
        end(db, row["s_id"])
        return None
    if row["last_seen_at"] <= _iso(now - TOUCH_EVERY):
        row["last_seen_at"], row["expires_at"] = _iso(now), _iso(now + idle_for(row["role"]))
        with write(db):
            db.execute(
                "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?",
                [row["last_seen_at"], row["expires_at"], row["s_id"]],
            )
    session = _from_row(
        {**row, "id": row["s_id"], "user_id": row["id"], "created_at": row["s_created_at"]}
    )
    return session, row


def _from_row(row) -> Session:
    return Session(
        id=row["id"],
        user_id=row["user_id"],
        created_at=row["created_at"],
        last_seen_at=row["last_seen_at"],
        expires_at=row["expires_at"],
        remember=bool(row["remember"]),
        device=row["device"],
    )


def end(db, session_id: int):
    """End one session (signing out on this device)."""
    with write(db):
        db.execute("DELETE FROM sessions WHERE id = ?", [session_id])


def end_of_user(db, user_id: int, session_id: int) -> bool:
    """End one of the user's sessions; False when the user has no such session."""
    with write(db):
        return (
            db.execute(
                "DELETE FROM sessions WHERE id = ? AND user_id = ?", [session_id, user_id]
            ).rowcount
            == 1
        )


def end_all(db, user_id: int, *, keep: int | None = None) -> int:
    """End every session of the user but ``keep``; return how many were ended."""
    with write(db):
        return db.execute(
            "DELETE FROM sessions WHERE user_id = ? AND id IS NOT ?", [user_id, keep]
        ).rowcount


def of_user(db, user_id: int) -> list[Session]:
    """The user's live sessions, most recently used first."""
    rows = fetch_all(
        db,
        "SELECT * FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY last_seen_at DESC",
        [user_id, _iso(_now())],
    )
    return [_from_row(r) for r in rows]


_BROWSERS = [
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
]
_SYSTEMS = [
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "Mac"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
]


#: A device's words are stored in English (the session outlives any one page's language)
#: and said in the reader's language when shown (``device_words``).
BROWSER_ON_SYSTEM = N_("%(browser)s on %(system)s")
UNKNOWN_DEVICE = N_("An app or browser we do not recognise")


def describe_device(user_agent: str) -> str:
    """A user agent in words a patient recognises ("Chrome on Android"), at most 80 chars."""
    user_agent = user_agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    if browser and system:
        return BROWSER_ON_SYSTEM % {"browser": browser, "system": system}
    if browser or system:
        return browser or system
    return UNKNOWN_DEVICE


def device_words(device: str) -> str:
    """A stored device description in the reader's language."""
    if device == UNKNOWN_DEVICE:
        return gettext(UNKNOWN_DEVICE)
    browser, on, system = device.partition(" on ")
    browsers, systems = {n for _m, n in _BROWSERS}, {n for _m, n in _SYSTEMS}
    if on and browser in browsers and system in systems:
        return gettext(BROWSER_ON_SYSTEM, browser=browser, system=system)
    return device
