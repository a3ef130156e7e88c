"""Text saved before the text fields refused control characters (diary/fields.py), made
what they accept now (migration m015), and the same text in a copy of a diary exported
before then (diary/exports/cleaning.py), cleaned the same way when it is imported.

A note, a therapy's label or a medicine's name holding an escape code, a bell or Word's
Shift+Enter from before that change looked fine to the patient, yet every later save of the
record, from a form, the API or a phone's sync, was refused for characters they cannot
see. Notes keep other programs' line breaks as line breaks and lose the other control
characters; one-line text gets a space for each run of them (so words stay apart), then is
trimmed, exactly as ``fields.clean_*`` say. Deleted records hold no text (tombstones.TOMBSTONE).
"""

from diary import fields
from diary.i18n.text import gettext as _
from diary.i18n.text import in_language
from diary.medications.schemas import DoseChange
from diary.schemas import UserCreate
from diary.sync import store
from diary.sync.rows import KINDS, row_data

# A required field left with nothing that shows was made only of control or invisible
# characters: nothing the patient could read is lost. It gets words in the owner's language
# that say so, rather than an empty value the forms refuse or a guess: the patient sees the
# record and can write the name again.


def _unreadable_name():
    # Translators: stands for a person's name that was saved with characters no screen can show.
    return _("Name unreadable")


def _unreadable_medicine():
    # Translators: stands for a medicine's name that was saved with characters no screen can show.
    return _("Medicine (name unreadable)")


def _unreadable_dose():
    # Translators: stands for a dose saved with characters no screen can show ("changed to …").
    return _("unreadable")


#: Each synced kind's text fields (as its model declares them: Words, Trimmed, Note): how a
#: field tells the text it refuses for control characters, and how such text is cleaned.
#: Doses and questionnaire responses hold no text; a medicine's doses are in its changes.
_LINE = (fields.refused_in_line, fields.clean_line)
_NOTE = (fields.refused_in_note, fields.clean_note)
TEXT = {
    "entry": {"note": _NOTE},
    "therapy": {"label": _LINE, "notes": _NOTE},
    "medication": {
        "name": (
            fields.refused_in_line,
            lambda name: fields.clean_words(name, _unreadable_medicine()),
        ),
        "strength": _LINE,
        "unit": _LINE,
    },
}


def clean_record(kind: str, data: dict, *, only_refused: bool = False) -> tuple[dict, list[str]]:
    """``data``, the content of a record of ``kind`` (as stored, or as a copy's file holds
    it), with its texts holding control characters cleaned, and the names of the fields
    cleaned because their field refused them for those.

    Every such text is cleaned, by default (the upgrade): one the field accepts comes out as
    the field would store it (Word's Shift+Enter in a note as a line break). With
    ``only_refused`` (an import), only the texts the field refuses for control characters
    and for nothing else are: the field itself normalises the others, and refuses what it
    refuses for another reason (a name of nothing but a line break is empty, not
    unreadable; a text longer than the field takes is too long). Values that are not text
    are left as they are, for validation to judge. The words for a name with nothing
    readable left are in the language in force (``in_language``)."""
    cleaned, refused = dict(data), []
    model = KINDS[kind]["model"]
    for name, (refuses, tidy) in TEXT.get(kind, {}).items():
        value = data.get(name)
        clean_it, for_controls = _judged(value, refuses, only_refused, model, name)
        if clean_it:
            cleaned[name] = tidy(value)
            if for_controls:
                refused.append(name)
    if kind == "medication" and isinstance(data.get("changes"), list):
        cleaned["changes"], doses_refused = _cleaned_changes(data["changes"], only_refused)
        if doses_refused:
            refused.append("changes")
    return cleaned, refused


def _judged(value, refuses, only_refused: bool, model, name: str) -> tuple[bool, bool]:
    """Whether to clean ``value``, the text of ``model``'s field ``name``, and whether the
    field refuses it for control characters (``clean_record`` says which are cleaned)."""
    if not (isinstance(value, str) and fields.has_controls(value)):
        return False, False
    for_controls = refuses(value)
    if not only_refused:
        return True, for_controls
    fits = len(value) <= fields.longest_text(model, name)
    return for_controls and fits, for_controls


def _cleaned_changes(changes: list, only_refused: bool) -> tuple[list, bool]:
    """A medicine's dose changes with their doses (``Words``) cleaned as ``clean_record``
    says, and whether one was cleaned because it was refused. What is not a change with a
    dose in words is left for validation to name."""
    cleaned, refused = [], False
    for change in changes:
        dose = change.get("dose") if isinstance(change, dict) else None
        clean_it, for_controls = _judged(
            dose, fields.refused_in_line, only_refused, DoseChange, "dose"
        )
        if clean_it:
            change = {**change, "dose": fields.clean_words(dose, _unreadable_dose())}
            refused = refused or for_controls
        cleaned.append(change)
    return cleaned, refused


def clean_name(name: str, *, only_refused: bool = False) -> str:
    """A person's display name (``Words``) cleaned of the control characters it holds, or
    "Name unreadable" (in the language in force) when nothing readable is left; a name
    without any is returned as it is. ``only_refused``: as ``clean_record`` says."""
    clean_it, _for_controls = _judged(
        name, fields.refused_in_line, only_refused, UserCreate, "name"
    )
    return fields.clean_words(name, _unreadable_name()) if clean_it else name


def clean(db):
    """Clean every stored text holding control characters (``clean_record``), inside the
    caller's transaction: live synced records as a new version each
    (``store.server_change``); users' names and the physicians' names the access log keeps,
    in place (they are not synced). Text without them is left as it is, and so is its
    record's version."""
    locales = dict(db.execute("SELECT id, locale FROM users"))
    for kind in TEXT:
        dirty = []
        for row in _live_rows(db, kind):
            data = row_data(kind, row)
            with in_language(locales.get(row["patient_id"])):
                cleaned, _refused = clean_record(kind, data)
            if cleaned != data:
                dirty.append((row, cleaned))
        # Written once the table has been read: a statement reading a table it is changing
        # may meet the rows it changed again.
        for row, cleaned in dirty:
            store.server_change(db, kind, row, cleaned)
    for user_id, name in _changed(db, "SELECT id, name, id FROM users", locales):
        db.execute("UPDATE users SET name = ? WHERE id = ?", [name, user_id])
    # The access log shows the patient each physician's name as it was then: cleaned like
    # the name itself. A view link's holder has no name ("") and keeps none.
    logged = "SELECT id, physician_name, patient_id FROM access_log WHERE viewer = 'physician'"
    for event_id, name in _changed(db, logged, locales):
        db.execute("UPDATE access_log SET physician_name = ? WHERE id = ?", [name, event_id])


def _live_rows(db, kind):
    """The kind's live rows, one at a time (a diary of years need not fit in memory)."""
    table = KINDS[kind]["table"]
    cursor = db.conn.execute(f"SELECT * FROM {table} WHERE deleted = 0")  # noqa: S608  # nosec B608
    keys = [d[0] for d in cursor.description]
    for values in cursor:
        yield dict(zip(keys, values, strict=True))


def _changed(db, sql, locales) -> list[tuple]:
    """``(id, cleaned name)`` of the rows ``sql`` reads as ``(id, name, owner)`` whose name
    cleaning changes; the words for a name with nothing left are in the owner's language."""
    changed = []
    for row_id, name, owner in db.execute(sql):
        with in_language(locales.get(owner)):
            cleaned = clean_name(name)
        if cleaned != name:
            changed.append((row_id, cleaned))
    return changed
