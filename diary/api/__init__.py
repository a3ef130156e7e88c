"""The JSON API under /api/v1: one blueprint, one module per resource."""

from flask import Blueprint, request

from diary import inputs
from diary.errors import ApiError
from diary.i18n.text import gettext as _

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def json_body():
    """The request's JSON value; 400 naming ``body`` when it is missing, malformed, nested
    too deeply or not valid text (see diary/inputs.py)."""
    try:
        return inputs.parse_json(request.get_data(cache=True))
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
