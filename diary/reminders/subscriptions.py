"""Push subscriptions: one per device (the signed-in session that made it), to push
services the operator allows only.

A subscription's endpoint is a URL this server will POST to, so an endpoint outside
``PUSH_ENDPOINTS`` is refused (else anyone could make the server call any address). A
subscription belongs to its session: signing out on that device, signing out everywhere
or changing the password ends the session, and the database deletes the subscription with
it (m009_push), so a device nobody is signed in on gets no reminders.
"""

import re

from diary.accounts import now_iso
from diary.db import fetch_all, write

#: What a wildcard in a prefix's host stands for: one or more DNS labels.
_LABELS = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"


def endpoint_pattern(prefixes) -> str:
    """A regular expression matching exactly the endpoints under one of ``prefixes``."""
    if not prefixes:
        return "^(?!)"  # no push service allowed: nothing matches
    alternatives = (re.escape(prefix).replace(r"\*", _LABELS) for prefix in prefixes)
    return "^(?:" + "|".join(alternatives) + ")"


def endpoint_allowed(endpoint: str, prefixes) -> bool:
    """True when the server may POST to ``endpoint`` (it starts with an allowed prefix)."""
    return re.match(endpoint_pattern(prefixes), endpoint) is not None


def save(
    db,
    *,
    user_id: int,
    session_id: int,
    endpoint: str,
    keys: dict,
    device: str,
    locale: str | None = None,
) -> dict:
    """Store the browser's subscription for this session (replacing what the endpoint had:
    the same browser, subscribed again or by whoever is signed in on it now), with the
    language that device speaks (``locale``): the reminders' language when the account
    chose none."""
    with write(db):
        db.execute(
            "INSERT INTO push_subscriptions (user_id, session_id, endpoint, p256dh, auth, device,"
            " locale, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (endpoint)"
            " DO UPDATE SET user_id = excluded.user_id, session_id = excluded.session_id,"
            " p256dh = excluded.p256dh, auth = excluded.auth, device = excluded.device,"
            " locale = excluded.locale, created_at = excluded.created_at",
            [
                user_id,
                session_id,
                endpoint,
                keys["p256dh"],
                keys["auth"],
                device,
                locale,
                now_iso(),
            ],
        )
    return fetch_all(
        db, "SELECT device, created_at FROM push_subscriptions WHERE endpoint = ?", [endpoint]
    )[0]


def remove_for_session(db, session_id: int) -> int:
    """Remove this device's subscriptions; return how many there were."""
    with write(db):
        return db.execute(
            "DELETE FROM push_subscriptions WHERE session_id = ?", [session_id]
        ).rowcount


def remove(db, subscription_id: int):
    """Remove one subscription (its push service said it is gone, 404 or 410)."""
    with write(db):
        db.execute("DELETE FROM push_subscriptions WHERE id = ?", [subscription_id])


def of_session(db, session_id: int) -> list[dict]:
    return fetch_all(
        db,
        "SELECT id, device, created_at FROM push_subscriptions WHERE session_id = ?",
        [session_id],
    )


def count_of_user(db, user_id: int) -> int:
    """How many of the user's devices have reminders on (live sessions only)."""
    return db.execute(
        "SELECT COUNT(*) FROM push_subscriptions p JOIN sessions s ON s.id = p.session_id"
        " WHERE p.user_id = ? AND s.expires_at > ?",
        [user_id, now_iso()],
    ).fetchone()[0]


def live_of_user(db, user_id: int, at: str) -> list[dict]:
    """The user's subscriptions whose session is live at ``at`` (what a reminder goes to),
    each with the language of its device (``locale``, None if unknown)."""
    return fetch_all(
        db,
        "SELECT p.id, p.endpoint, p.p256dh, p.auth, p.locale FROM push_subscriptions p"
        " JOIN sessions s ON s.id = p.session_id WHERE p.user_id = ? AND s.expires_at > ?"
        " ORDER BY p.id",
        [user_id, at],
    )
