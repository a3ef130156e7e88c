"""Secrets the server hands out, kept only as their SHA-256.

Session tokens, password-reset and view links, and invite codes reach their holder once; the
database keeps their digest and finds them by it, so a copy of the database (a backup, a
stolen disk) opens no session, link or invite.
"""

import hashlib


def digest(secret: str) -> str:
    """What the database keeps of ``secret``, and looks it up by."""
    return hashlib.sha256(secret.encode()).hexdigest()
