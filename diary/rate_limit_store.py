"""Flask-Limiter's counts in a SQLite file beside the diary's, shared by every worker.

With the ``memory://`` storage each gunicorn worker counted on its own, so "5 failed
sign-ins a minute" allowed 5 per worker. This storage keeps the counts of Flask-Limiter's
fixed windows (its default strategy) in one file that every worker of the machine shares:
one statement a count, atomic across processes since SQLite has one writer at a time.

The file is not health data and is not backed up: deleting it only forgets the counts.
Its keys name an address or an email, so they are kept as HMAC-SHA256 digests under the
app's secret key: the file never says who tried to sign in. Windows that ended are
deleted as new counts are made.

URI: ``diary-sqlite:///absolute/path/to/file.sqlite3`` (``DIARY_RATELIMIT_STORAGE_URI``
may still name Redis or ``memory://`` instead).
"""

import hashlib
import hmac
import os
import sqlite3
import threading
import time
import urllib.parse
from pathlib import Path

from limits.storage import Storage

SCHEME = "diary-sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS counts (
    key BLOB PRIMARY KEY,
    count INTEGER NOT NULL,
    expires REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS counts_expires ON counts (expires);
"""

# A window ends at its first count plus the limit's period; a count in an ended window
# starts a new one (what Flask-Limiter's memory storage does).
_INCR = """
INSERT INTO counts (key, count, expires) VALUES (:key, :amount, :now + :expiry)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN expires <= :now THEN :amount ELSE count + :amount END,
    expires = CASE WHEN expires <= :now THEN :now + :expiry ELSE expires END
RETURNING count
"""


def uri_beside(database: str) -> str:
    """The storage's URI for the diary at ``database``: ``diary.limits.sqlite3`` beside it."""
    path = Path(database).resolve().with_suffix(".limits.sqlite3")
    return f"{SCHEME}://{path}"


class SQLiteStorage(Storage):
    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str, wrap_exceptions: bool = False, key_secret="", **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = urllib.parse.urlparse(uri).path
        if not self.path:
            raise ValueError(f"{uri!r} names no file")
        self._secret = key_secret if isinstance(key_secret, bytes) else key_secret.encode()
        self._local = threading.local()

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        # One connection per thread and per process: gunicorn forks its workers from a
        # master that built the app, and a SQLite connection must not cross a fork.
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            # Created 0600 before SQLite opens it (its -wal and -shm files follow the mode).
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
            db = sqlite3.connect(self.path, timeout=5, isolation_level=None)
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.executescript(_SCHEMA)
            local.db, local.pid = db, os.getpid()
        return local.db

    def _key(self, key: str) -> bytes:
        return hmac.new(self._secret, key.encode(), hashlib.sha256).digest()

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        db, now = self._db(), time.time()
        db.execute("DELETE FROM counts WHERE expires <= ?", [now])
        params = {"key": self._key(key), "amount": amount, "now": now, "expiry": expiry}
        return db.execute(_INCR, params).fetchone()[0]

    def get(self, key: str) -> int:
        row = (
            self._db()
            .execute(
                "SELECT count FROM counts WHERE key = ? AND expires > ?",
                [self._key(key), time.time()],
            )
            .fetchone()
        )
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        row = (
            self._db()
            .execute(
                "SELECT expires FROM counts WHERE key = ? AND expires > ?", [self._key(key), now]
            )
            .fetchone()
        )
        return row[0] if row else now

    def check(self) -> bool:
        try:
            self._db().execute("SELECT 1 FROM counts LIMIT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._db().execute("DELETE FROM counts").rowcount

    def clear(self, key: str) -> None:
        self._db().execute("DELETE FROM counts WHERE key = ?", [self._key(key)])
