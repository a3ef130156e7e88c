"""One-time links that set a new password, for a server with no help desk behind it.

The operator makes one with ``flask --app diary reset-password EMAIL`` (or the server emails
it, when SMTP is configured): a one-time link (one_time_links.py) that expires an hour after
it was made. Using it sets the password under the same rules as registration and ends every
session of the account and every change of email waiting for its link, so whoever had the
old password is signed out everywhere and cannot move the account to their own address.
Pure of Flask.
"""

from datetime import UTC, datetime, timedelta

from diary import accounts
from diary.accounts import email_changes, one_time_links, sessions
from diary.accounts.one_time_links import (  # noqa: F401 - the states callers read here
    EXPIRED,
    UNKNOWN,
    USED,
    VALID,
    LinkNotUsable,
    looked_up,
    state_of,
    url,
)
from diary.accounts.one_time_links import iso as _iso
from diary.db import fetch_all, write
from diary.tokens import digest

LIFETIME = timedelta(hours=1)
#: Where a link leads on the site (the page in diary/web/password_reset.py).
LINK_PATH = "/reset/"


def link(base_url: str, token: str) -> str:
    """The link for ``token`` on the site at ``base_url`` ("" for the path alone)."""
    return url(base_url, LINK_PATH, token)


def create(db, user_id: int, *, now: datetime | None = None) -> str:
    """Make a link for the user and return its token (shown once, never stored).

    Only the newest link of a user works: making one ends the user's earlier unused links.
    """
    return one_time_links.create(db, "password_resets", user_id, LIFETIME, now)


def state(db, token) -> tuple[str, dict | None]:
    """``(VALID | USED | EXPIRED | UNKNOWN, the account's row or None)`` for ``token``."""
    if not looked_up(token):
        return UNKNOWN, None
    rows = fetch_all(
        db,
        "SELECT r.expires_at, r.used_at, u.* FROM password_resets r"
        " JOIN users u ON u.id = r.user_id WHERE r.token_hash = ?",
        [digest(token)],
    )
    return state_of(rows, datetime.now(UTC))


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
        email_changes.end_within(db, row["id"])
    return row["id"]
