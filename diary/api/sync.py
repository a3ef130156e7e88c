"""POST /api/v1/sync: a device's outbox in, the changes since its cursor out (DESIGN.md §4)."""

from flask import current_app, jsonify, request
from flask_login import current_user

from diary.access import allow
from diary.api import bp, json_body
from diary.api.openapi import spec
from diary.db import get_db, write
from diary.errors import ApiError
from diary.i18n.text import gettext as _
from diary.i18n.text import lazy_gettext as _l
from diary.schemas import (
    MAX_SYNC_CHANGES,
    SyncChange,
    SyncRequest,
    SyncResponse,
    field_errors,
    validate,
)
from diary.sync import cursors, merge, queries, store, validation
from diary.sync.rows import KINDS

MAX_BYTES = 2 * 1024 * 1024
# Rows changed elsewhere, handed back per answer: a phone pulling a whole diary for the first
# time stores it in pieces (one IndexedDB transaction each), never one long task of years.
PULL_PAGE = 500
TOO_LARGE = _l(
    "A sync batch holds at most 1,000 changes and 2 MB. Split the outbox into "
    "smaller batches and send them one after another."
)


@bp.post("/sync")
@allow("patient")
@spec(
    "Apply a batch of offline changes in one transaction and return what changed since the cursor",
    body=SyncRequest,
    responses={200: SyncResponse, 413: {"type": "object"}},
)
def sync():
    if (request.content_length or 0) > MAX_BYTES:
        raise_too_large()
    body = validate(SyncRequest, json_body(), strict=False)
    if len(body.changes) > MAX_SYNC_CHANGES:
        raise_too_large()
    since, epoch = 0, None
    if body.cursor is not None:
        decoded = cursors.decode_seq(body.cursor)
        if decoded is None:
            _refuse_cursor()
        epoch, since = decoded
    db = get_db()
    patient_id = current_user.id
    with write(db):
        # A cursor of another epoch, or past every change this database has made, was not
        # given out by it: the database was restored from a copy older than the phone's last
        # sync. Pulling from there would skip the changes it numbers again; the phone pulls
        # from the start instead (its answer to this refusal).
        current = db.execute(
            "SELECT value, (SELECT value FROM change_seq) FROM sync_epoch"
        ).fetchone()
        if (epoch is not None and epoch != current[0]) or since > current[1]:
            _refuse_cursor()
        # Sequence numbers, the clock and the ids' holders: once for the batch, not per change.
        batch = store.Batch(db, len(body.changes), _ids(body.changes))
        results = [apply_one(db, patient_id, raw, batch) for raw in body.changes]
        changes, last, more = queries.changes_since(db, patient_id, since, limit=PULL_PAGE)
    current_app.logger.debug("sync: %d changes from patient %s", len(results), patient_id)
    return jsonify(
        {
            "results": results,
            "changes": changes,
            "cursor": cursors.encode_seq(last, current[0]),
            "more": more,
        }
    )


def _refuse_cursor():
    raise ApiError(
        422,
        "invalid",
        _("The cursor is not one this server gave out."),
        {"cursor": _("must be a cursor from a previous sync, or null")},
    )


def raise_too_large():
    raise ApiError(
        413,
        "too_large",
        TOO_LARGE,
        extra={"limits": {"changes": MAX_SYNC_CHANGES, "bytes": MAX_BYTES}},
    )


def _ids(changes) -> list[str]:
    """The ids the batch's changes name, as validation leaves a valid one (lower case)."""
    return [
        raw["id"].lower()
        for raw in changes
        if isinstance(raw, dict) and isinstance(raw.get("id"), str)
    ]


def apply_one(db, patient_id, raw, batch=None):
    """One change's result; an invalid change is rejected alone, never the whole batch.

    With ``batch``, a change to a record whose earlier change in the batch was not applied
    is not applied either (``store.held_back``): it was built on that one.
    """
    change = validation.valid_sync_change(raw)  # the usual case: valid, in one validation
    if change is not None:
        data = None if change.deleted else change.data
    else:
        change, data, rejected = _checked_step_by_step(raw)
        if rejected:
            if batch is not None and isinstance(rejected["id"], str):
                batch.halted.add((rejected["kind"], rejected["id"].lower()))
            return rejected
    record = (change.kind, str(change.id))
    if batch is not None and record in batch.halted:
        return store.held_back(db, patient_id, *record).to_result()
    outcome = store.apply_change(
        db,
        patient_id,
        change.kind,
        change.id,
        change.base_version,
        change.deleted,
        data,
        want_row=False,
        duplicate_row=False,
        batch=batch,
    )
    if batch is not None and outcome.status in (merge.CONFLICT, merge.REJECTED):
        batch.halted.add(record)
    return outcome.to_result()


def _checked_step_by_step(raw):
    """``(change, data, None)``, or ``(None, None, rejected result)`` naming the fields:
    the change's envelope first, then its data as its kind's model."""
    from pydantic import ValidationError

    ident = raw.get("id") if isinstance(raw, dict) else None
    kind = raw.get("kind") if isinstance(raw, dict) else None
    try:
        change = SyncChange.model_validate(raw)  # strict: "yes" is not true, "1" not 1
    except ValidationError as exc:
        return None, None, _rejected(ident, kind, field_errors(exc))
    data = None
    if not change.deleted:
        if change.data is None:
            return None, None, _rejected(str(change.id), change.kind, {"data": "is required"})
        data, fields = validation.validate_change(change.kind, change.data)
        if fields:
            fields = {f"data.{k}": v for k, v in fields.items()}
            return None, None, _rejected(str(change.id), change.kind, fields)
    return change, data, None


def _rejected(ident, kind, fields):
    return {
        "id": ident if isinstance(ident, str) else None,
        "kind": kind if isinstance(kind, str) and kind in KINDS else None,
        "status": "rejected",
        "version": None,
        "error": {"code": "invalid", "message": _("This change is not valid."), "fields": fields},
    }
