"""Questionnaires over JSON: the definitions, the patient's responses as a list, and a
sharing physician's read of them. One response's routes (create, read, replace, delete)
are registered with the other synced kinds in resources.py.
"""

from flask import jsonify, request
from flask_login import current_user

from diary.access import allow
from diary.api import bp
from diary.api.openapi import spec
from diary.api.resources import DAY_PARAMETER, TO_PARAMETER, day_bounds
from diary.db import get_db
from diary.errors import ApiError
from diary.i18n.text import gettext as _
from diary.questionnaires import engine
from diary.questionnaires.schemas import QuestionnaireList, ResponseList
from diary.sync import queries

ERROR = {"$ref": "#/components/schemas/Error"}
RESPONSE_QUERY = {
    "questionnaire": {
        "type": "string",
        "enum": list(engine.catalogue()),
        "description": "only this questionnaire's responses",
    },
    "from": DAY_PARAMETER,
    "to": TO_PARAMETER,
}


@bp.get("/questionnaires")
@allow("signed_in")
@spec(
    "The questionnaire definitions: FHIR Questionnaires with their scoring, range, the "
    "important change, when each is asked, source and licence",
    responses={200: QuestionnaireList},
)
def list_questionnaires():
    definitions = engine.catalogue().values()
    return jsonify({"questionnaires": [d.resource for d in definitions]})


def response_query(args) -> dict:
    """The list's filters, checked; 422 naming each bad one."""
    fields, query = {}, {}
    questionnaire = args.get("questionnaire")
    if questionnaire is not None:
        if questionnaire not in engine.catalogue():
            fields["questionnaire"] = _(
                "must be one of %(allowed)s", allowed=", ".join(engine.catalogue())
            )
        query["questionnaire"] = questionnaire
    day_bounds(args, fields, query)
    if fields:
        raise ApiError(422, "invalid", _("Some query parameters are not valid."), fields)
    return query


@bp.get("/responses")
@allow("patient")
@spec(
    "The patient's questionnaire responses, oldest first, each with its score",
    query=RESPONSE_QUERY,
    responses={200: ResponseList, 422: ERROR},
)
def list_responses():
    query = response_query(request.args)
    return jsonify({"responses": queries.list_responses(get_db(), current_user.id, **query)})


@bp.get("/patients/<int:patient_id>/responses")
@allow("physician_of_patient", shows="responses")
@spec(
    "A sharing patient's questionnaire responses, oldest first, each with its score",
    query=RESPONSE_QUERY,
    responses={200: ResponseList, 422: ERROR},
)
def patient_responses(patient_id):
    query = response_query(request.args)
    return jsonify({"responses": queries.list_responses(get_db(), patient_id, **query)})
