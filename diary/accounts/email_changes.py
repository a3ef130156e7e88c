"""One-time links that confirm a new sign-in email, sent to the new address.

A one-time link like a password reset's (one_time_links.py), kept beside the address asked
for, that expires a day after it was made. Only the newest link of an account works, and
none works once the password changes: whoever changed it may be ending someone else's hold
on the account. Confirming sets the address, unless another account took it meanwhile.
Pure of Flask.
"""

from datetime import UTC, datetime, timedelta

from diary.accounts import one_time_links
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

# A day: the new address may be one the person reads only at home, or after work.
LIFETIME = timedelta(hours=24)
#: Where a link leads on the site (the page in diary/web/email_change.py).
LINK_PATH = "/email/"


def link(base_url: str, token: str) -> str:
    """The link for ``token`` on the site at ``base_url``."""
    return url(base_url, LINK_PATH, token)


class EmailTaken(Exception):
    """Another account signs in with the address now: nothing was changed."""


def create(db, user_id: int, new_email: str, *, now: datetime | None = None) -> str:
    """Make a link that sets the account's email to ``new_email`` (case-folded by the
    caller); return its token (shown once, never stored). Ends the account's earlier links."""
    return one_time_links.create(db, "email_changes", user_id, LIFETIME, now, new_email=new_email)


def _end_pending(db, user_id: int, now: datetime):
    one_time_links.end_pending(db, "email_changes", user_id, now)


def cancel(db, user_id: int) -> None:
    """End the account's links not used yet (the account page's "cancel", a new password)."""
    with write(db):
        _end_pending(db, user_id, datetime.now(UTC))


def end_within(db, user_id: int) -> None:
    """``cancel``, inside the caller's write transaction (a password changed or reset)."""
    _end_pending(db, user_id, datetime.now(UTC))


def pending(db, user_id: int) -> dict | None:
    """``{"email", "asked_at", "expires_at"}`` of the account's live link (the address it
    sets, when it was made and when it stops working), or None."""
    rows = fetch_all(
        db,
        "SELECT new_email AS email, created_at AS asked_at, expires_at FROM email_changes"
        " WHERE user_id = ? AND used_at IS NULL AND expires_at > ? ORDER BY id DESC LIMIT 1",
        [user_id, _iso(datetime.now(UTC))],
    )
    return rows[0] if rows else None


def state(db, token) -> tuple[str, dict | None]:
    """``(VALID | USED | EXPIRED | UNKNOWN, the link's row or None)`` for ``token``; the row
    holds ``user_id``, ``new_email`` and the account's ``email`` and ``locale``."""
    if not looked_up(token):
        return UNKNOWN, None
    rows = fetch_all(
        db,
        "SELECT c.user_id, c.new_email, c.expires_at, c.used_at, u.email, u.locale"
        " FROM email_changes c JOIN users u ON u.id = c.user_id WHERE c.token_hash = ?",
        [digest(token)],
    )
    return state_of(rows, datetime.now(UTC))


def confirm(db, token: str) -> dict:
    """Set the account's email to the link's address; return the link's row as it was
    before (``email`` is the old address).

    Raises LinkNotUsable when the link is used, expired or unknown (also when another
    request used it a moment before), and EmailTaken, changing nothing and keeping the
    link, when another account signs in with the address now.
    """
    found, row = state(db, token)
    if found != VALID:
        raise LinkNotUsable(found)
    now = _iso(datetime.now(UTC))
    with write(db):
        if fetch_all(
            db,
            "SELECT 1 FROM users WHERE email = ? AND id != ?",
            [row["new_email"], row["user_id"]],
        ):
            raise EmailTaken()
        claimed = db.execute(
            "UPDATE email_changes SET used_at = ? WHERE token_hash = ? AND used_at IS NULL"
            " AND expires_at > ?",
            [now, digest(token), now],
        ).rowcount
        if claimed != 1:
            raise LinkNotUsable(state(db, token)[0])
        set_email_within(db, row["user_id"], row["new_email"])
    return row


def set_email_within(db, user_id: int, email: str) -> None:
    """Make ``email`` the account's sign-in address, inside the caller's write transaction.

    Password reset links not used yet end: they went to the old address, which the person
    may be leaving because someone else reads it. Signed-in sessions stay: the address is
    a name to sign in with, not a secret, and if the change was not the owner's doing, a
    device still signed in is where the owner can take the account back.
    """
    db.execute("UPDATE users SET email = ? WHERE id = ?", [email, user_id])
    one_time_links.end_pending(db, "password_resets", user_id)
