"""Invite codes and the shares they make.

A patient creates an invite: a short code to read aloud (10 symbols of Crockford's base32,
50 bits), stored only as its SHA-256, valid once and for ``INVITE_DAYS``. A physician who
enters it gets an active share; the patient can end a share (or cancel an invite) at any
time, and the next request of the physician is refused (diary/access.py checks every one).

A share row is an invite until ``accepted_at`` is set; ``expires_at`` is the code's expiry
until then and the share's end afterwards.
"""

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from diary.accounts import iso
from diary.db import fetch_all, write
from diary.tokens import digest

#: Crockford's base32: digits and capitals without I, L, O and U, so nothing read aloud or
#: copied by hand is ambiguous.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 10 x 5 bits = 50 bits
INVITE_DAYS = 7
#: A share that ends within this is shown as ending soon, to the patient and the physician,
#: so a new invite code can be made before the physician loses the diary mid-treatment.
ENDS_SOON = timedelta(days=30)
#: What people type for the letters the alphabet leaves out (Crockford's own rule).
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s-]+")
#: Every text that can be a code: 10 symbols, any case, spaces and dashes anywhere. The API
#: schema declares the same pattern, so a well-formed code is looked up, never refused.
CODE_PATTERN = r"^[ -]*(?:[0-9A-TV-Za-tv-z][ -]*){10}$"
CODE_MAX_LENGTH = 40


@dataclass(frozen=True)
class Invite:
    """A new invite: the code is shown to the patient once and never stored."""

    id: str
    code: str
    expires_at: str

    @property
    def shown(self) -> str:
        return show(self.code)


def new_code() -> str:
    """A random code of CODE_LENGTH symbols of ALPHABET."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def show(code: str) -> str:
    """A code as it is printed: two groups of five ("7KQ2M-XH4PB")."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def normalise(text: str) -> str | None:
    """The code someone typed, in canonical form, or None when it cannot be a code.

    Case, spaces and dashes do not matter; O, I and L are read as 0, 1 and 1.
    """
    if not isinstance(text, str) or len(text) > CODE_MAX_LENGTH:
        return None
    code = _SEPARATORS.sub("", text).upper().translate(_LOOKALIKES)
    if len(code) != CODE_LENGTH or any(symbol not in ALPHABET for symbol in code):
        return None
    return code


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def create(db, patient_id: int, *, days: int = INVITE_DAYS, now: datetime | None = None) -> Invite:
    """A new invite of the patient's, valid for ``days`` (the app's INVITE_DAYS)."""
    now = _now(now)
    code = new_code()
    invite = Invite(str(uuid.uuid4()), code, iso(now + timedelta(days=days)))
    with write(db):
        db.execute(
            "INSERT INTO shares (id, patient_id, code_hash, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [invite.id, patient_id, digest(code), iso(now), invite.expires_at],
        )
    return invite


def accept(
    db, physician_id: int, text: str, *, share_days: int, now: datetime | None = None
) -> dict | None:
    """Use an invite code: the patient now shares with the physician for ``share_days``.

    Returns ``{"share_id", "patient_id", "patient_name", "expires_at"}``, or None when the
    text is not a live invite (mistyped, used, cancelled or expired: the caller cannot
    tell which, so guessing learns nothing). A physician who already had an active share
    with the patient keeps one: the older share ends.
    """
    code = normalise(text)
    if code is None:
        return None
    now = _now(now)
    with write(db):
        rows = fetch_all(
            db,
            "SELECT s.id, s.patient_id, u.name FROM shares s JOIN users u ON u.id = s.patient_id"
            " WHERE s.code_hash = ? AND s.accepted_at IS NULL AND s.revoked_at IS NULL"
            " AND s.expires_at > ?",
            [digest(code), iso(now)],
        )
        if not rows:
            return None
        share = rows[0]
        db.execute(
            "UPDATE shares SET revoked_at = ? WHERE patient_id = ? AND physician_id = ?"
            " AND accepted_at IS NOT NULL AND revoked_at IS NULL",
            [iso(now), share["patient_id"], physician_id],
        )
        expires_at = iso(now + timedelta(days=share_days))
        db.execute(
            "UPDATE shares SET physician_id = ?, accepted_at = ?, expires_at = ? WHERE id = ?",
            [physician_id, iso(now), expires_at, share["id"]],
        )
    return {
        "share_id": share["id"],
        "patient_id": share["patient_id"],
        "patient_name": share["name"],
        "expires_at": expires_at,
    }


def revoke(db, patient_id: int, share_id: str, *, now: datetime | None = None) -> bool:
    """End one of the patient's shares or cancel an invite; False when it is not theirs.

    Ending an ended share again changes nothing and is not an error.
    """
    with write(db):
        found = db.execute(
            "SELECT 1 FROM shares WHERE id = ? AND patient_id = ?", [share_id, patient_id]
        ).fetchone()
        if found is None:
            return False
        db.execute(
            "UPDATE shares SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            [iso(_now(now)), share_id],
        )
    return True


def status(row: dict, now: str) -> str:
    """``pending`` (an invite not used yet), ``active``, ``ended`` (revoked or expired
    after it was accepted) or ``lapsed`` (an invite cancelled or never used in time)."""
    accepted = row["accepted_at"] is not None
    live = row["revoked_at"] is None and row["expires_at"] > now
    if accepted:
        return "active" if live else "ended"
    return "pending" if live else "lapsed"


def ends_soon(expires_at: str, *, now: datetime | None = None) -> bool:
    """True when a share ending at ``expires_at`` (ISO, as stored) ends within ENDS_SOON."""
    return datetime.fromisoformat(expires_at) <= _now(now) + ENDS_SOON


def of_patient(db, patient_id: int, *, now: datetime | None = None) -> list[dict]:
    """The patient's shares and invites, newest first, each with its ``status`` and the
    physician's ``physician_name`` (None for an invite)."""
    rows = fetch_all(
        db,
        "SELECT s.id, s.physician_id, u.name AS physician_name, s.created_at, s.expires_at,"
        " s.accepted_at, s.revoked_at FROM shares s LEFT JOIN users u ON u.id = s.physician_id"
        " WHERE s.patient_id = ? ORDER BY s.created_at DESC, s.id",
        [patient_id],
    )
    stamp = iso(_now(now))
    return [{**row, "status": status(row, stamp)} for row in rows]


def is_active(db, patient_id, physician_id, *, now: datetime | None = None) -> bool:
    """True when the patient shares with the physician now (accepted, not revoked or expired)."""
    row = db.execute(
        "SELECT 1 FROM shares WHERE patient_id = ? AND physician_id = ? AND accepted_at IS NOT NULL"
        " AND revoked_at IS NULL AND expires_at > ? LIMIT 1",
        [patient_id, physician_id, iso(_now(now))],
    ).fetchone()
    return row is not None


def patients_of(db, physician_id: int, *, now: datetime | None = None) -> list[dict]:
    """The patients sharing with the physician now: ``[{"id", "name", "time_zone",
    "share_notes", "in_cohorts", "since", "until"}]`` by name."""
    return fetch_all(
        db,
        "SELECT u.id, u.name, u.time_zone, u.share_notes, u.in_cohorts,"
        " MIN(s.accepted_at) AS since,"
        " MAX(s.expires_at) AS until FROM shares s JOIN users u ON u.id = s.patient_id"
        " WHERE s.physician_id = ? AND s.accepted_at IS NOT NULL AND s.revoked_at IS NULL"
        " AND s.expires_at > ? GROUP BY u.id ORDER BY u.name COLLATE NOCASE, u.id",
        [physician_id, iso(_now(now))],
    )
