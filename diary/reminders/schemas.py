"""Declared shapes of the push API: the browser's PushSubscription, and what comes back."""

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from diary.i18n.text import lazy_gettext as _l
from diary.schemas import Strict

#: 65 bytes (an uncompressed P-256 point, first byte 4) in base64url without padding.
P256DH_PATTERN = "^B[A-Za-z0-9_-]{85}[AEIMQUYcgkosw048]$"
#: 16 bytes in base64url without padding.
AUTH_PATTERN = "^[A-Za-z0-9_-]{21}[AQgw]$"
ENDPOINT_MAX = 2048


def _matches(pattern: str, message):
    def check(value: str) -> str:
        if not re.fullmatch(pattern, value):
            raise ValueError(str(message))  # in the reader's language, as it is raised
        return value

    return AfterValidator(check)


def _endpoint_schema(schema):
    # Built with the document, from this server's PUSH_ENDPOINTS: exactly what it accepts.
    from flask import current_app

    from diary.reminders.subscriptions import endpoint_pattern

    schema["pattern"] = endpoint_pattern(current_app.config["PUSH_ENDPOINTS"])
    schema["description"] = "a URL of a push service this server allows (PUSH_ENDPOINTS)"


class PushKeys(Strict):
    p256dh: Annotated[
        str,
        Field(json_schema_extra={"pattern": P256DH_PATTERN}),
        _matches(P256DH_PATTERN, _l("must be the browser's P-256 public key (base64url)")),
    ]
    auth: Annotated[
        str,
        Field(json_schema_extra={"pattern": AUTH_PATTERN}),
        _matches(AUTH_PATTERN, _l("must be the browser's 16-byte auth secret (base64url)")),
    ]


class PushSubscriptionIn(Strict):
    """A browser's PushSubscription, as its ``toJSON()`` gives it."""

    endpoint: Annotated[
        str, StringConstraints(max_length=ENDPOINT_MAX), Field(json_schema_extra=_endpoint_schema)
    ]
    expirationTime: Annotated[float, Field(ge=0, le=1e15)] | None = None  # noqa: N815 - the browser's name
    keys: PushKeys


class PushKeyOut(BaseModel):
    public_key: str = Field(
        description="the server's VAPID public key: PushManager.subscribe's applicationServerKey"
    )


class PushSubscriptionOut(BaseModel):
    device: str = Field(description="the device in words, as the account page lists it")
    created_at: str
