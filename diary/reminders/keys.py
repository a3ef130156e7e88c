"""The server's VAPID key pair, which signs every push so push services know who sends it.

Given in the configuration (``VAPID_PRIVATE_KEY``, PEM) or generated on first run into
``instance/vapid_private_key.pem`` (mode 0600), like the secret key: reminders survive
restarts, and every worker signs with the same key. Losing the file ends every
subscription (browsers bound them to its public key): back it up with instance/.
"""

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid02
from py_vapid.utils import b64urlencode

from diary.config import write_once

FILE_NAME = "vapid_private_key.pem"


def _new_private_pem() -> str:
    vapid = Vapid02()
    vapid.generate_keys()
    return vapid.private_pem().decode()


def ensure_private_key(config, instance_path) -> str:
    """The VAPID private key (PEM text): the configured one, or the one in instance/,
    generated there the first time."""
    if config.get("VAPID_PRIVATE_KEY"):
        return config["VAPID_PRIVATE_KEY"]
    return write_once(Path(instance_path) / FILE_NAME, _new_private_pem)


def signer(private_pem: str) -> Vapid02:
    """The key, ready to sign pushes (RFC 8292 ``vapid`` authorization)."""
    return Vapid02.from_pem(private_pem.encode())


def public_key(private_pem: str) -> str:
    """The public key as browsers take it (``applicationServerKey``): the uncompressed
    P-256 point, base64url without padding."""
    point = signer(private_pem).public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64urlencode(point)
