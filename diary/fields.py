"""Field types for the declared requests: each one validates and documents itself alike.

Every rule a field checks is written into its JSON schema too (a pattern, a range, an
enum), so a client keeping to /api/v1/openapi.json is never refused for a field, and
anything the document rules out is refused. Regular expressions are checked with Python's
``re`` here, the engine the document's readers in Python use, never pydantic's own engine,
whose idea of white space differs.
"""

import datetime
import re
import zoneinfo
from functools import cache, lru_cache
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from diary import days
from diary.i18n.text import gettext as _
from diary.inputs import MAX_INTEGER

UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
#: White space and control characters, spelled out: ``\s`` means different things to
#: Python, to JavaScript and to other regular-expression engines, and so would the document.
#: With them, the characters that show nothing (zero-width spaces and joiners, the word
#: joiner, the Hangul fillers): a name made of them alone would look empty on every page.
BLANKS = (
    r"\x00-\x20\x7f\x85\xa0\u115f\u1160\u1680\u180e\u2000-\u200d\u2028\u2029\u202f"
    r"\u205f\u2060\u3000\u3164\ufeff\uffa0"
)
#: The C0 and C1 control characters and DEL: escape sequences ("\x1b[31m"), bells, form
#: feeds. None belongs inside a line of text, and a CSV opened in a spreadsheet or a log read
#: in a terminal would act on them.
CONTROLS = r"\x00-\x1f\x7f-\x9f"
#: The same, less the line breaks and the tab a note may hold.
NOTE_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
#: Line and page breaks of other programs (Word's Shift+Enter is \x0b), pasted into a note:
#: it keeps each as a line break, where the patient sees one.
NOTE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85"
#: What a note refuses: NOTE_CONTROLS less NOTE_BREAKS.
NOTE_REFUSED = r"\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f"
#: The control characters that are not white space: refused anywhere, even at the ends (the
#: escape of "\x1b[31mPat" must not be trimmed into a name "[31mPat").
HARD_CONTROLS = r"\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f"
#: The blanks trimmed from the ends of text: BLANKS less HARD_CONTROLS.
END_BLANKS = BLANKS.replace(r"\x00-\x20\x7f", r"\x09-\x0d\x1c-\x20", 1)
EMAIL_PATTERN = rf"^[^@{BLANKS}\x80-\x9f]+@[^@{BLANKS}\x80-\x9f]+\.[^@{BLANKS}\x80-\x9f]+$"
#: Somewhere a character that is not blank (searched, as JSON Schema patterns are).
SOME_TEXT = f"[^{BLANKS}]"
BLANK_CHARACTERS = "".join(
    map(
        chr,
        [
            *range(0x21),
            *(0x7F, 0x85, 0xA0, 0x115F, 0x1160, 0x1680, 0x180E),
            *range(0x2000, 0x200E),
            *(0x2028, 0x2029, 0x202F, 0x205F, 0x2060, 0x3000, 0x3164, 0xFEFF, 0xFFA0),
        ],
    )
)


def _uuid_text(value: str) -> str:
    if not re.fullmatch(UUID_PATTERN, value):
        raise ValueError(_("must be a UUID like 3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f"))
    return value.lower()


#: A client-made id: a UUID in its usual text form, kept in lower case.
ClientId = Annotated[
    str,
    Field(json_schema_extra={"format": "uuid", "pattern": UUID_PATTERN}),
    AfterValidator(_uuid_text),
]


def _email(value: str) -> str:
    if not re.fullmatch(EMAIL_PATTERN, value):
        raise ValueError(_("must be an email address like name@example.org"))
    return value


Email = Annotated[
    str,
    StringConstraints(max_length=254),
    Field(json_schema_extra={"pattern": EMAIL_PATTERN}),
    AfterValidator(_email),
]


def trim(value: str) -> str:
    """``value`` without blanks at either end (the same blanks the patterns mean)."""
    return value.strip(BLANK_CHARACTERS)


def _trimmed_pattern(controls: str, *, required: bool) -> str:
    # White space (a pasted line break among it) may surround the text, as it is trimmed;
    # what is kept starts and ends with a character that is not blank and holds none of
    # ``controls``. Optional text may be blank throughout.
    edge = f"[^{BLANKS}{controls}]"
    kept = f"{edge}(?:[^{controls}]*{edge})?"
    return f"^[{END_BLANKS}]*{kept if required else f'(?:{kept})?'}[{END_BLANKS}]*$"


