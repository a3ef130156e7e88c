"""The two cursors the API hands out, and how each is read back.

- A page of entries continues after a position ``<day>_<created_at>_<id>`` (keyset paging:
  any well-formed position is a valid place to continue from, whether or not a row sits
  exactly there).
- A device's sync position is the change sequence number it has seen, as decimal text,
  after the database's sync epoch (``<epoch>.<seq>``): a database restored from a copy has
  another epoch, so a phone that synced past the copy is told to pull from the start
  rather than skip what the restored database numbers again. A bare number (the format
  before epochs) is still read, without that check.
- A page of the access log continues after an event ``<at>_<event id>``, keyset paging
  like the entries.
- The physician's list of patients has its own, beside the orders it is bound to
  (diary/sharing/dashboard.py ``cursor``): how many patients were listed before it.

Both are described by a pattern in the OpenAPI document, so a client that keeps to it is
never refused. Cursors from before these formats (base64 of a JSON list) are still read:
phones keep their sync cursor across deploys, and cached History pages hold old links.
"""

import base64
import re

from diary import inputs

EPOCH_PATTERN = r"[0-9a-f]{16}"
SEQ_CURSOR_PATTERN = rf"^(?:{EPOCH_PATTERN}\.)?(?:0|[1-9][0-9]{{0,17}})$"
PAGE_CURSOR_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9TZ:.+-]{1,40}"
    r"_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)
LOG_CURSOR_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{1,20}Z_(?:0|[1-9][0-9]{0,17})$"
# The older cursors were a few dozen characters; anything much longer is not one of ours.
_MAX_LEGACY_LENGTH = 512


def encode_seq(seq: int, epoch: str) -> str:
    return f"{epoch}.{seq}"


def decode_seq(text) -> tuple[str | None, int] | None:
    """``(epoch, seq)`` of a sync cursor (no epoch in an older one), or None when it is not
    one this server gave out."""
    if isinstance(text, str) and re.fullmatch(SEQ_CURSOR_PATTERN, text):
        epoch, _, seq = text.rpartition(".")
        return epoch or None, int(seq)
    legacy = _decode_legacy(text, (int,))
    return (None, legacy[0]) if legacy else None


def encode_page(day: str, created_at: str, object_id: str) -> str:
    return f"{day}_{created_at}_{object_id}"


def decode_page(text) -> tuple[str, str, str] | None:
    """The (day, created_at, id) position in a page cursor, or None when it is not one."""
    if isinstance(text, str) and re.fullmatch(PAGE_CURSOR_PATTERN, text):
        return text[:10], text[11:-37], text[-36:]
    legacy = _decode_legacy(text, (str, str, str))
    return tuple(legacy) if legacy else None


def encode_log(at: str, event_id: int) -> str:
    return f"{at}_{event_id}"


def decode_log(text) -> tuple[str, int] | None:
    """The (at, id) position in an access-log cursor, or None when it is not one."""
    if not isinstance(text, str) or not re.fullmatch(LOG_CURSOR_PATTERN, text):
        return None
    at, _, event_id = text.rpartition("_")
    return at, int(event_id)


def _decode_legacy(text, types):
    if not isinstance(text, str) or len(text) > _MAX_LEGACY_LENGTH:
        return None
    try:
        padded = text + "=" * (-len(text) % 4)
        values = inputs.parse_json(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeError):  # inputs.BadInput is a ValueError
        return None
    if not isinstance(values, list) or len(values) != len(types):
        return None
    for value, kind in zip(values, types, strict=True):
        if type(value) is not kind:
            return None
        if kind is int and not 0 <= value <= inputs.MAX_INTEGER:
            return None
        if kind is str and len(value) > 100:
            return None
    return values
