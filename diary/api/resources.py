"""Entries, therapies and questionnaire responses as REST resources: one set of routes,
registered for each kind.

Every write goes through store.change, the same path (and the same rules) as sync.
"""

from flask import jsonify, request
from flask_login import current_user

from diary import days, inputs
from diary.access import allow
from diary.api import bp, json_body
from diary.api.openapi import spec
from diary.db import get_db
from diary.errors import ApiError
from diary.i18n.text import gettext as _
from diary.questionnaires.schemas import ResponseCreate, ResponseList, ResponseOut, ResponseUpdate
from diary.schemas import (
    EntryCreate,
    EntryList,
    EntryOut,
    EntryUpdate,
    TherapyCreate,
    TherapyList,
    TherapyOut,
    TherapyUpdate,
    validate,
)
from diary.sync import cursors, merge, queries, store

RESOURCES = {
    "entry": {
        "plural": "entries",
        "create": EntryCreate,
        "update": EntryUpdate,
        "out": EntryOut,
        "list": EntryList,
    },
    "therapy": {
        "plural": "therapies",
        "create": TherapyCreate,
        "update": TherapyUpdate,
        "out": TherapyOut,
        "list": TherapyList,
    },
    "response": {
        "plural": "responses",
        "create": ResponseCreate,
        "update": ResponseUpdate,
        "out": ResponseOut,
        "list": ResponseList,
    },
}


def outcome_response(outcome, created_status=200):
    """Turn a store.Outcome into the REST answer."""
    if outcome.status == merge.APPLIED:
        return jsonify(outcome.row), created_status
    if outcome.status == merge.DUPLICATE:
        return jsonify(outcome.row), 200
    if outcome.status == merge.CONFLICT:
        raise ApiError(
            409,
            "conflict",
            _(
                "This changed on another device since you loaded it. "
                "The server's copy is included; edit it or send yours again with its "
                "version as base_version."
            ),
            extra={"server": outcome.row},
        )
    if outcome.error["code"] == "not_found":
        raise ApiError(404)
    if outcome.error["code"] in ("id_taken", "version_ahead"):
        # The request is well formed but does not fit what the server holds: the id is
        # another record's, or the version is one the server never had.
        raise ApiError(
            409, outcome.error["code"], outcome.error["message"], outcome.error["fields"]
        )
    raise ApiError(422, outcome.error["code"], outcome.error["message"], outcome.error["fields"])


ERROR = {"$ref": "#/components/schemas/Error"}


def links_from(kind):
    """What a client can do next with a row it was given: its id and version."""
    row = {"object_id": "$response.body#/id"}
    links = {
        "ReadIt": {"operationId": f"api.{kind}_read:GET", "parameters": row},
        "UpdateIt": {
            "operationId": f"api.{kind}_update:PUT",
            "parameters": row,
            "requestBody": {"base_version": "$response.body#/version"},
        },
        "DeleteIt": {
            "operationId": f"api.{kind}_delete:DELETE",
            "parameters": {**row, "base_version": "$response.body#/version"},
        },
    }
    if kind == "therapy":
        links["CompareIt"] = {"operationId": "api.therapy_comparison:GET", "parameters": row}
    return links