#: Single-line text with something in it (a name), and single-line text that may be empty.
WORDS_PATTERN = _trimmed_pattern(CONTROLS, required=True)
TRIMMED_PATTERN = _trimmed_pattern(CONTROLS, required=False)
#: Text of several lines (a note): line breaks and tabs inside, no other control character.
NOTE_PATTERN = _trimmed_pattern(NOTE_REFUSED, required=False)
#: A name in a copy of a diary made before names refused control characters, which the
#: import cleans (diary/exports/cleaning.py): somewhere a character that is not blank, or a
#: control character that is not white space (searched). Blank text without one is empty.
CLEANED_WORDS_PATTERN = f"[^{BLANKS}]|[{HARD_CONTROLS}]"


def _holds_refused(controls: str):
    # A control character that is not white space anywhere, or one of ``controls`` inside
    # the text once its ends are trimmed: what the fields refuse.
    hard, inside = re.compile(f"[{HARD_CONTROLS}]"), re.compile(f"[{controls}]")

    def holds(value: str) -> bool:
        return bool(hard.search(value) or inside.search(trim(value)))

    return holds


#: Whether one line of text (``Words``, ``Trimmed``) holds a control character its field
#: refuses (white space at the ends is trimmed, not refused).
refused_in_line = _holds_refused(CONTROLS)
_refused_in_note = _holds_refused(NOTE_CONTROLS)
_AS_LINE_BREAKS = str.maketrans(dict.fromkeys(NOTE_BREAKS, "\n"))
_ANY_CONTROL = re.compile(f"[{CONTROLS}]")


_NOTE_REFUSED_ANYWHERE = re.compile(f"[{NOTE_REFUSED}]")


def refused_in_note(value: str) -> bool:
    """Whether a note (``Note``) holds a control character its field refuses: other
    programs' line breaks (NOTE_BREAKS) are not refused, they become line breaks."""
    # Most notes hold none of the characters a note may refuse, and one search says so
    # without the translation and the two searches of the whole rule (an import of years of
    # long notes asks this of each).
    return bool(_NOTE_REFUSED_ANYWHERE.search(value)) and _refused_in_note(
        value.translate(_AS_LINE_BREAKS)
    )


def has_controls(value: str) -> bool:
    """Whether ``value`` holds any control character, line breaks and tabs included."""
    return bool(_ANY_CONTROL.search(value))


def _no_controls(holds, words):
    def check(value: str) -> str:
        if holds(value):
            raise ValueError(words())
        return trim(value)

    return check


_single_line = _no_controls(
    refused_in_line,
    lambda: _("must be one line without control characters (such as escape codes)"),
)
_note_checked = _no_controls(
    _refused_in_note, lambda: _("must not hold control characters other than line breaks and tabs")
)


def _note_text(value: str) -> str:
    return _note_checked(value.translate(_AS_LINE_BREAKS))


def _some_text(value: str) -> str:
    value = _single_line(value)
    if not re.search(SOME_TEXT, value):
        raise ValueError(_("must not be empty"))
    return value


def _text(max_length: int, pattern: str, check):
    # The pattern states in the document what ``check`` does here.
    return Annotated[
        str,
        StringConstraints(max_length=max_length),
        Field(json_schema_extra={"pattern": pattern}),
        AfterValidator(check),
    ]


# ---- text saved before the rules above: made what they accept ---------------------------
# Older versions stored control characters the fields now refuse; a record holding one could
# not be saved again (migration m015). These clean such text by the same definitions.

_CONTROL_RUNS = re.compile(f"[{CONTROLS}]+")
_REFUSED_IN_NOTES = re.compile(f"[{NOTE_REFUSED}]+")
#: Terminal escape sequences (ECMA-48), taken out whole: removing the escape alone left
#: their visible tail ("\x1b[31mPat" became "[31mPat"). A CSI is ESC [, parameter bytes,
#: intermediate bytes and a final byte; an OSC is ESC ], a string of printable characters,
#: and BEL or ST (ESC \ or \x9c). An OSC never ended is not one: the rest of the text is the
#: patient's, and only its escape goes. The 8-bit introducers (\x9b, \x9d) are not read as
#: sequences: in saved text they are mostly a character decoded with the wrong code page
#: (Windows-1252's "›"), and the letters after one are the patient's; they go alone.
_ESCAPE_SEQUENCES = re.compile(
    r"\x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]"
    r"|\x1b\][^\x00-\x1f\x7f-\x9f]*(?:\x07|\x1b\\|\x9c)"
)


