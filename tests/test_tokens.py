"""Secrets the server hands out are kept only as their SHA-256 (diary/tokens.py): the
database file, with its write-ahead log, holds none of them in clear, only their digests."""

from datetime import timedelta
from pathlib import Path

from diary.accounts import password_resets, sessions
from diary.db import get_db
from diary.sharing import invites, links
from diary.tokens import digest


def test_the_database_keeps_no_secret_it_hands_out_only_its_digest(app, patient):
    user = patient.user["id"]
    with app.app_context():
        db = get_db()
        handed = {
            "session token": sessions.start(db, user, idle=timedelta(days=1), remember=False),
            "password-reset link": password_resets.create(db, user),
            "view link": links.create(db, user, 7)[1],
            "invite code": invites.create(db, user).code,
        }
    database = Path(app.config["DATABASE"])
    stored = b"".join(f.read_bytes() for f in database.parent.glob(database.name + "*"))
    for what, secret in handed.items():
        in_clear, digested = secret.encode() in stored, digest(secret).encode() in stored
        assert not in_clear, f"the {what} is in the database as handed out"
        assert digested, f"the {what}'s digest is not in the database"
