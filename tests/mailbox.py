"""A real SMTP server on this machine (aiosmtpd) and an app that sends to it: the ``inbox``
and ``mail_app`` fixtures of the tests of emailed links (tests/test_password_resets.py,
tests/test_email_change.py). Registered for every test module by tests/conftest.py."""

import socket
import time

import pytest

from diary import create_app
from tests.conftest import TEST_CONFIG


class Inbox:
    """aiosmtpd's handler: keeps every message the server accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope)
        return "250 Message accepted"

    def wait_for(self, count, timeout=10):
        # The app sends from a background thread: wait for what it sent, not a fixed time.
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


@pytest.fixture
def inbox():
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    yield handler
    controller.stop()


def sending_to(inbox) -> dict:
    """The settings of an app that sends its email to ``inbox``."""
    return {
        "BASE_URL": "https://diary.example.org",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": inbox.port,
        "SMTP_SECURITY": "none",
        "SMTP_FROM": "Diary <diary@example.org>",
    }


@pytest.fixture
def mail_app(tmp_path, inbox):
    app = create_app(
        {**TEST_CONFIG, "DATABASE": str(tmp_path / "diary.sqlite3"), **sending_to(inbox)}
    )
    yield app
    app.extensions["diary.db"].close_all()
