"""Accounts: registration rules, password hashing, sign-in and the user behind a session.

Beside it, ``sessions`` keeps signed-in sessions on the server (so signing out really ends
them), ``password_resets`` makes and spends one-time links that set a new password, and
``email_changes`` and ``signin_email`` change the email an account signs in with.

This module is pure of Flask except for ``User``, which flask-login needs as its user object.
"""

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from werkzeug.security import check_password_hash

from diary.accounts import deletions, email_changes, sessions
from diary.db import close_database, fetch_all, open_database, write
from diary.errors import ApiError
from diary.i18n.text import gettext as _
from diary.i18n.text import lazy_gettext as _l
from diary.schemas import UserCreate, validate

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256


@cache
def common_passwords() -> frozenset[str]:
    """The refused very common passwords, lower-cased."""
    path = Path(__file__).parents[1] / "data" / "common-passwords.txt"
    lines = path.read_text().splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


def password_problem(password: str, email: str = "") -> str | None:
    """Return why ``password`` is refused, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("must be at least %(count)s characters long", count=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("must be at most %(count)s characters long", count=MAX_PASSWORD_LENGTH)
    lowered = password.lower()
    if lowered in common_passwords() or len(set(password)) < 3:
        return _("is too common; choose one that is harder to guess")
    if email and lowered == email.lower():
        return _("must not be your email address")
    return None


def normalise_email(email: str) -> str:
    """Emails are unique case-insensitively: store and compare them case-folded."""
    return email.strip().casefold()


def make_hasher(config) -> PasswordHasher:
    """argon2id with the configured cost (OWASP's minimum by default, cheap under test)."""
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST_KIB"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def now_iso() -> str:
    """The server's UTC clock as ISO 8601 (the only clock that decides updated_at)."""
    return iso(datetime.now(UTC))


def iso(moment: datetime) -> str:
    """A UTC moment as the database stores it ("2026-12-03T10:42:00.000Z"), which sorts
    as text in time order."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class User(UserMixin):
    id: int
    email: str
    role: str
    name: str
    time_zone: str
    created_at: str
    # Whether people the patient shares with see their free-text notes (off by default).
    share_notes: bool = False
    # Whether the patient's numbers count in the cohort tables of physicians they share
    # with (de-identified, aggregated; on by default, docs/cohorts.md).
    in_cohorts: bool = True
    # "HH:MM" on the patient's clock for the daily reminder, or None: no reminders.
    reminder_time: str | None = None
    # The language chosen on the account page ("en", "es"), or None: the browser decides.
    locale: str | None = None
    # The server-side session this request came with (see sessions.py); None outside one.
    session: sessions.Session | None = None
    session_token: str | None = None

    @classmethod
    def from_row(cls, row, session=None, session_token=None):
        fields = ("id", "email", "role", "name", "time_zone", "created_at")
        return cls(
            **{k: row[k] for k in fields},
            share_notes=bool(row["share_notes"]),
            in_cohorts=bool(row["in_cohorts"]),
            reminder_time=row["reminder_time"],
            locale=row["locale"],
            session=session,
            session_token=session_token,
        )

    def get_id(self):
        # What flask-login keeps in the session and remember cookies: the session's token,
        # which means nothing once the session's row is deleted.
        return self.session_token

    @property
    def is_patient(self):
        return self.role == "patient"

    @property
    def is_physician(self):
        return self.role == "physician"

    def to_json(self):
        return {
            "id": self.id,
            "email": self.email,
            "role": self.role,
            "name": self.name,
            "time_zone": self.time_zone,
            "created_at": self.created_at,
            "share_notes": self.share_notes,
            "in_cohorts": self.in_cohorts,
            "reminder_time": self.reminder_time,
            "locale": self.locale,
        }


REGISTRATION_REFUSED = _l(
    "Registration was refused. Check the fields, or sign in if you already have an account."
)


class RegistrationRefused(Exception):
    """Registration refused; ``fields`` names what to fix (never that the email exists)."""

    def __init__(self, fields=None):
        super().__init__("registration refused")
        self.fields = fields or {}


def idle_timeout(config, role) -> timedelta:
    """How long a session of this role lives unused (shorter for physicians' shared computers)."""
    return config["SESSION_IDLE_TIMEOUT"][role]


def load_user(db, token, config) -> User | None:
    """The user of a live session, or None when the session is unknown, ended or expired."""
    found = sessions.find(db, token, lambda role: idle_timeout(config, role))
    if found is None:
        return None
    session, row = found
    return User.from_row(row, session=session, session_token=token)


def open_session(db, user: User, config, *, remember=False, user_agent="") -> User:
    """Start a server-side session for ``user``; return the user bound to it."""
    idle = idle_timeout(config, user.role)
    token = sessions.start(db, user.id, idle=idle, remember=remember, user_agent=user_agent)
    return load_user(db, token, config)


def get_user(db, user_id: int) -> User | None:
    rows = fetch_all(db, "SELECT * FROM users WHERE id = ?", [user_id])
    return User.from_row(rows[0]) if rows else None


def validated_registration(data, *, strict=True) -> UserCreate:
    """Return the registration in ``data``, or raise ApiError 422 naming every field at fault.

    The declared rules and the password rules are checked together, so a weak password and
    a mistyped email are both reported at once rather than one after the other. A taken
    email is not a field error: ``register`` refuses it without saying so.
    """
    try:
        return validate(UserCreate, data, strict=strict)
    except ApiError as err:
        if isinstance(data, dict) and "password" not in err.fields:
            password, email = data.get("password"), data.get("email")
            if isinstance(password, str):
                problem = password_problem(password, email if isinstance(email, str) else "")
                if problem:
                    err.fields["password"] = problem
        raise


def register(db, hasher, *, email, password, role, name, time_zone="UTC") -> User:
    """Create a user; raise RegistrationRefused for a bad password or a taken email.

    A taken email is refused without saying so, so registration cannot be used to learn
    who has an account.
    """
    email = normalise_email(email)
    problem = password_problem(password, email)
    if problem:
        raise RegistrationRefused({"password": problem})
    password_hash = hasher.hash(password)
    with write(db):
        if fetch_all(db, "SELECT 1 FROM users WHERE email = ?", [email]):
            raise RegistrationRefused()
        # A new id above every id ever given (m013): never a deleted account's.
        user_id = db.execute(
            "INSERT INTO users (id, email, password_hash, role, name, time_zone, created_at)"
            " SELECT MAX(highest, (SELECT COALESCE(MAX(id), 0) FROM users)) + 1,"
            " ?, ?, ?, ?, ?, ? FROM user_ids",
            [email, password_hash, role, name.strip(), time_zone, now_iso()],
        ).lastrowid
        db.execute("UPDATE user_ids SET highest = ?", [user_id])
    return get_user(db, user_id)


# Verifying against this when the email is unknown keeps both answers equally slow.
_DUMMY_HASH = None


def authenticate(db, hasher, email, password) -> User | None:
    """The user for these credentials, or None (the same None for either mistake).

    Hashes made with older or cheaper parameters are upgraded on success.
    """
    global _DUMMY_HASH
    rows = fetch_all(db, "SELECT * FROM users WHERE email = ?", [normalise_email(email)])
    if not rows:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hasher.hash(secrets.token_hex(8))
        _verify(hasher, _DUMMY_HASH, password)
        return None
    row = rows[0]
    if not _verify(hasher, row["password_hash"], password):
        return None
    if _needs_rehash(hasher, row["password_hash"]):
        with write(db):
            db.execute(
                "UPDATE users SET password_hash = ? WHERE id = ?",
                [hasher.hash(password), row["id"]],
            )
    return User.from_row(row)


def _verify(hasher, stored, password) -> bool:
    if stored.startswith("$argon2"):
        try:
            return hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    # Hashes from before argon2 (werkzeug's scrypt/pbkdf2) still sign in, then get upgraded.
    try:
        return check_password_hash(stored, password)
    except ValueError:
        return False


def _needs_rehash(hasher, stored) -> bool:
    if not stored.startswith("$argon2"):
        return True
    try:
        return hasher.check_needs_rehash(stored)
    except InvalidHashError:
        return True


#: The field ``change_password`` names when the current password is wrong (a guess the
#: caller counts against the account's limit). A field's name, not a password (S105, B105).
WRONG_PASSWORD_FIELD = "current_password"  # noqa: S105  # nosec B105


def change_password(db, hasher, user: User, current, new) -> User:
    """Set a new password, end every other session of the user (this one stays) and every
    change of email waiting for its link (asked, perhaps, by whoever knew the old password).

    Raises RegistrationRefused with the field at fault.
    """
    if not _verify(hasher, _password_hash(db, user.id), current):
        # A message about the field, not a password (bandit B105).
        wrong = _("is not your current password")  # nosec B105
        raise RegistrationRefused({WRONG_PASSWORD_FIELD: wrong})
    problem = password_problem(new, user.email)
    if problem:
        raise RegistrationRefused({"new_password": problem})
    with write(db):
        db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [hasher.hash(new), user.id])
        sessions.end_all(db, user.id, keep=user.session.id if user.session else None)
        email_changes.end_within(db, user.id)
    return user


#: What a wrong password asked again before deleting the account is told (form and API);
#: a constant, as linters take a literal keyed "password" for a secret.
NOT_THEIR_PASSWORD = _l("is not right. Nothing was deleted")


def check_password(db, hasher, user: User, password: str) -> bool:
    """True when ``password`` is the user's (asked again before deleting the account)."""
    return _verify(hasher, _password_hash(db, user.id), password)


#: The account fields a user may change with ``update``.
EDITABLE = ("name", "time_zone", "share_notes", "in_cohorts", "reminder_time", "locale")
#: Of those, the ones that may be cleared (set to None): no reminders; the browser's language.
CLEARABLE = ("reminder_time", "locale")


def update(db, user_id: int, changes: dict) -> User:
    """Change the given EDITABLE fields of the account (validated by the caller)."""
    changes = {k: v for k, v in changes.items() if k in EDITABLE}
    if changes:
        assignments = ", ".join(f"{name} = ?" for name in changes)
        with write(db):
            db.execute(
                f"UPDATE users SET {assignments} WHERE id = ?",  # noqa: S608  # nosec B608
                [*changes.values(), user_id],
            )
    return get_user(db, user_id)


def _password_hash(db, user_id):
    return db.execute("SELECT password_hash FROM users WHERE id = ?", [user_id]).fetchone()[0]


def delete_user(db, user_id: int):
    """Delete the account and every row of its data, by cascade: a patient's entries,
    therapies, medicines, doses, questionnaire responses, reminders, shares, view links,
    sessions (and the push subscriptions of each) and the access log about them; a
    physician's shares (which ends them) and sessions; anyone's changes of email waiting for
    their link. The access log keeps a deleted physician's name, so a patient can still see
    who looked at their diary.

    The deletion is also written to a ledger beside the database (``deletions``), so that
    a restore from a copy that still holds the account does not bring it back."""
    with write(db):
        deletions.record(db, user_id)
        _delete_rows(db, user_id)
    _empty_the_log(db)


def delete_restored(db) -> list[int]:
    """Delete again the accounts the ledger names that a restored database brought back
    (same id, same creation moment); return their ids. Run as the app starts."""
    listed = deletions.listed(db)
    if not listed:
        return []
    rows = db.execute(
        "SELECT id, created_at FROM users WHERE id IN (SELECT value FROM json_each(?))",
        [json.dumps(list(listed))],
    ).fetchall()
    back = [user_id for user_id, created_at in rows if listed[user_id] == created_at]
    if back:
        with write(db):
            for user_id in back:
                _delete_rows(db, user_id)
        _empty_the_log(db)
    return back


def delete_restored_in(database_path) -> list[int]:
    """``delete_restored`` on the database file at ``database_path``, through a connection
    of its own (the app's start: no connection is left open for forked workers)."""
    if not deletions.ledger_beside(database_path).is_file():
        return []
    db = open_database(database_path)
    try:
        return delete_restored(db)
    finally:
        close_database(db)


def _delete_rows(db, user_id: int):
    """The user's row and, by cascade, everything of theirs (inside a write transaction)."""
    # The revision hashes have no foreign key to the user: remove them first.
    db.execute(
        "DELETE FROM revisions WHERE id IN (SELECT id FROM entries WHERE patient_id = ?"
        " UNION SELECT id FROM therapies WHERE patient_id = ?"
        " UNION SELECT id FROM medications WHERE patient_id = ?"
        " UNION SELECT id FROM doses WHERE patient_id = ?"
        " UNION SELECT id FROM responses WHERE patient_id = ?)",
        [user_id] * 5,
    )
    db.execute("DELETE FROM users WHERE id = ?", [user_id])


def _empty_the_log(db):
    # The deleted rows' text would otherwise stay in the write-ahead log until later writes
    # happen to overwrite it: copy the log into the database (whose freed pages are zeroed,
    # secure_delete) and empty it. Best effort: a reader in the middle of a long read
    # leaves the log for the next checkpoint to empty.
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
