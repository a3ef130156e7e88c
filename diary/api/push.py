"""Web Push for the daily reminder: the server's public key, and this device's subscription
(docs/reminders.md). The reminder time itself is on the account (PUT /api/v1/users/me)."""

from flask import current_app, jsonify, request
from flask_login import current_user

from diary import i18n
from diary.access import allow
from diary.accounts.sessions import describe_device
from diary.api import bp, json_body
from diary.api.openapi import spec
from diary.db import get_db
from diary.errors import ApiError
from diary.i18n.text import gettext as _
from diary.reminders import subscriptions
from diary.reminders.schemas import PushKeyOut, PushSubscriptionIn, PushSubscriptionOut
from diary.schemas import validate


@bp.get("/push/key")
@allow("patient")
@spec(
    "The server's VAPID public key, for PushManager.subscribe (applicationServerKey)",
    responses={200: PushKeyOut},
)
def push_key():
    return jsonify({"public_key": current_app.extensions["diary.vapid"]["public_key"]})


@bp.post("/push/subscriptions")
@allow("patient")
@spec(
    "Subscribe this device (this signed-in session) to the daily reminder; signing out on "
    "it removes the subscription. The endpoint must be a push service the server allows.",
    body=PushSubscriptionIn,
    responses={201: PushSubscriptionOut},
)
def subscribe():
    data = validate(PushSubscriptionIn, json_body())
    if not subscriptions.endpoint_allowed(data.endpoint, current_app.config["PUSH_ENDPOINTS"]):
        raise ApiError(
            422,
            "invalid",
            _("This push service is not one this server sends reminders through."),
            {"endpoint": _("is not a push service this server allows")},
        )
    saved = subscriptions.save(
        get_db(),
        user_id=current_user.id,
        session_id=current_user.session.id,
        endpoint=data.endpoint,
        keys=data.keys.model_dump(),
        device=describe_device(request.user_agent.string),
        # This phone's language (its cookie, else its Accept-Language), not the account's:
        # the account's choice, if it has one, wins when the reminder is sent.
        locale=i18n.select_locale_without_account(),
    )
    return jsonify(saved), 201


@bp.delete("/push/subscriptions")
@allow("patient")
@spec("Stop the daily reminder on this device (other devices keep theirs)", responses={204: None})
def unsubscribe():
    subscriptions.remove_for_session(get_db(), current_user.session.id)
    return "", 204
