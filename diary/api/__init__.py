"""The JSON API under /api/v1: one blueprint, one module per resource."""

from flask import Blueprint, request

from diary.errors import ApiError

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def json_body():
    """The request's JSON object; 400 naming ``body`` when it is missing or malformed."""
    data = request.get_json(force=True, silent=True)
    if data is None:
        raise ApiError(
            400, "bad_json", "The body must be valid JSON.", {"body": "is not valid JSON"}
        )
    return data


def register_modules():
    # Imported for their routes; the order is the order of the OpenAPI document.
    from diary.api import comparison, openapi, resources, session, sync, users  # noqa: F401


register_modules()
