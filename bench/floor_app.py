"""The second baseline for bench_server.py: the least a signed-in save can do on this stack.

One Flask route, served the same way as diary, that does only what a save cannot skip:
find the server-side session by its token (``sessions.find``: the same indexed read of the
session and its user), check a CSRF token (an HMAC of the session token), validate the
body with the same pydantic model, and write through the same ``store.change`` (ids unique
across kinds, the change sequence, the revision row, one BEGIN IMMEDIATE transaction).
No cookie session, no flask-login, no Flask-WTF, no languages, no security headers, no
access policy. The distance between it and diary's save is what the app's own machinery
costs; the distance between it and the bare route is what the platform (Flask, SQLite,
the write itself) costs.

The database is the one bench_server.py prepares (``FLOOR_DATABASE``), holding one user
with one session (``open_floor_session``).
"""

import hashlib
import hmac
import os
import sys
from datetime import timedelta
from pathlib import Path

from flask import Flask, abort, jsonify, request

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diary import schemas
from diary.accounts import sessions
from diary.db import Connections, migrate, open_database, write  # noqa: E402
from diary.sync import store  # noqa: E402

KEY = b"floor-baseline-csrf-key"
IDLE = timedelta(days=30)


def csrf_for(token: str) -> str:
    return hmac.new(KEY, token.encode(), hashlib.sha256).hexdigest()


def open_floor_session(path) -> tuple[str, str]:
    """Create the database at ``path`` with one patient and a session: (token, CSRF token)."""
    migrate(path)
    db = open_database(path)
    with write(db):
        db.execute(
            "INSERT INTO users (email, password_hash, role, name, time_zone, created_at)"
            " VALUES ('floor@example.org', '-', 'patient', 'Floor', 'UTC', '2026-01-01')"
        )
    token = sessions.start(db, 1, idle=IDLE, remember=False, user_agent="diary-bench")
    db.close()
    return token, csrf_for(token)


app = Flask(__name__)
connections = Connections(os.environ.get("FLOOR_DATABASE", ":memory:"))


@app.post("/save")
def save():
    token = request.cookies.get("floor", "")
    found = sessions.find(connections.get(), token, lambda role: IDLE)
    if found is None:
        abort(401)
    if not hmac.compare_digest(request.headers.get("X-CSRFToken", ""), csrf_for(token)):
        abort(400)
    data = schemas.EntryCreate.model_validate_json(request.get_data())
    outcome = store.change(connections.get(), found[0].user_id, "entry", data.id, None, False, data)
    return jsonify(outcome.row), 201
