"""Text saved before the text fields refused control characters (diary/fields.py), made
what they accept now (migration m015).

A note, a therapy's label or a medicine's name holding an escape code, a bell or Word's
Shift+Enter from before that change looked fine to the patient, yet every later save of the
record, from a form, the API or a phone's sync, was refused for characters they cannot
see. Notes keep other programs' line breaks as line breaks and lose the other control
characters; one-line text gets a space for each run of them (so words stay apart), then is
trimmed, exactly as ``fields.clean_*`` say. Deleted records hold no text (store.TOMBSTONE).
"""

from diary import fields
from diary.i18n.text import gettext as _
from diary.i18n.text import in_language
from diary.sync import store

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


def _changes(changes: list) -> list:
    return [{**c, "dose": fields.clean_words(c["dose"], _unreadable_dose())} for c in changes]


#: Each synced kind's text fields (as its model declares them: Words, Trimmed, Note) and how
#: each is cleaned. Doses and questionnaire responses hold no text.
CLEANERS = {
    "entry": {"note": fields.clean_note},
    "therapy": {"label": fields.clean_line, "notes": fields.clean_note},
    "medication": {
        "name": lambda name: fields.clean_words(name, _unreadable_medicine()),
        "strength": fields.clean_line,
        "unit": fields.clean_line,
        "changes": _changes,
    },
}


def clean(db):
    """Clean every stored text the fields would refuse, inside the caller's transaction:
    live synced records as a new version each (``store.server_change``); users' names and
    the physicians' names the access log keeps, in place (they are not synced). Text the
    fields already accept is left as it is, and so is its record's version."""
    locales = dict(db.execute("SELECT id, locale FROM users"))
    for kind, cleaners in CLEANERS.items():
        dirty = []
        for row in _live_rows(db, kind):
            data = store.row_data(kind, row)
            with in_language(locales.get(row["patient_id"])):
                cleaned = {**data, **{name: tidy(data[name]) for name, tidy in cleaners.items()}}
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
    table = store.KINDS[kind]["table"]
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
            cleaned = fields.clean_words(name, _unreadable_name())
        if cleaned != name:
            changed.append((row_id, cleaned))
    return changed
