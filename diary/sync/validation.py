"""Validation of incoming changes: a sync change's data against its kind's model, with
the errors naming the fields the way sync answers always have.

Kept apart from the write path: ``store.apply_change`` takes content already validated,
by these for a sync batch (api/sync.py), by its own models for a form, an API call or an
imported copy.
"""

from typing import Literal

from pydantic import ValidationError, create_model

from diary.schemas import SyncChange, field_errors
from diary.sync.rows import KINDS


def validate_change(kind, raw_data):
    """Validate sync ``data`` for ``kind``: (model, None) or (None, fields)."""
    try:
        return KINDS[kind]["model"].model_validate(raw_data, strict=True), None
    except ValidationError as exc:
        return None, field_errors(exc)


# A SyncChange of each kind with its data as that kind's model: valid changes pass in one
# validation instead of two. Not part of the API's document.
_CHANGES = {
    kind: create_model(
        f"{spec['model'].__name__}Change",
        __base__=SyncChange,
        kind=(Literal[kind], ...),
        data=(spec["model"] | None, None),
    )
    for kind, spec in KINDS.items()
}


def valid_sync_change(raw):
    """``raw`` validated in one pass as a SyncChange whose data is its kind's model, or
    None when that fails or leaves the data out of a change that needs it.

    A valid change comes out exactly as ``SyncChange`` then ``validate_change`` would give
    it (a delete's data is not used); for anything else the caller takes those two steps,
    whose errors name the fields the way sync answers always have.
    """
    kind = raw.get("kind") if isinstance(raw, dict) else None
    model = _CHANGES.get(kind) if isinstance(kind, str) else None
    if model is None:
        return None
    try:
        change = model.model_validate(raw)
    except ValidationError:
        return None
    return change if change.deleted or change.data is not None else None
