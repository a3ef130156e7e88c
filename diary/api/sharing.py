"""Sharing, the patient's side and the physician's acceptance: invites and shares, view
links, and the access log (DESIGN.md section 5)."""

from flask import current_app, jsonify, request, url_for
from flask_login import current_user

from diary import inputs
from diary.access import allow
from diary.api import bp, json_body
from diary.api.openapi import spec
from diary.db import get_db
from diary.errors import ApiError
from diary.i18n.text import gettext as _
from diary.schemas import validate
from diary.security import invite_failed, with_invite_limit
from diary.sharing import invites, links, log
from diary.sharing.schemas import (
    Accepted,
    AccessLog,
    InviteAccept,
    InviteCreated,
    LinkCreate,
    LinkCreated,
    LinkList,
    ShareList,
)
from diary.sync import cursors

ERROR = {"$ref": "#/components/schemas/Error"}


def share_json(row: dict) -> dict:
    physician = (
        {"id": row["physician_id"], "name": row["physician_name"]}
        if row["physician_id"] is not None
        else None
    )
    fields = ("id", "status", "created_at", "expires_at", "accepted_at", "revoked_at")
    return {**{k: row[k] for k in fields}, "physician": physician}


@bp.post("/shares")
@allow("patient")
@spec(
    "Create an invite: a code for a physician to enter, valid once for INVITE_DAYS (7 days "
    "unless the server sets another number)",
    responses={201: InviteCreated},
    links={
        201: {
            "CancelIt": {
                "operationId": "api.revoke_share:DELETE",
                "parameters": {"share_id": "$response.body#/id"},
            }
        }
    },
)
def create_share():
    invite = invites.create(get_db(), current_user.id, days=current_app.config["INVITE_DAYS"])
    return jsonify({"id": invite.id, "code": invite.shown, "expires_at": invite.expires_at}), 201


@bp.get("/shares")
@allow("patient")
@spec("The patient's shares and invites, newest first", responses={200: ShareList})
def list_shares():
    rows = invites.of_patient(get_db(), current_user.id)
    return jsonify({"shares": [share_json(row) for row in rows]})


@bp.delete("/shares/<uuid:share_id>")
@allow("patient")
@spec(
    "End a share or cancel an invite (the physician's next request is refused)",
    responses={204: None},
)
def revoke_share(share_id):
    if not invites.revoke(get_db(), current_user.id, str(share_id)):
        raise ApiError(404)
    return "", 204


@bp.post("/shares/accept")
@allow("physician")
@with_invite_limit
@spec(
    "Enter a patient's invite code: the patient now shares their diary with you "
    "(404 for a code that is wrong, used or expired; 429 after too many wrong codes)",
    body=InviteAccept,
    responses={200: Accepted, 404: ERROR, 429: ERROR},
)
def accept_share():
    data = validate(InviteAccept, json_body())
    accepted = invites.accept(
        get_db(), current_user.id, data.code, share_days=current_app.config["SHARE_DAYS"]
    )
    if accepted is None:
        invite_failed()
        raise ApiError(
            404,
            "invite_not_found",
            _(
                "This code does not work: it may be mistyped, used already or expired. "
                "Ask the patient for a new one."
            ),
            {"code": _("is not a live invite code")},
        )
    return jsonify(
        {
            "patient": {"id": accepted["patient_id"], "name": accepted["patient_name"]},
            "share_id": accepted["share_id"],
            "expires_at": accepted["expires_at"],
        }
    )


@bp.post("/links")
@allow("patient")
@spec(
    "Create a view link: a read-only address for a physician without an account",
    body=LinkCreate,
    responses={201: LinkCreated},
    links={
        201: {
            "TurnItOff": {
                "operationId": "api.revoke_link:DELETE",
                "parameters": {"link_id": "$response.body#/id"},
            }
        }
    },
)
def create_link():
    data = validate(LinkCreate, json_body())
    link, token = links.create(get_db(), current_user.id, data.days)
    url = url_for("viewlink.summary", token=token, _external=True)
    return jsonify({"id": link.id, "url": url, "expires_at": link.expires_at}), 201


@bp.get("/links")
@allow("patient")
@spec(
    "The patient's view links, newest first, with how often each was used",
    responses={200: LinkList},
)
def list_links():
    return jsonify({"links": links.of_patient(get_db(), current_user.id)})


@bp.delete("/links/<uuid:link_id>")
@allow("patient")
@spec("Turn a view link off (it answers 404 from then on)", responses={204: None})
def revoke_link(link_id):
    if not links.revoke(get_db(), current_user.id, str(link_id)):
        raise ApiError(404)
    return "", 204


LOG_QUERY = {
    "limit": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
    "after": {
        "type": "string",
        "pattern": cursors.LOG_CURSOR_PATTERN,
        "description": "the next value of the previous page",
    },
}


@bp.get("/access-log")
@allow("patient")
@spec(
    "Who saw the patient's diary, what and when, newest first, paged",
    query=LOG_QUERY,
    responses={200: AccessLog, 422: ERROR},
)
def access_log():
    fields = {}
    try:
        limit = inputs.whole_number(request.args.get("limit", "50"), "limit", low=1, high=500)
    except inputs.BadInput as bad:
        fields[bad.field] = bad.message
    after = None
    if "after" in request.args:
        after = cursors.decode_log(request.args["after"])
        if after is None:
            fields["after"] = _("must be the next value of a previous page")
    if fields:
        raise ApiError(422, "invalid", _("Some query parameters are not valid."), fields)
    events, following = log.page(get_db(), current_user.id, limit=limit, after=after)
    return jsonify({"access_log": [event_json(e) for e in events], "next": following})


def event_json(event: dict) -> dict:
    physician = (
        {"id": event["physician_id"], "name": event["physician_name"]}
        if event["viewer"] == "physician"
        else None
    )
    fields = ("id", "at", "viewer", "link_id", "what", "words")
    return {**{k: event[k] for k in fields}, "physician": physician}
