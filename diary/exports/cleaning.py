"""What a copy exported before an upgrade may hold that this version refuses, cleaned as
the upgrade cleaned the diaries kept on the server, so that the copy imports.

Two cases, and only these (docs/exports.md "Importing a copy"):

- text holding control characters (escape codes, bells, Word's Shift+Enter in a name),
  refused since migration m015: cleaned by ``upgrades.control_characters.clean_record``;
- an RMDQ or an ODI naming a therapy, refused since migration m016: the link is cleared by
  ``upgrades.unanchored_answers.cleared``.

The copy is cleaned as it was read from JSON, before it is validated: anything else a
record gets wrong is still refused whole, naming the record and field. The patient is told
what was cleaned, in words.
"""

from dataclasses import dataclass

from diary import fields
from diary.i18n.text import format_decimal, ngettext
from diary.questionnaires import engine
from diary.upgrades import control_characters, unanchored_answers


@dataclass(frozen=True)
class Cleaned:
    """A record of the copy that was cleaned: its place in the file and the fields cleaned."""

    list_name: str
    index: int
    kind: str
    fields: tuple[str, ...]


def clean(data: dict, kinds) -> tuple[dict, list[Cleaned]]:
    """``data`` (a copy as parsed from JSON, not yet validated; ``kinds`` its lists as
    ``(list name, kind)`` pairs) with the two cases above cleaned, and the records
    cleaned. The copy's user name is cleaned like a record's text (it is only shown). What
    is not the shape of a copy is left as it is for validation to refuse."""
    data, cleaned = dict(data), []
    user = data.get("user")
    if isinstance(user, dict) and isinstance(user.get("name"), str):
        data["user"] = {
            **user,
            "name": control_characters.clean_name(user["name"], only_refused=True),
        }
    for list_name, kind in kinds:
        records = data.get(list_name)
        if not isinstance(records, list):
            continue
        kept = []
        for index, record in enumerate(records):
            if isinstance(record, dict):
                record, names = _cleaned(kind, record)
                if names:
                    cleaned.append(Cleaned(list_name, index, kind, tuple(names)))
            kept.append(record)
        data[list_name] = kept
    return data, cleaned


def _cleaned(kind: str, record: dict) -> tuple[dict, list[str]]:
    record, names = control_characters.clean_record(kind, record, only_refused=True)
    if kind == "response":
        unlinked = unanchored_answers.cleared(record)
        if unlinked is not None:
            record, names = unlinked, [*names, "therapy_id"]
    return record, names


def document(schema: dict) -> None:
    """Say in the JSON schema of a copy's record (in place) what the import takes because
    it cleans it, so that the document states exactly what is refused: one-line text and
    notes take any characters (within their length), a name anything but blanks alone (or
    with a control character that is not white space), and an RMDQ or an ODI a therapy_id
    as any response does. Used as the copy models' ``json_schema_extra``."""
    for field in schema.get("properties", {}).values():
        pattern = field.get("pattern")
        if pattern in (fields.TRIMMED_PATTERN, fields.NOTE_PATTERN):
            del field["pattern"]
        elif pattern == fields.WORDS_PATTERN:
            field["pattern"] = fields.CLEANED_WORDS_PATTERN
    # A response's questionnaires, one branch each: a questionnaire about no therapy says
    # its therapy_id is null.
    for branch in schema.get("anyOf", []):
        if branch.get("properties", {}).get("therapy_id") == {"type": "null"}:
            del branch["properties"]["therapy_id"]


def summary(copy, cleaned: list[Cleaned]) -> dict:
    """What was cleaned, as the import's answer gives it (copy_schemas.ImportCleaned):
    ``copy`` is the validated copy, which names each record by its id."""
    records = [getattr(copy, c.list_name)[c.index] for c in cleaned]
    return {
        "records": [
            {"kind": c.kind, "id": record.id, "fields": list(c.fields)}
            for c, record in zip(cleaned, records, strict=True)
        ],
        "sentences": _sentences(cleaned, records),
    }


#: How a number of records of each kind whose text was cleaned is said.
_TEXT_CLEANED = {
    "entry": lambda n: ngettext(
        "%(num)s note had unreadable characters removed.",
        "%(num)s notes had unreadable characters removed.",
        n,
        num=format_decimal(n),
    ),
    "therapy": lambda n: ngettext(
        "%(num)s therapy had unreadable characters removed from its name or notes.",
        "%(num)s therapies had unreadable characters removed from their names or notes.",
        n,
        num=format_decimal(n),
    ),
    "medication": lambda n: ngettext(
        "%(num)s medicine had unreadable characters removed from its name, strength, unit or "
        "doses.",
        "%(num)s medicines had unreadable characters removed from their names, strengths, "
        "units or doses.",
        n,
        num=format_decimal(n),
    ),
}


def _sentences(cleaned: list[Cleaned], records: list) -> list[str]:
    texts = dict.fromkeys(_TEXT_CLEANED, 0)
    unlinked = {}
    for one, record in zip(cleaned, records, strict=True):
        if set(one.fields) - {"therapy_id"}:
            texts[one.kind] += 1
        if "therapy_id" in one.fields:
            unlinked[record.questionnaire] = unlinked.get(record.questionnaire, 0) + 1
    said = [_TEXT_CLEANED[kind](count) for kind, count in texts.items() if count]
    for questionnaire, count in sorted(unlinked.items()):
        said.append(
            # Translators: short is a questionnaire's abbreviation (RMDQ, ODI).
            ngettext(
                "%(num)s %(short)s answer no longer names a therapy.",
                "%(num)s %(short)s answers no longer name a therapy.",
                count,
                num=format_decimal(count),
                short=engine.get(questionnaire).short,
            )
        )
    return said
