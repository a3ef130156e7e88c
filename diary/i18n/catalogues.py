"""The translation catalogues: compiled from their .po files, and the JavaScript's share.

The .po files under ``diary/translations/`` are the only source; the compiled .mo files are
build products (git-ignored), made when the app starts if missing or older than their .po,
so a fresh clone, ``flask run``, gunicorn and the tests all read current catalogues without
an install step anyone could forget. ``make i18n-compile`` does the same by hand.
"""

import os
import tempfile
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = "messages"
#: Where the JavaScript's strings come from (a message used there is sent to the page).
JS_SOURCES = "static/"


def po_path(locale: str, root: Path = TRANSLATIONS) -> Path:
    return root / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def compile_stale(root: Path = TRANSLATIONS) -> list[Path]:
    """Compile every .po under ``root`` whose .mo is missing or older; return those made.

    The .mo is written beside its .po through a temporary file and a rename, so a worker
    starting at the same moment never reads half a catalogue.
    """
    made = []
    for po in sorted(root.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        catalogue = read_catalogue(po)
        handle, temporary = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                write_mo(out, catalogue)
            os.replace(temporary, mo)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        made.append(mo)
    return made


@cache
def js_messages(locale: str, root: Path = TRANSLATIONS) -> dict:
    """The translations of the messages the JavaScript uses, for ``locale``.

    ``{msgid: text}``, or ``{msgid: [singular, plural]}`` for a message with plural forms;
    untranslated messages are left out (the script falls back to the English it holds).
    Empty for English and for any language without a catalogue.
    """
    path = po_path(locale, root)
    if not path.exists():
        return {}
    messages = {}
    for message in read_catalogue(path):
        if not message.id or message.fuzzy or not message.string:
            continue
        if not any(file.startswith(JS_SOURCES) for file, _line in message.locations):
            continue
        if isinstance(message.id, tuple):
            messages[message.id[0]] = list(message.string)
        else:
            messages[message.id] = message.string
    return messages
