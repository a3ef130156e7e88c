"""A real Web Push to a push service on this machine: sent by flask --app diary
send-reminders, decrypted with the subscription's keys (http_ece) as a browser would, its
VAPID JWT checked against the server's public key; a 410 removes the subscription; and the
VAPID key made once into instance/, private to its owner."""

import base64
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.hazmat.primitives import serialization
from py_vapid import jwt

from diary import create_app
from tests.conftest import TEST_CONFIG
from tests.push_browser import Browser, b64, subscribed, subscription_count

pytestmark = pytest.mark.usefixtures("local_push")

# ---- a real push, to a push service on this machine -----------------------------------------


class PushService:
    """A push service on 127.0.0.1: keeps what it receives and answers ``status``."""

    def __init__(self, status=201):
        self.received = []
        self.status = status
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers["Content-Length"])
                service.received.append(
                    {"path": self.path, "headers": self.headers, "body": self.rfile.read(length)}
                )
                self.send_response(service.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def push_service():
    services = []

    def make(status=201):
        services.append(PushService(status))
        return services[-1]

    yield make
    for service in services:
        service.close()


def _due_now():
    """A reminder time that is due now (UTC), within the grace period."""
    now = datetime.now(UTC)
    earlier = now - timedelta(minutes=1)
    return "00:00" if earlier.date() != now.date() else f"{earlier:%H:%M}"


def test_a_real_push_arrives_encrypted_for_the_device_and_signed_by_the_server(
    app, patient, runner, push_service
):
    service = push_service(201)
    browser = subscribed(patient, endpoint=f"{service.origin}/push/device-1", clock=_due_now())
    public_key = patient.get("/api/v1/push/key").get_json()["public_key"]

    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "1 reminded" in result.output
    [received] = service.received
    assert received["path"] == "/push/device-1"
    headers = received["headers"]
    assert headers["Content-Encoding"] == "aes128gcm"
    assert 60 <= int(headers["TTL"]) <= 24 * 3600

    # Only the subscription's keys open it, and it says nothing about the patient's health.
    message = browser.decrypt(received["body"])
    assert message == {
        "title": "Time for your diary",
        "body": "Tap to add today's entry.",
        "url": "/today",
        "tag": "diary-reminder",
    }
    with pytest.raises(Exception):  # noqa: B017, PT011 - any failure to decrypt will do
        Browser(browser.endpoint).decrypt(received["body"])

    # The VAPID JWT: signed by the key the browser subscribed with, for this push service.
    scheme, _, params = headers["Authorization"].partition(" ")
    assert scheme == "vapid"
    parts = dict(part.split("=", 1) for part in params.split(","))
    assert parts["k"] == public_key
    claims = jwt.decode(parts["t"], public_key)
    assert claims["aud"] == service.origin
    assert claims["sub"] == app.config["VAPID_SUBJECT"]
    assert 0 < claims["exp"] - datetime.now(UTC).timestamp() <= 24 * 3600
    forged = (
        Browser("x")
        .key.public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    with pytest.raises(Exception):  # noqa: B017, PT011 - InvalidSignature
        jwt.decode(parts["t"], b64(forged))

    # A second pass the same day sends nothing more.
    assert "1 already reminded" in runner.invoke(args=["send-reminders"]).output
    assert len(service.received) == 1


def test_a_real_410_removes_the_subscription(app, patient, runner, push_service):
    service = push_service(410)
    subscribed(patient, endpoint=f"{service.origin}/push/expired", clock=_due_now())
    result = runner.invoke(args=["send-reminders"])
    assert "1 expired subscriptions removed" in result.output
    assert len(service.received) == 1
    assert subscription_count(app) == 0


def test_the_vapid_key_is_made_once_into_instance_and_private(tmp_path, monkeypatch):
    config = {k: v for k, v in TEST_CONFIG.items() if k != "VAPID_PRIVATE_KEY"}
    instance = tmp_path / "instance"
    monkeypatch.setenv("DIARY_INSTANCE_PATH", str(instance))
    first = create_app({**config, "DATABASE": str(tmp_path / "d.sqlite3")})
    second = create_app({**config, "DATABASE": str(tmp_path / "d.sqlite3")})
    key_file = instance / "vapid_private_key.pem"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert first.extensions["diary.vapid"] == second.extensions["diary.vapid"]
    assert len(base64.urlsafe_b64decode(first.extensions["diary.vapid"]["public_key"] + "=")) == 65
    for made in (first, second):
        made.extensions["diary.db"].close_all()
