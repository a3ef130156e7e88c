"""The JSON API under /api/v1: one blueprint, one module per resource."""

import json

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
    try:
        # JSON escapes can spell lone surrogates ("\\ud800"), which are not text: refuse them
        # here rather than fail later when they are validated, logged or stored.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(
            400,
            "bad_json",
            "The body holds characters that are not valid text.",
            {"body": "holds invalid characters (lone surrogates)"},
        ) from None
    return data


def register_modules():
    # Imported for their routes; the order is the order of the OpenAPI document.
    from diary.api import comparison, openapi, resources, session, sync, users  # noqa: F401


register_modules()
