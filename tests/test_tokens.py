"""Secrets the server hands out are kept only as their SHA-256 (diary/tokens.py): the
database file, with its write-ahead log, holds none of them in clear, only their digests.
And the secret in a view or reset link's path never reaches a log."""

import logging
import threading
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from diary.accounts import email_changes, password_resets, sessions
from diary.db import get_db
from diary.sharing import invites, links
from diary.tokens import HIDDEN, digest, redact


def test_the_database_keeps_no_secret_it_hands_out_only_its_digest(app, patient):
    user = patient.user["id"]
    with app.app_context():
        db = get_db()
        handed = {
            "session token": sessions.start(db, user, idle=timedelta(days=1), remember=False),
            "password-reset link": password_resets.create(db, user),
            "email-change link": email_changes.create(db, user, "new@example.org"),
            "view link": links.create(db, user, 7)[1],
            "invite code": invites.create(db, user).code,
        }
    database = Path(app.config["DATABASE"])
    stored = b"".join(f.read_bytes() for f in database.parent.glob(database.name + "*"))
    for what, secret in handed.items():
        in_clear, digested = secret.encode() in stored, digest(secret).encode() in stored
        assert not in_clear, f"the {what} is in the database as handed out"
        assert digested, f"the {what}'s digest is not in the database"


# ---- the links' secrets stay out of the logs ------------------------------------------------

SECRET = "qGaf_a_KOXrl9uXBfufvWRc--23k-zEvxcfBviwAqDA"  # the shape of a link's token


def test_every_route_with_a_secret_in_its_path_is_hidden_in_logs(app):
    rules = [rule.rule for rule in app.url_map.iter_rules() if "<token>" in rule.rule]
    assert len(rules) >= 4  # the view link's pages and the reset link
    for rule in rules:
        path = rule.replace("<token>", SECRET)
        line = f'127.0.0.1 "GET {path}" 200'
        assert SECRET not in redact(line), rule
        assert rule.replace("<token>", HIDDEN) in redact(line)


def test_paths_without_a_secret_are_logged_as_they_are():
    for path in ("/api/v1/entries/0b6c3d1e-1f2a-4b5c-8d9e-0f1a2b3c4d5e", "/today", "/visits/v/"):
        assert redact(path) == path


def test_the_apps_log_and_the_development_server_hide_link_secrets(app, caplog):
    caplog.set_level(logging.INFO)
    app.logger.error("Unhandled error on %s %s", "GET", f"/reset/{SECRET}")
    server = make_server("127.0.0.1", 0, app)
    answering = threading.Thread(target=server.handle_request)
    answering.start()
    try:
        with pytest.raises(urllib.error.HTTPError) as answer:  # an unknown link: 404
            urllib.request.urlopen(f"http://127.0.0.1:{server.port}/v/{SECRET}/charts")  # noqa: S310
        assert answer.value.code == 404
    finally:
        answering.join()
        server.server_close()
    assert f"/reset/{HIDDEN}" in caplog.text
    assert f"/v/{HIDDEN}/charts" in caplog.text
    assert SECRET not in caplog.text
