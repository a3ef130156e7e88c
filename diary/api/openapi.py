"""The OpenAPI 3 document, built from the routes and the pydantic declarations.

Each API view carries its documentation with ``@spec(...)``; the document is assembled
from ``app.url_map`` so a route cannot exist without being described (a test checks it).
"""

import re

from flask import current_app, jsonify
from pydantic import BaseModel

from diary.access import allow
from diary.api import bp

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


def spec(summary, *, body=None, responses=None, query=None, tags=None):
    """Attach OpenAPI facts to a view: its request model, responses and query parameters.

    ``responses`` maps a status to a pydantic model, a JSON schema dict or None (no body).
    ``query`` maps a parameter name to a JSON schema.
    """

    def decorate(view):
        view.openapi = {
            "summary": summary,
            "body": body,
            "responses": responses or {200: None},
            "query": query or {},
            "tags": tags or [],
        }
        return view

    return decorate


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


def build_document(app):
    """The OpenAPI document for every ``/api/`` rule of ``app``."""
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
            operation = {
                "operationId": f"{rule.endpoint}_{method.lower()}",
                "summary": facts["summary"],
                "parameters": [
                    {"name": arg, "in": "path", "required": True, "schema": _path_schema(rule, arg)}
                    for arg in sorted(rule.arguments)
                ]
                + [
                    {"name": name, "in": "query", "required": False, "schema": schema}
                    for name, schema in facts["query"].items()
                ],
                "responses": {},
            }
            if facts["body"] is not None and method in ("POST", "PUT", "PATCH"):
                operation["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": _schema(facts["body"], components)}},
                }
            for status, source in facts["responses"].items():
                response = {"description": str(status)}
                schema = _schema(source, components)
                if schema is not None:
                    response["content"] = {"application/json": {"schema": schema}}
                operation["responses"][str(status)] = response
            for status in _error_statuses(view, method, facts):
                operation["responses"].setdefault(
                    str(status),
                    {
                        "description": "error",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
            paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.0.3",
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


def _path_schema(rule, arg):
    converter = type(rule._converters[arg]).__name__  # noqa: SLF001 - werkzeug has no public API
    return {"type": "integer"} if converter == "IntegerConverter" else {"type": "string"}


def _error_statuses(view, method, facts):
    statuses = [400, 401, 403, 404, 405, 429]
    if facts["body"] is not None or facts["query"] or method in ("PUT", "DELETE"):
        statuses.append(422)
    return statuses


@bp.get("/openapi.json")
@allow("anyone")
@spec("This OpenAPI document", responses={200: {"type": "object"}})
def openapi_document():
    document = current_app.extensions.get("diary.openapi")
    if document is None:
        document = current_app.extensions["diary.openapi"] = build_document(current_app)
    return jsonify(document)
