"""View links: a read-only address for a physician without an account.

The link holds a random token of 256 bits (``secrets.token_urlsafe(32)``); the database
keeps only its SHA-256, so a copy of the database cannot be turned back into links. A link
lives 1, 7 or 30 days, the patient can turn it off at any time, and every use is written
to the access log (diary/access.py) with "someone with your link" as the viewer.
"""

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from diary.accounts import iso
from diary.db import fetch_all, write
from diary.tokens import digest

TOKEN_BYTES = 32
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")
#: How long a patient may let a link live, in days (at most 30: DESIGN.md section 5).
DAYS_CHOICES = (1, 7, 30)
#: What a link opens as a page (access-log subjects): "opened N times" counts these.
PAGES = ("summary", "charts")


@dataclass(frozen=True)
class ViewLink:
    id: str
    patient_id: int
    created_at: str
    expires_at: str


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def create(db, patient_id: int, days: int, *, now: datetime | None = None):
    """A new link of the patient's, live for ``days`` (one of DAYS_CHOICES).

    Returns ``(ViewLink, token)``: the token goes into the address shown to the patient
    once; it is not kept. Refuses (ValueError) any other number of days.
    """
    if days not in DAYS_CHOICES:
        raise ValueError(f"days must be one of {DAYS_CHOICES}")
    now = _now(now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ViewLink(str(uuid.uuid4()), patient_id, iso(now), iso(now + timedelta(days=days)))
    with write(db):
        db.execute(
            "INSERT INTO view_links (id, patient_id, token_hash, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [link.id, patient_id, digest(token), link.created_at, link.expires_at],
        )
    return link, token


def find_live(db, token, *, now: datetime | None = None) -> ViewLink | None:
    """The live link behind ``token``, or None (unknown, turned off or expired alike)."""
    if not isinstance(token, str) or not TOKEN_RE.fullmatch(token):
        return None
    rows = fetch_all(
        db,
        "SELECT id, patient_id, created_at, expires_at FROM view_links"
        " WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?",
        [digest(token), iso(_now(now))],
    )
    return ViewLink(**rows[0]) if rows else None


def revoke(db, patient_id: int, link_id: str, *, now: datetime | None = None) -> bool:
    """Turn off one of the patient's links; False when it is not theirs. Idempotent."""
    with write(db):
        found = db.execute(
            "SELECT 1 FROM view_links WHERE id = ? AND patient_id = ?", [link_id, patient_id]
        ).fetchone()
        if found is None:
            return False
        db.execute(
            "UPDATE view_links SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            [iso(_now(now)), link_id],
        )
    return True


def of_patient(db, patient_id: int, *, now: datetime | None = None) -> list[dict]:
    """The patient's links, newest first: ``{"id", "created_at", "expires_at",
    "revoked_at", "live", "uses", "last_used_at"}``: ``uses`` counts the pages opened
    (PAGES, from the access log), not the data the charts fetch on a page already open."""
    rows = fetch_all(
        db,
        "SELECT l.id, l.created_at, l.expires_at, l.revoked_at, COUNT(a.id) AS uses,"
        " MAX(a.at) AS last_used_at FROM view_links l"
        " LEFT JOIN access_log a ON a.link_id = l.id AND a.what IN (?, ?)"
        " WHERE l.patient_id = ? GROUP BY l.id ORDER BY l.created_at DESC, l.id",
        [*PAGES, patient_id],
    )
    stamp = iso(_now(now))
    for row in rows:
        row["live"] = row["revoked_at"] is None and row["expires_at"] > stamp
    return rows
