"""Questionnaire responses that name a therapy their questionnaire is not about (migration
m016).

Only a questionnaire asked after a therapy (PGIC: "anchored", engine.Definition.anchored)
is about one. Older versions also stored a therapy_id sent with an RMDQ or an ODI; nothing
used it, and the API now refuses it. It is cleared, as a new version of the response, so
that the response can be saved again as it is and every phone drops the link too.
"""

from diary.db import fetch_all
from diary.questionnaires import engine
from diary.sync import store


def clear(db):
    """Clear the therapy_id of every live response of a questionnaire that is not anchored,
    inside the caller's transaction. A questionnaire this server does not know is left
    alone: what it is about cannot be told."""
    unanchored = [d.id for d in engine.catalogue().values() if not d.anchored]
    marks = ", ".join("?" for _ in unanchored)
    rows = fetch_all(
        db,
        "SELECT * FROM responses WHERE deleted = 0 AND therapy_id IS NOT NULL"  # noqa: S608  # nosec B608
        f" AND questionnaire IN ({marks})",
        unanchored,
    )
    for row in rows:
        store.server_change(
            db, "response", row, {**store.row_data("response", row), "therapy_id": None}
        )
