"""One-time links that set a new password, for a server with no help desk behind it.

The operator makes one with ``flask --app diary reset-password EMAIL`` (or the server emails
it, when SMTP is configured). The link carries a random token of 256 bits; the database keeps
only its SHA-256, when it expires (an hour after it was made) and when it was used. Using it
sets the password under the same rules as registration and ends every session of the
account, so whoever had the old password is signed out everywhere. Pure of Flask.
"""

import secrets
from datetime import UTC, datetime, timedelta

from diary import accounts
from diary.accounts import sessions
from diary.db import fetch_all, write
from diary.tokens import digest

TOKEN_BYTES = 32
LIFETIME = timedelta(hours=1)
# Links are kept this long after they expire, so a late click hears "expired", not "unknown".
KEPT_FOR = timedelta(days=7)

VALID, USED, EXPIRED, UNKNOWN = "valid", "used", "expired", "unknown"
#: Where a link leads on the site (the page in diary/web/password_reset.py).
LINK_PATH = "/reset/"


def link(base_url: str, token: str) -> str:
    """The link for ``token`` on the site at ``base_url`` ("" for the path alone)."""
    return f"{(base_url or '').rstrip('/')}{LINK_PATH}{token}"


class LinkNotUsable(Exception):
    """The link was used already, has expired or was never made (``state`` says which)."""

    def __init__(self, state):
        super().__init__(f"reset link {state}")
        self.state = state


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def create(db, user_id: int, *, now: datetime | None = None) -> str:
    """Make a link for the user and return its token (shown once, never stored).

    Only the newest link of a user works: making one ends the user's earlier unused links.
    """
    now = now or datetime.now(UTC)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with write(db):
        db.execute("DELETE FROM password_resets WHERE created_at < ?", [_iso(now - KEPT_FOR)])
        db.execute(
            "UPDATE password_resets SET expires_at = ? WHERE user_id = ? AND used_at IS NULL"
            " AND expires_at > ?",
            [_iso(now), user_id, _iso(now)],
        )
        db.execute(
            "INSERT INTO password_resets (user_id, token_hash, created_at, expires_at)"
            " VALUES (?, ?, ?, ?)",
            [user_id, digest(token), _iso(now), _iso(now + LIFETIME)],
        )
    return token


def state(db, token) -> tuple[str, dict | None]:
    """``(VALID | USED | EXPIRED | UNKNOWN, the account's row or None)`` for ``token``."""
    if not isinstance(token, str) or len(token) > 100:
        return UNKNOWN, None
    rows = fetch_all(
        db,
        "SELECT r.expires_at, r.used_at, u.* FROM password_resets r"
        " JOIN users u ON u.id = r.user_id WHERE r.token_hash = ?",
        [digest(token)],
    )
    if not rows:
        return UNKNOWN, None
    row = rows[0]
    if row["used_at"]:
        return USED, row
    if row["expires_at"] <= _iso(datetime.now(UTC)):
        return EXPIRED, row
    return VALID, row


def use(db, hasher, token: str, new_password: str) -> int:
    """Set the account's password through the link; return the account's id.

    Raises LinkNotUsable when the link is used, expired or unknown (also when another
    request used it a moment before), and accounts.RegistrationRefused naming
    ``new_password`` when the password breaks a rule. Every session of the account ends.
    """
    found, row = state(db, token)
    if found != VALID:
        raise LinkNotUsable(found)
    problem = accounts.password_problem(new_password, row["email"])
    if problem:
        raise accounts.RegistrationRefused({"new_password": problem})
    password_hash = hasher.hash(new_password)  # slow: before the write lock, not in it
    now = _iso(datetime.now(UTC))
    with write(db):
        claimed = db.execute(
            "UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL"
            " AND expires_at > ?",
            [now, digest(token), now],
        ).rowcount
        if claimed != 1:
            raise LinkNotUsable(state(db, token)[0])
        db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [password_hash, row["id"]])
        sessions.end_all(db, row["id"])
    return row["id"]
