"""A questionnaire the product does not ship, as a FHIR R4 Questionnaire file with the
``diary`` block: a new instrument must load, score and be judged with no code
(tests/test_questionnaires_engine.py, tests/test_questionnaires_pages.py)."""

from diary.questionnaires import engine

WALKING = {
    "resourceType": "Questionnaire",
    "id": "walking",
    "url": "urn:example:questionnaire:walking",
    "version": "3",
    "name": "WalkingLimits",
    "title": "Walking limits (a test instrument)",
    "status": "active",
    "item": [
        {"linkId": "intro", "type": "display", "text": "About your walking this week."},
        {
            "linkId": "distance",
            "type": "choice",
            "required": True,
            "text": "How far can you walk?",
            "answerOption": [
                {"valueCoding": {"code": "0", "display": "As far as I like"}},
                {"valueCoding": {"code": "2", "display": "A street"}},
                {"valueCoding": {"code": "4", "display": "Not at all"}},
            ],
        },
        {"linkId": "stick", "type": "boolean", "text": "I use a stick."},
        {
            "linkId": "stops",
            "type": "integer",
            "text": "Stops on the way to the shops",
            "extension": [
                {"url": engine.MIN_VALUE, "valueInteger": 0},
                {"url": engine.MAX_VALUE, "valueInteger": 5},
            ],
        },
    ],
    "diary": {
        "short": "WALK",
        "measures": "walking limits",
        "scoring": {"rule": "sum", "min": 0, "max": 10, "better": "lower"},
        "important_change": {"points": 3},
        "asked": "weekly",
        "source": "A test.",
        "licence": "None needed.",
        "order": 4,
    },
}
