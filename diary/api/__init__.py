"""The JSON API under /api/v1: one blueprint, one module per resource."""

from flask import Blueprint, request

from diary import inputs
from diary.errors import ApiError
from diary.i18n.text import gettext as _

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def json_bytes() -> bytes:
    """The request's body, once its Content-Type says JSON: a body sent as anything else
    (a form, text/plain) is 415 naming Content-Type rather than read as JSON regardless.
    An empty body passes, for the reader to name ``body`` as missing."""
    data = request.get_data(cache=True)
    mimetype = request.mimetype
    if data and mimetype != "application/json" and not mimetype.endswith("+json"):
        raise ApiError(415, fields={"Content-Type": _("must be application/json")})
    return data


def json_body():
    """The request's JSON value; 415 naming ``Content-Type`` when it is not sent as JSON,
    400 naming ``body`` when it is missing, malformed, nested too deeply or not valid text
    (see diary/inputs.py)."""
    body = json_bytes()
    try:
        return inputs.parse_json(body)
    except inputs.BadInput as bad:
        raise ApiError(
            400,
            "bad_json",
            _("The body %(problem)s.", problem=bad.message),
            {bad.field: bad.message},
        ) from None


def register_modules():
    # Imported for their routes; the order is the order of the OpenAPI document.
    from diary.api import (  # noqa: F401
        cohorts,
        comparison,
        exports,
        medications,
        openapi,
        patients,
        push,
        questionnaires,
        resources,
        session,
        sharing,
        sync,
        users,
    )


register_modules()
