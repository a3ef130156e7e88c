"""A browser's side of Web Push in the tests: its subscription keys, decrypting what a push
service delivers, and subscribing a signed-in patient (tests/test_reminders.py, whose pass
sends to a stand-in, and tests/test_reminders_push.py, which sends real pushes)."""

import base64
import json
import os

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from diary.db import get_db

# An address on this machine: the tests' pushes never leave it (the ``local_push`` fixture).
LOCAL_PUSH = "http://127.0.0.1:"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Browser:
    """What a browser keeps for one push subscription: its key pair and auth secret."""

    def __init__(self, endpoint):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.endpoint = endpoint

    def subscription(self):
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        keys = {"p256dh": b64(point), "auth": b64(self.auth)}
        return {"endpoint": self.endpoint, "expirationTime": None, "keys": keys}

    def decrypt(self, body: bytes) -> dict:
        plain = http_ece.decrypt(
            body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(plain)


def subscribed(api, endpoint=f"{LOCAL_PUSH}9/push/one", clock="20:00", time_zone="UTC"):
    """Subscribe a new browser for ``api``'s patient, reminded at ``clock``; return it."""
    browser = Browser(endpoint)
    assert api.post("/api/v1/push/subscriptions", browser.subscription()).status_code == 201
    user = api.put("/api/v1/users/me", {"reminder_time": clock, "time_zone": time_zone})
    assert user.get_json()["reminder_time"] == clock
    return browser


def subscription_count(app):
    with app.app_context():
        return get_db().execute("SELECT COUNT(*) FROM push_subscriptions").fetchone()[0]
