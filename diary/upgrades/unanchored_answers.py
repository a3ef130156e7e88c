"""Questionnaire responses that name a therapy their questionnaire is not about (migration
m016), and the same responses in a copy of a diary exported before then
(diary/exports/cleaning.py), cleared the same way when it is imported.

Only a questionnaire asked after a therapy (PGIC: "anchored", engine.Definition.anchored)
is about one. Older versions also stored a therapy_id sent with an RMDQ or an ODI; nothing
used it, and the API now refuses it. It is cleared, as a new version of the response, so
that the response can be saved again as it is and every phone drops the link too.
"""

import re

from diary import fields
from diary.db import fetch_all
from diary.questionnaires import engine
from diary.sync import store
from diary.sync.rows import row_data


def cleared(data: dict) -> dict | None:
    """``data``, a response's content (as stored, or as a copy's file holds it), without the
    therapy it names when its questionnaire is about none; None when there is nothing to
    clear. A questionnaire this server does not know is left alone (what it is about cannot
    be told), and so is a therapy_id that is not an id, as older versions stored none such
    (validation names it)."""
    questionnaire, therapy_id = data.get("questionnaire"), data.get("therapy_id")
    definition = engine.catalogue().get(questionnaire) if isinstance(questionnaire, str) else None
    if definition is None or definition.anchored or not isinstance(therapy_id, str):
        return None
    if not re.fullmatch(fields.UUID_PATTERN, therapy_id):
        return None
    return {**data, "therapy_id": None}


def clear(db):
    """Clear the therapy_id of every live response whose questionnaire is about no therapy
    (``cleared``), inside the caller's transaction."""
    rows = fetch_all(db, "SELECT * FROM responses WHERE deleted = 0 AND therapy_id IS NOT NULL")
    for row in rows:
        content = cleared(row_data("response", row))
        if content is not None:
            store.server_change(db, "response", row, content)
