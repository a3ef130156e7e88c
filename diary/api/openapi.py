"""The OpenAPI 3 document, built from the routes and the pydantic declarations.

Each API view carries its documentation with ``@spec(...)``; the document is assembled
from ``app.url_map`` so a route cannot exist without being described (a test checks it).
"""

import re
from dataclasses import dataclass

from flask import current_app, jsonify
from pydantic import BaseModel
from werkzeug.routing import IntegerConverter, UUIDConverter

from diary import days, inputs
from diary.access import allow, policy_of
from diary.api import bp
from diary.fields import UUID_PATTERN

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}


@dataclass(frozen=True)
class Content:
    """A response body of another media type than JSON (a CSV file, a FHIR Bundle) for
    ``spec``'s ``responses``: its media type and schema (a model or a JSON schema dict)."""

    media_type: str
    schema: object


def spec(summary, *, body=None, responses=None, query=None, links=None, tags=None):
    """Attach OpenAPI facts to a view: its request model, responses and query parameters.

    ``responses`` maps a status to a pydantic model, a JSON schema dict, a ``Content`` (a
    body of another media type) or None (no body).
    ``query`` maps a parameter name to a JSON schema (``"required": True`` inside makes the
    parameter required). ``links`` maps a status to OpenAPI links from that answer to other
    operations, named by endpoint and method (``"api.entry_read:GET"``): what a client (or a
    stateful fuzzer) can do next with the ids and versions it was given.
    """

    def decorate(view):
        view.openapi = {
            "summary": summary,
            "body": body,
            "responses": responses or {200: None},
            "query": query or {},
            "links": links or {},
            "tags": tags or [],
        }
        return view

    return decorate


#: Answers any operation may give, beside its own.
COMMON_ERRORS = {
    400: "the body or a parameter could not be read (malformed JSON, a CSRF token missing)",
    401: "not signed in",
    403: "signed in, but this account may not do this",
    404: "nothing of yours here",
    405: "this path does not take that method",
    414: f"the address (path and query) is longer than {inputs.MAX_URL_LENGTH} bytes",
    429: "too many attempts; wait as Retry-After says",
}


def _schema(source, components):
    if source is None:
        return None
    if isinstance(source, type) and issubclass(source, BaseModel):
        schema = source.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in schema.pop("$defs", {}).items():
            components[name] = definition
        components[source.__name__] = schema
        return {"$ref": f"#/components/schemas/{source.__name__}"}
    return source


def operation_id(endpoint, method):
    return f"{endpoint}_{method.lower()}"


def build_document(app):
    """The OpenAPI 3.1 document for every ``/api/`` rule of ``app``."""
    components = {"Error": ERROR_SCHEMA}
    paths = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/"):
            continue
        view = app.view_functions[rule.endpoint]
        facts = getattr(view, "openapi", None)
        if facts is None:
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(
                rule, method, view, facts, components
            )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "diary API",
            "version": "1",
            "description": "JSON API of the diary pain diary. Session-cookie authentication; "
            "state-changing requests carry the X-CSRFToken header from GET /api/v1/session.",
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "diary_session"}
            },
        },
    }


def _operation(rule, method, view, facts, components):
    operation = {
        "operationId": operation_id(rule.endpoint, method),
        "summary": facts["summary"],
        # Anyone may call the session endpoints and this document; everything else needs a
        # session (and the CSRF header to change anything).
        "security": [] if policy_of(view) == "anyone" else [{"session": []}],
        "parameters": [
            {"name": arg, "in": "path", "required": True, "schema": _path_schema(rule, arg)}
            for arg in sorted(rule.arguments)
        ]
        + [
            {
                "name": name,
                "in": "query",
                "required": bool(schema.get("required") is True),
                "schema": {k: v for k, v in schema.items() if k != "required"},
            }
            for name, schema in facts["query"].items()
        ],
        "responses": {},
    }
    if facts["body"] is not None and method in ("POST", "PUT", "PATCH", "DELETE"):
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _schema(facts["body"], components)}},
        }
    for status, source in facts["responses"].items():
        response = {"description": str(status)}
        media_type = source.media_type if isinstance(source, Content) else "application/json"
        schema = _schema(source.schema if isinstance(source, Content) else source, components)
        if schema is not None:
            response["content"] = {media_type: {"schema": schema}}
        links = facts["links"].get(status)
        if links:
            response["links"] = {
                name: {**link, "operationId": operation_id(*link["operationId"].split(":"))}
                for name, link in links.items()
            }
        operation["responses"][str(status)] = response
    for status, words in _error_statuses(method, facts).items():
        operation["responses"].setdefault(
            str(status),
            {
                "description": words,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        )
    return operation


def _path_schema(rule, arg):
    converter = rule._converters[arg]  # noqa: SLF001 - werkzeug has no public API
    if isinstance(converter, IntegerConverter):
        return {"type": "integer", "minimum": 0, "maximum": inputs.MAX_INTEGER}
    if isinstance(converter, UUIDConverter):
        return {"type": "string", "format": "uuid", "pattern": UUID_PATTERN}
    return {"type": "string"}


def _error_statuses(method, facts):
    statuses = dict(COMMON_ERRORS)
    if facts["body"] is not None or facts["query"] or method in ("PUT", "DELETE"):
        statuses[422] = "a field or a parameter is not valid (error.fields names each one)"
    if facts["body"] is not None:
        statuses[413] = "the body is larger than the server accepts"
        statuses[415] = "the body is not sent as JSON (Content-Type: application/json)"
    return statuses


@bp.get("/openapi.json")
@allow("anyone")
@spec("This OpenAPI document", responses={200: {"type": "object"}})
def openapi_document():
    # Built once a day: the last day an entry may carry moves on with the server's clock.
    day = days.latest_allowed_day()
    cached = current_app.extensions.get("diary.openapi")
    if cached is None or cached[0] != day:
        cached = current_app.extensions["diary.openapi"] = (day, build_document(current_app))
    return jsonify(cached[1])