def clean_line(value: str) -> str:
    """``value`` as ``Trimmed`` accepts it: terminal escape sequences are removed whole, each
    run of other control characters becomes one space (a line break or tab between two words
    keeps them apart), then the ends are trimmed. Text the field already accepts comes back
    as the field stores it. May be empty."""
    return trim(_CONTROL_RUNS.sub(" ", _ESCAPE_SEQUENCES.sub("", value)))


def clean_words(value: str, empty: str) -> str:
    """``value`` as ``Words`` accepts it (``clean_line``), or ``empty`` when nothing that
    shows is left: a required field must hold something."""
    value = clean_line(value)
    return value if re.search(SOME_TEXT, value) else empty


def clean_note(value: str) -> str:
    """``value`` as ``Note`` accepts it: terminal escape sequences are removed whole; other
    programs' line breaks (NOTE_BREAKS) become line breaks, as the field makes them; every
    other control character it refuses is dropped; the ends are trimmed. Line breaks and
    tabs are kept."""
    unescaped = _ESCAPE_SEQUENCES.sub("", value)
    return trim(_REFUSED_IN_NOTES.sub("", unescaped.translate(_AS_LINE_BREAKS)))


@cache
def longest_text(model, name: str) -> int:
    """The most characters the text field ``name`` of the pydantic ``model`` takes (as
    ``Words``, ``Trimmed`` and ``Note`` declare it)."""
    for rule in model.model_fields[name].metadata:
        if getattr(rule, "max_length", None) is not None:
            return rule.max_length
    raise LookupError(f"{model.__name__}.{name} declares no length")


def Words(max_length: int):  # noqa: N802 - used like a type
    """One line of at most ``max_length`` characters with something in it, stored without
    outer white space; a control character in it is refused."""
    return _text(max_length, WORDS_PATTERN, _some_text)


def Trimmed(max_length: int):  # noqa: N802 - used like a type
    """Optional single-line text of at most ``max_length`` characters, stored without outer
    white space; a control character inside it is refused."""
    return _text(max_length, TRIMMED_PATTERN, _single_line)


def Note(max_length: int):  # noqa: N802 - used like a type
    """Optional text of several lines, at most ``max_length`` characters, stored without
    outer white space: line breaks and tabs inside are kept, other control characters
    refused."""
    return _text(max_length, NOTE_PATTERN, _note_text)


#: Names the system's zone database carries that name no place: "localtime" is whatever
#: zone the server is set to (a patient's days would move with the server), "Factory" and
#: "posixrules" are placeholders.
NOT_PLACES = frozenset({"localtime", "Factory", "posixrules"})


@cache
def time_zones() -> tuple[str, ...]:
    """The time zone names this server knows (the IANA database the system carries)."""
    return tuple(sorted(zoneinfo.available_timezones() - NOT_PLACES))


def _time_zone(value: str) -> str:
    if value not in time_zones():
        raise ValueError(_("must be a time zone name like Europe/Paris"))
    return value


TimeZone = Annotated[
    str,
    Field(json_schema_extra=lambda schema: schema.update(enum=list(time_zones()))),
    AfterValidator(_time_zone),
]


def _entry_day(value: str) -> str:
    return days.parse_day(value, last=days.latest_allowed_day()).isoformat()


def _entry_day_schema(schema):
    # Built when the document is: the last allowed day moves on with the server's clock.
    schema.update(format="date", pattern=days.pattern(days.EARLIEST_DAY, days.latest_allowed_day()))


def _any_day(value: str) -> str:
    return days.parse_day(value).isoformat()


#: The day of an entry or a therapy's start: from 2000-01-01 to today in UTC+14.
EntryDay = Annotated[str, Field(json_schema_extra=_entry_day_schema), AfterValidator(_entry_day)]
#: Any real day from 2000-01-01 to 2099-12-31 (a course's end, a list's bounds).
AnyDay = Annotated[
    str,
    Field(json_schema_extra={"format": "date", "pattern": days.pattern()}),
    AfterValidator(_any_day),
]


#: A moment as the server writes it (UTC, milliseconds, "Z"), or any RFC 3339 date-time of a
#: day from 2000 to 2099 (seconds 00-59, at most six decimals, "Z" or an offset).
_TIME = "T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:[.][0-9]{1,6})?"
_OFFSET = "(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
#: UTC or ahead of it: the moment's date in UTC is no later than the date written.
_OFFSET_NOT_BEHIND_UTC = "(?:Z|[+](?:[01][0-9]|2[0-3]):[0-5][0-9]|-00:00)"
TIMESTAMP_PATTERN = "^" + days.pattern()[1:-1] + _TIME + _OFFSET + "$"