def register(kind, names=None):
    """Add the create, read, update and delete routes of ``kind``; ``names`` (the shape of
    a RESOURCES value) describes a kind declared elsewhere (medicines, doses)."""
    names = names or RESOURCES[kind]
    plural = names["plural"]
    links = links_from(kind)

    @allow("patient")
    @spec(
        f"Create a {kind} (the client may give its id; sending it again is harmless; an id "
        "already used by another record is 409 id_taken)",
        body=names["create"],
        responses={201: names["out"], 200: names["out"], 409: ERROR},
        links={201: links, 200: links},
    )
    def create():
        data = validate(names["create"], json_body())
        outcome = store.change(get_db(), current_user.id, kind, data.id, None, False, data)
        return outcome_response(outcome, created_status=201)

    @allow("patient")
    @spec(f"One {kind}", responses={200: names["out"]}, links={200: links})
    def read(object_id):
        row = queries.get(get_db(), kind, current_user.id, str(object_id))
        if row is None:
            raise ApiError(404)
        return jsonify(row)

    @allow("patient")
    @spec(
        f"Replace a {kind}; base_version is the version the edit was made from "
        "(409 with the server copy when it is stale)",
        body=names["update"],
        responses={200: names["out"], 409: ERROR},
        links={200: links},
    )
    def update(object_id):
        object_id = str(object_id)
        db = get_db()
        # Existence first: someone else's id answers 404 whatever the body holds.
        if queries.get(db, kind, current_user.id, object_id) is None:
            raise ApiError(404)
        data = validate(names["update"], json_body())
        outcome = store.change(db, current_user.id, kind, object_id, data.base_version, False, data)
        return outcome_response(outcome)

    @allow("patient")
    @spec(
        f"Delete a {kind} (kept as a tombstone so the deletion syncs)",
        query={"base_version": {"type": "integer", "minimum": 1, "maximum": inputs.MAX_INTEGER}},
        responses={204: None, 409: ERROR},
    )
    def delete(object_id):
        object_id = str(object_id)
        db = get_db()
        current = queries.get(db, kind, current_user.id, object_id)
        if current is None:
            raise ApiError(404)
        try:
            base = inputs.whole_number(
                request.args.get("base_version", str(current["version"])), "base_version", low=1
            )
        except inputs.BadInput as bad:
            raise ApiError(
                422, "invalid", _("Some query parameters are not valid."), {bad.field: bad.message}
            ) from None
        outcome = store.change(db, current_user.id, kind, object_id, base, True, None)
        if outcome.status in (merge.APPLIED, merge.DUPLICATE):
            return "", 204
        return outcome_response(outcome)

    for view in (create, read, update, delete):
        view.__name__ = f"{kind}_{view.__name__}"
    bp.add_url_rule(f"/{plural}", view_func=create, methods=["POST"])
    bp.add_url_rule(f"/{plural}/<uuid:object_id>", view_func=read, methods=["GET"])
    bp.add_url_rule(f"/{plural}/<uuid:object_id>", view_func=update, methods=["PUT"])
    bp.add_url_rule(f"/{plural}/<uuid:object_id>", view_func=delete, methods=["DELETE"])


register("entry")
register("therapy")
register("response")


DAY_PARAMETER = {
    "type": "string",
    "format": "date",
    "pattern": days.pattern(),
    "description": "a day from 2000-01-01 to 2099-12-31, inclusive",
}


#: The last day of a span: a rule between two parameters, stated in words (days.query_span).
TO_PARAMETER = {
    **DAY_PARAMETER,
    "description": "a day from 2000-01-01 to 2099-12-31, inclusive; not before from (422 "
    "naming to)",
}


#: The query parameters of a list of entries (the patient's own, or a shared patient's).
ENTRY_QUERY = {
    "from": DAY_PARAMETER,
    "to": TO_PARAMETER,
    "limit": {"type": "integer", "minimum": 1, "maximum": 5000, "default": 1000},
    "after": {
        "type": "string",
        "pattern": cursors.PAGE_CURSOR_PATTERN,
        "description": "the next value of the previous page",
    },
}


@bp.get("/entries")
@allow("patient")
@spec("The patient's entries, newest first, paged", query=ENTRY_QUERY, responses={200: EntryList})
def list_entries():
    query = entry_query(request.args)
    entries, next_cursor = queries.list_entries(get_db(), current_user.id, **query)
    return jsonify({"entries": entries, "next": next_cursor})


def day_bounds(args, fields: dict, query: dict) -> None:
    """Read ``from`` and ``to`` (inclusive days) into ``query`` as ``day_from``/``day_to``;
    a bad one is named in ``fields``."""
    first, last, bad = days.query_span(args)
    fields.update(bad)
    for key, day in (("day_from", first), ("day_to", last)):
        if day is not None:
            query[key] = day.isoformat()


def entry_query(args):
    """Validate the list parameters; 422 naming each bad one."""
    fields, query = {}, {}
    day_bounds(args, fields, query)
    try:
        query["limit"] = inputs.whole_number(args.get("limit", "1000"), "limit", low=1, high=5000)
    except inputs.BadInput as bad:
        fields[bad.field] = bad.message
    if "after" in args:
        after = cursors.decode_page(args["after"])
        if after is None:
            fields["after"] = _("must be the next value of a previous page")
        query["after"] = after
    if fields:
        raise ApiError(422, "invalid", _("Some query parameters are not valid."), fields)
    return query


@bp.get("/therapies")
@allow("patient")
@spec("The patient's therapies, by start day", responses={200: TherapyList})
def list_therapies():
    return jsonify({"therapies": queries.list_therapies(get_db(), current_user.id)})
