"""Migrations, connection settings, write transactions and backup on real SQLite files."""

import sqlite3
import threading

import pytest
import sqlite_utils

from diary import db as dbmod
from diary.migrations import migrations

TABLES = {"users", "entries", "therapies", "shares", "access_log", "change_seq"}


def test_migrate_creates_every_table_on_an_empty_file(tmp_path):
    path = tmp_path / "new" / "diary.sqlite3"
    applied = dbmod.migrate(path)
    assert applied == [m.name for m in migrations._migrations]
    db = sqlite_utils.Database(path)
    assert set(db.table_names()) >= TABLES
    assert {"id", "version", "deleted", "seq", "day"} <= set(db["entries"].columns_dict)
    assert {"id", "version", "deleted", "seq", "start_day"} <= set(db["therapies"].columns_dict)


def test_a_new_database_file_is_private_to_its_owner(tmp_path):
    import os
    import stat

    path = tmp_path / "diary.sqlite3"
    dbmod.migrate(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_migrate_is_idempotent_and_keeps_existing_data(tmp_path):
    path = tmp_path / "diary.sqlite3"
    dbmod.migrate(path)
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO users (email, password_hash, role, name, created_at)"
        " VALUES ('a@example.org', 'x', 'patient', 'A', 'now')"
    )
    conn.commit()
    conn.close()
    assert dbmod.migrate(path) == []
    assert sqlite_utils.Database(path)["users"].count == 1


def test_app_start_migrates_and_cli_migrate_reports(runner, app):
    result = runner.invoke(args=["migrate"])
    assert result.exit_code == 0 and "Nothing to apply" in result.output


def test_connection_settings(app):
    with app.app_context():
        db = dbmod.get_db()
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_one_connection_per_thread_kept_open(app):
    pool = app.extensions["diary.db"]
    first, second = pool.get(), pool.get()
    assert first is second
    other = []
    t = threading.Thread(target=lambda: other.append(pool.get()))
    t.start()
    t.join()
    assert other[0] is not first


def test_write_rolls_back_everything_on_error(app):
    with app.app_context():
        db = dbmod.get_db()
        with pytest.raises(RuntimeError), dbmod.write(db):
            db.execute("UPDATE change_seq SET value = 99")
            raise RuntimeError("interrupted")
        assert db.execute("SELECT value FROM change_seq").fetchone()[0] == 0
        assert not db.conn.in_transaction


def test_write_takes_the_write_lock_at_begin(app, tmp_path):
    with app.app_context():
        db = dbmod.get_db()
        other = dbmod.open_database(app.config["DATABASE"])
        other.conn.execute("PRAGMA busy_timeout=0")
        # BEGIN IMMEDIATE holds the RESERVED lock even before any write.
        with dbmod.write(db), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.conn.execute("BEGIN IMMEDIATE")
        dbmod.close_database(other)


def test_seq_is_monotonic(app):
    with app.app_context():
        db = dbmod.get_db()
        with dbmod.write(db):
            a = dbmod.next_seq(db)
            b = dbmod.next_seq(db)
        assert b == a + 1


def test_backup_command_writes_a_consistent_copy(runner, app, api, tmp_path):
    api.register(email="kept@example.org")
    target = tmp_path / "backups" / "copy.sqlite3"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    copy = sqlite_utils.Database(target)
    assert [r["email"] for r in copy["users"].rows] == ["kept@example.org"]
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_backup_over_a_file_that_is_not_a_database_says_so_and_leaves_it(runner, tmp_path):
    precious = tmp_path / "notes.txt"
    precious.write_text("not a database, and not to be lost " * 100)
    precious.chmod(0o644)
    before = precious.read_bytes()
    result = runner.invoke(args=["backup", str(precious)])
    assert result.exit_code == 1
    assert "is not an SQLite database" in result.output and "nothing was written" in result.output
    assert precious.read_bytes() == before
    assert precious.stat().st_mode & 0o777 == 0o644  # not even its mode changed


def test_a_backup_is_private_to_its_owner_even_over_an_older_readable_copy(runner, app, tmp_path):
    import os
    import stat

    fresh, older = tmp_path / "fresh.sqlite3", tmp_path / "older.sqlite3"
    older.write_bytes(b"")
    older.chmod(0o644)
    for target in (fresh, older):
        result = runner.invoke(args=["backup", str(target)])
        assert result.exit_code == 0, result.output
        assert stat.S_IMODE(os.stat(target).st_mode) == 0o600, target


def test_workers_starting_together_each_migrate_without_finding_the_file_locked(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    # Every process that builds the app runs the migrations as it starts: gunicorn's workers
    # when the app is not preloaded, a `flask` command beside the server, the dev server's
    # reloader. On a new file, a race lost about one start in twenty before they took turns
    # from their first statement: sixty first starts make losing it show.
    for boot in range(60):
        path = tmp_path / f"diary-{boot}.sqlite3"
        with ThreadPoolExecutor(max_workers=6) as pool:
            applied = list(pool.map(lambda _, path=path: dbmod.migrate(path), range(6)))
        assert sum(1 for names in applied if names) == 1  # one did the work, the rest none
        database = sqlite_utils.Database(path)
        assert database.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert database.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        database.close()