def _timestamp(value: str) -> str:
    if not re.fullmatch(TIMESTAMP_PATTERN, value):
        raise ValueError(_("must be a date and time like 2026-03-31T08:15:00.000Z"))
    moment = datetime.datetime.fromisoformat(value).astimezone(datetime.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


#: A moment, stored as the server writes its own: UTC with milliseconds and "Z".
Timestamp = Annotated[
    str,
    Field(json_schema_extra={"format": "date-time", "pattern": TIMESTAMP_PATTERN}),
    AfterValidator(_timestamp),
]


def _past_timestamp_pattern() -> str:
    return _past_timestamps(days.latest_allowed_day()).pattern


@lru_cache(maxsize=2)
def _past_timestamps(latest: datetime.date) -> re.Pattern:
    # A moment whose date in UTC, as it is stored, is no later than the last day an entry
    # may carry (``latest``, today in UTC+14), said of the text so that the document states
    # it exactly: a date before it with any offset (behind UTC by less than a day, it is
    # ``latest`` at most in UTC), or its date at UTC or ahead of it. Judged by the written date
    # alone, "tomorrow 20:00 at -10:00" was kept as the day after tomorrow: a complete copy
    # holding it was refused by the import a day later. Built once a day (each dose of a
    # sync batch or an imported copy is checked against it): building it took 0.2 ms.
    up_to_today = days.pattern(days.EARLIEST_DAY, latest - datetime.timedelta(days=1))[1:-1]
    return re.compile(
        f"^(?:{up_to_today}{_TIME}{_OFFSET}|{latest.isoformat()}{_TIME}{_OFFSET_NOT_BEHIND_UTC})$"
    )


#: How far ahead of the server's clock a moment that has happened may be: a phone's clock
#: a little fast must not have its "Took one" refused; an hour is far more than that, and
#: far less than the day the pattern alone let through (a dose "taken" tonight at noon).
CLOCK_ALLOWANCE = datetime.timedelta(hours=1)


def _past_timestamp(value: str) -> str:
    future = _("is in the future; you can record now or an earlier time")
    if not _past_timestamps(days.latest_allowed_day()).fullmatch(value):
        if re.fullmatch(TIMESTAMP_PATTERN, value):
            raise ValueError(future)
        raise ValueError(_("must be a date and time like 2026-03-31T08:15:00.000Z"))
    stored = _timestamp(value)
    moment = datetime.datetime.fromisoformat(stored)
    if moment > datetime.datetime.now(datetime.UTC) + CLOCK_ALLOWANCE:
        raise ValueError(future)
    return stored


#: A moment that has happened (a dose taken): a Timestamp no later than an hour ahead of the
#: server's clock (CLOCK_ALLOWANCE; the document's pattern says the day: no later, in UTC,
#: than the last day an entry may carry), stored in UTC like Timestamp.
PastTimestamp = Annotated[
    str,
    Field(
        json_schema_extra=lambda schema: schema.update(
            format="date-time", pattern=_past_timestamp_pattern()
        )
    ),
    AfterValidator(_past_timestamp),
]

#: A time of day on the patient's clock, "HH:MM" from 00:00 to 23:59.
LOCAL_TIME_PATTERN = "^(?:[01][0-9]|2[0-3]):[0-5][0-9]$"


def _local_time(value: str) -> str:
    if not re.fullmatch(LOCAL_TIME_PATTERN, value):
        raise ValueError(_("must be a time like 20:30 (hours 00-23, minutes 00-59)"))
    return value


LocalTime = Annotated[
    str, Field(json_schema_extra={"pattern": LOCAL_TIME_PATTERN}), AfterValidator(_local_time)
]


def whole_value(value):
    """A float that is a whole number (6.0) as the int it is; anything else as it is."""
    # JSON Schema counts 6.0 as an integer, so a client keeping to the document may send
    # it; 6.5 stays a float and is refused as one. True and false are not numbers.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def Whole(low: int, high: int):  # noqa: N802 - used like a type
    """A whole number from ``low`` to ``high`` (6.0 counts, as in JSON Schema)."""
    return Annotated[int, Field(ge=low, le=high), BeforeValidator(whole_value)]


#: The version an edit was made from.
Version = Whole(1, MAX_INTEGER)
