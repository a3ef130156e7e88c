"""Sending one push: the payload encrypted for the subscription (RFC 8291, aes128gcm) and
signed with the server's VAPID key (RFC 8292), by pywebpush.

The payload never carries health data: a lock screen may show it to anyone nearby.
"""

import json
from dataclasses import dataclass

import requests
from pywebpush import WebPushException, webpush

from diary.i18n.text import N_, gettext

#: What every reminder says, and where tapping it leads. Nothing about the patient's pain.
REMINDER = {
    "title": N_("Time for your diary"),
    "body": N_("Tap to add today's entry."),
    "url": "/today",
    "tag": "diary-reminder",
}
SENT, GONE, FAILED = "sent", "gone", "failed"


def reminder() -> dict:
    """REMINDER in the language in force (the patient's: see sender.send_due)."""
    return {**REMINDER, "title": gettext(REMINDER["title"]), "body": gettext(REMINDER["body"])}


@dataclass(frozen=True)
class Delivery:
    status: str  # SENT, GONE (404/410: remove the subscription) or FAILED (try again later)
    detail: str = ""


def deliver(subscription: dict, *, signer, subject: str, ttl: int, timeout: float) -> Delivery:
    """POST the reminder to one subscription (``{"endpoint", "p256dh", "auth"}``)."""
    info = {
        "endpoint": subscription["endpoint"],
        "keys": {"p256dh": subscription["p256dh"], "auth": subscription["auth"]},
    }
    # A push service answers for itself: it never sends us on to another address.
    session = requests.Session()
    session.max_redirects = 0
    try:
        webpush(
            info,
            data=json.dumps(reminder()),
            vapid_private_key=signer,
            # A new dict each time: pywebpush writes the endpoint's origin ("aud") into it.
            vapid_claims={"sub": subject},
            ttl=ttl,
            timeout=timeout,
            # Topic: a newer reminder replaces one a phone that is off has not received yet.
            headers={"Urgency": "normal", "Topic": "diary-reminder"},
            requests_session=session,
        )
    except WebPushException as error:
        status = error.status_code
        if status in (404, 410):
            return Delivery(GONE, f"{status} from the push service")
        return Delivery(FAILED, f"{status or 'no answer'} from the push service")
    except requests.RequestException as error:
        return Delivery(FAILED, type(error).__name__)
    except (ValueError, TypeError) as error:
        # Keys no browser would make (not a point on the curve): nothing can ever be sent.
        return Delivery(GONE, f"unusable keys ({type(error).__name__})")
    finally:
        session.close()
    return Delivery(SENT)
