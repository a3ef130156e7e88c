"""SQLite connections, write transactions, migrations and backup.

One ``sqlite_utils.Database`` per worker thread, kept open for the life of the process:
closing the last connection to a WAL database checkpoints and deletes the WAL, which
made a per-request connection about three times slower here (DESIGN.md section 9).
"""

import fcntl
import os
import secrets
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

import click
import sqlite_utils
from flask import current_app

from diary.migrations import migrations


class Connections:
    """Hands each thread its own long-lived connection to one database file."""

    def __init__(self, path):
        self.path = str(path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all = []

    def get(self) -> sqlite_utils.Database:
        """Return this thread's database, opening and configuring it on first use."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = open_database(self.path)
            self._local.db = db
            with self._lock:
                self._all.append(db)
        return db

    def close_all(self):
        """Close every connection this pool opened (tests and shutdown)."""
        with self._lock:
            for db in self._all:
                close_database(db)
            self._all.clear()
        self._local = threading.local()


def open_database(path) -> sqlite_utils.Database:
    """Open ``path`` with WAL, foreign keys and a busy timeout."""
    # isolation_level=None: no implicit BEGIN; every write goes through write() below,
    # which starts its transaction explicitly with BEGIN IMMEDIATE.
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
    db = sqlite_utils.Database(conn)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=10000")
    # What is deleted is overwritten with zeros, not merely marked free: a deleted note or
    # account is not left in the file (SQLite's default leaves it; some builds differ).
    conn.execute("PRAGMA secure_delete=ON")
    # Writers queue on an OS file lock before BEGIN IMMEDIATE: the kernel wakes the next
    # writer the moment the lock is released, where SQLite's busy handler would sleep 1 ms
    # or more between tries. One open file per connection, so threads exclude each other too.
    db.write_lock = open_write_lock(path)
    return db


def open_write_lock(path):
    """The file the writers to the database at ``path`` take turns on (flock), opened anew:
    each open file is its own holder, so connections and threads exclude each other."""
    return open(f"{path}.write-lock", "a")  # noqa: SIM115 - the caller closes it


def close_database(db: sqlite_utils.Database):
    """Close a database opened with ``open_database`` and its write-lock file."""
    db.close()
    db.write_lock.close()


@contextmanager
def write(db: sqlite_utils.Database):
    """Run the block in one write transaction started with ``BEGIN IMMEDIATE``.

    A transaction that reads and then writes under plain ``BEGIN`` can fail at once with
    SQLITE_BUSY despite the busy timeout; taking the write lock first waits instead.
    Nested calls become savepoints (sqlite-utils' ``atomic``).
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    lock = getattr(db, "write_lock", None)
    if lock is not None:
        fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
        db.conn.execute("COMMIT")
    finally:
        if lock is not None:
            fcntl.flock(lock, fcntl.LOCK_UN)


def fetch_all(db: sqlite_utils.Database, sql: str, params=()) -> list[dict]:
    """Run a read and return its rows as dicts.

    Plain ``conn.execute``: sqlite-utils' ``query()`` wraps every statement in a savepoint
    (two more statements), which the hot paths (every request loads its user) can skip.
    """
    cursor = db.conn.execute(sql, params)
    keys = [d[0] for d in cursor.description]
    return [dict(zip(keys, row, strict=True)) for row in cursor]


def next_seq(db: sqlite_utils.Database) -> int:
    """Advance and return the database-wide change sequence (inside a write transaction)."""
    return db.execute("UPDATE change_seq SET value = value + 1 RETURNING value").fetchone()[0]


def server_uuid(db: sqlite_utils.Database) -> str:
    """This database's own random UUID, made by its migrations (see m004_server_identity)."""
    return db.execute("SELECT uuid FROM server_identity WHERE id = 1").fetchone()[0]


def get_db() -> sqlite_utils.Database:
    """The current thread's database for the current app."""
    return current_app.extensions["diary.db"].get()


def migrate(path):
    """Apply pending migrations to the database at ``path``; return the names applied."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    if not Path(path).exists():
        # Health data: only the account running the app may read the file (SQLite gives
        # its -wal and -shm files the same mode).
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    # Every process that builds the app migrates as it starts (gunicorn's workers when the
    # app is not preloaded, a CLI command beside the server): they take turns on the
    # writers' lock, or one would find the file locked and fail to start. The
    # turn starts before the connection's first statement: a new file becomes a WAL database
    # only with its first write, and until then SQLite's rollback-journal locking refuses a
    # writer at once ("database is locked", no busy wait) when another connection's first
    # statements hold the file (6 boots in 150 failed so).
    with open_write_lock(path) as turn:
        fcntl.flock(turn, fcntl.LOCK_EX)
        try:
            db = open_database(str(path))
            try:
                pending = [m.name for m in migrations.pending(db)]
                migrations.apply(db)
            finally:
                close_database(db)
        finally:
            fcntl.flock(turn, fcntl.LOCK_UN)
    return pending


def backup(source_path, target_path):
    """Copy the live database to ``target_path`` with SQLite's online backup API.

    Safe while the app is writing: the copy is a consistent snapshot, readable and
    writable by its owner only (0600).
    """
    target_path = Path(target_path)
    if target_path.is_file() and target_path.stat().st_size:
        with target_path.open("rb") as existing:
            if existing.read(16) != b"SQLite format 3\x00":
                # Replacing a file that is not a database may destroy something: touch nothing.
                raise sqlite3.DatabaseError("file is not a database")
    target_path.parent.mkdir(parents=True, exist_ok=True)
    # A backup holds the same health data as the database: private to its owner, like it,
    # whether the file is new or an older copy being replaced.
    os.close(os.open(target_path, os.O_WRONLY | os.O_CREAT, 0o600))
    os.chmod(target_path, 0o600)
    src = sqlite3.connect(str(source_path))
    dst = sqlite3.connect(str(target_path))
    try:
        with dst:
            src.backup(dst)
        with dst:
            # Restored, the copy is another epoch of the sync (diary/sync/cursors.py).
            new_sync_epoch(dst)
    finally:
        dst.close()
        src.close()
    return target_path


def new_sync_epoch(conn):
    """Give the database a new sync epoch: every phone pulls from the start at its next
    sync. For a database restored from a copy (db.backup gives each copy its own)."""
    conn.execute("UPDATE sync_epoch SET value = ?", [secrets.token_hex(8)])


def init_app(app):
    """Create the database and its tables on first run, and register the CLI commands."""
    path = app.config["DATABASE"]
    migrate(path)
    pool = Connections(path)
    app.extensions["diary.db"] = pool

    @app.cli.command("migrate")
    def migrate_command():
        """Apply pending database migrations."""
        applied = migrate(app.config["DATABASE"])
        click.echo(f"Applied: {', '.join(applied)}" if applied else "Nothing to apply.")

    @app.cli.command("init-db")
    def init_db_command():
        """Create the database if needed (same as migrate)."""
        migrate(app.config["DATABASE"])
        click.echo(f"Database ready at {app.config['DATABASE']}")

    @app.cli.command("backup")
    @click.argument("target", type=click.Path(dir_okay=False))
    def backup_command(target):
        """Write a consistent copy of the database to TARGET."""
        try:
            written = backup(app.config["DATABASE"], target)
        except sqlite3.DatabaseError as exc:
            # An existing file that is not a database: replacing it may destroy something.
            raise click.ClickException(
                f"{target} exists and is not an SQLite database ({exc}); nothing was written."
                " Choose another file name, or remove that file first."
            ) from None
        click.echo(f"Backed up to {written}")

    @app.cli.command("sync-epoch")
    def sync_epoch_command():
        """After restoring the database by other means than a backup copy (Litestream): make
        every phone pull from the start, so none skips what the restored database numbers
        again."""
        db = get_db()
        with write(db):
            new_sync_epoch(db)
        click.echo("New sync epoch: every phone pulls everything at its next sync.")
