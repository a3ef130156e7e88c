"""What the accounts' one-time links have in common: a password reset (password_resets.py)
and a new sign-in email (email_changes.py).

The link carries a random token of 256 bits; the database keeps only its SHA-256, when the
link expires and when it was used, so a copy of the database opens nothing. Pure of Flask.
"""

import secrets
from datetime import UTC, datetime, timedelta

from diary.db import write
from diary.tokens import digest

TOKEN_BYTES = 32
# Links are kept this long after they were made, so a late click hears "expired", not "unknown".
KEPT_FOR = timedelta(days=7)
# Longer than any token we make: looked up by nobody.
LONGEST_TOKEN = 100

VALID, USED, EXPIRED, UNKNOWN = "valid", "used", "expired", "unknown"


class LinkNotUsable(Exception):
    """The link was used already, has expired or was never made (``state`` says which)."""

    def __init__(self, state):
        super().__init__(f"link {state}")
        self.state = state


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


#: The tables of one-time links (each: user_id, token_hash, created_at, expires_at, used_at).
TABLES = ("password_resets", "email_changes")


def _known(table: str) -> None:
    # The table's name goes into SQL: only our own names, never a caller's text.
    if table not in TABLES:
        raise ValueError(f"not a table of one-time links: {table!r}")


def create(db, table: str, user_id: int, lifetime: timedelta, now=None, **columns) -> str:
    """Make a link in ``table`` for the user, with ``columns`` beside it, that expires after
    ``lifetime``; return its token (shown once, never stored). Only the newest link of a
    user works: making one ends the user's earlier unused links."""
    _known(table)
    now = now or datetime.now(UTC)
    token = new_token()
    names = ["user_id", *columns, "token_hash", "created_at", "expires_at"]
    with write(db):
        db.execute(f"DELETE FROM {table} WHERE created_at < ?", [iso(now - KEPT_FOR)])  # noqa: S608  # nosec B608
        end_pending(db, table, user_id, now)
        db.execute(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",  # noqa: S608  # nosec B608
            [user_id, *columns.values(), digest(token), iso(now), iso(now + lifetime)],
        )
    return token


def end_pending(db, table: str, user_id: int, now: datetime | None = None) -> None:
    """End the user's links in ``table`` not used yet, inside the caller's transaction."""
    _known(table)
    now = iso(now or datetime.now(UTC))
    db.execute(
        f"UPDATE {table} SET expires_at = ? WHERE user_id = ? AND used_at IS NULL"  # noqa: S608  # nosec B608
        " AND expires_at > ?",
        [now, user_id, now],
    )


def iso(moment: datetime) -> str:
    """A UTC moment as the links' tables keep it, which sorts as text in time order."""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def url(base_url: str, path: str, token: str) -> str:
    """The link for ``token`` under ``path`` on the site at ``base_url`` ("" for the path)."""
    return f"{(base_url or '').rstrip('/')}{path}{token}"


def looked_up(token) -> bool:
    """Whether ``token`` is worth looking for (text of a length we make)."""
    return isinstance(token, str) and len(token) <= LONGEST_TOKEN


def state_of(rows, now: datetime) -> tuple[str, dict | None]:
    """``(VALID | USED | EXPIRED | UNKNOWN, the row or None)`` of the rows found for a
    token (none or one, holding ``used_at`` and ``expires_at``)."""
    if not rows:
        return UNKNOWN, None
    row = rows[0]
    if row["used_at"]:
        return USED, row
    if row["expires_at"] <= iso(now):
        return EXPIRED, row
    return VALID, row
