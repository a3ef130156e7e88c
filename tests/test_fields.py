"""Field types: what each accepts is what its JSON schema says, in any regex engine."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from diary import fields


def test_the_blank_characters_are_exactly_those_the_patterns_name():
    blank = {chr(c) for c in range(0x110000) if re.fullmatch(f"[{fields.BLANKS}]", chr(c))}
    assert blank == set(fields.BLANK_CHARACTERS)
    # Every character Python calls white space is blank here too, so trimming never leaves
    # text that Python would see as empty.
    assert {chr(c) for c in range(0x110000) if chr(c).isspace()} <= blank


class Person(BaseModel):
    name: fields.Words(100)
    email: fields.Email
    score: fields.Whole(0, 10)


@pytest.mark.parametrize("name", ["", "   ", "\x1c", "\xa0\u3000", "\ufeff"])
def test_a_name_of_blanks_is_refused(name):
    with pytest.raises(ValidationError):
        Person(name=name, email="a@example.org", score=1)
    assert not re.search(fields.SOME_TEXT, name)


@pytest.mark.parametrize("name", ["\u200b", "\u2060\u200d", "\u3164", "\u115f\u1160", "\uffa0"])
def test_a_name_of_characters_that_show_nothing_is_refused(name):
    with pytest.raises(ValidationError):
        Person(name=name, email="a@example.org", score=1)


def test_a_name_is_kept_without_outer_blanks():
    assert Person(name="\u3000 Ana \x1c", email="a@example.org", score=1).name == "Ana"


@pytest.mark.parametrize("email", ["a@example", "a b@example.org", "a@@example.org", "a\x1c@b.c"])
def test_emails_the_pattern_refuses_are_refused(email):
    assert not re.match(fields.EMAIL_PATTERN, email)
    with pytest.raises(ValidationError):
        Person(name="A", email=email, score=1)


def test_a_whole_number_may_be_written_as_a_float_with_no_fraction():
    assert Person(name="A", email="a@example.org", score=6.0).score == 6
    for score in (6.5, True, "6", 11):
        with pytest.raises(ValidationError):
            Person.model_validate(
                {"name": "A", "email": "a@example.org", "score": score}, strict=True
            )


class Ids(BaseModel):
    id: fields.ClientId
    at: fields.Timestamp
    clock: fields.LocalTime


GOOD = {
    "id": "0b6c3d1e-1f2a-4b5c-8d9e-0f1a2b3c4d5e",
    "at": "2026-01-05T08:00:00Z",
    "clock": "20:30",
}


@pytest.mark.parametrize("field", sorted(GOOD))
def test_a_trailing_line_break_is_not_part_of_any_pattern(field):
    """Python's ``$`` also matches before a final line break: an id with one was stored and
    could never be opened, edited or deleted again (its address lost the line break)."""
    assert Ids(**GOOD).id == GOOD["id"]
    with pytest.raises(ValidationError) as refused:
        Ids(**{**GOOD, field: GOOD[field] + "\n"})
    assert refused.value.errors()[0]["loc"] == (field,)
    assert "isoformat" not in str(refused.value)  # our words, not Python's


class Texts(BaseModel):
    words: fields.Words(100) = "x"
    trimmed: fields.Trimmed(100) = ""
    note: fields.Note(100) = ""


PATTERNS = {
    "words": fields.WORDS_PATTERN,
    "trimmed": fields.TRIMMED_PATTERN,
    "note": fields.NOTE_PATTERN,
}


@pytest.mark.parametrize(
    "text", ["Pa\x07t", "\x1b[31mPat", "Pat\x1b[0m", "Pa\x86t", "A\x00", "\x9b"]
)
@pytest.mark.parametrize("field", sorted(PATTERNS))
def test_control_characters_are_refused_in_every_kind_of_text(field, text):
    with pytest.raises(ValidationError) as refused:
        Texts(**{field: text})
    assert refused.value.errors()[0]["loc"] == (field,)
    assert "control characters" in refused.value.errors()[0]["msg"]
    assert not re.fullmatch(PATTERNS[field], text)


@pytest.mark.parametrize("field", ["words", "trimmed"])
def test_a_line_break_or_tab_inside_one_line_of_text_is_refused(field):
    for text in ("Ibu\nprofen", "Ibu\tprofen", "Ibu\rprofen", "Ibu\x0cprofen", "Ibu\x85profen"):
        with pytest.raises(ValidationError):
            Texts(**{field: text})
    # White space at the ends (a pasted line break) is trimmed, as before.
    assert getattr(Texts(**{field: " Ibuprofen\r\n"}), field) == "Ibuprofen"


def test_a_note_keeps_its_line_breaks_and_tabs():
    note = "Walked 2 km,\r\nthen\tsat;\nbetter"
    assert Texts(note=f"\n{note}\n").note == note
    assert re.fullmatch(fields.NOTE_PATTERN, note)


def test_a_note_pasted_from_another_program_keeps_its_line_breaks():
    """Word's Shift+Enter (\x0b), a page break and the other separators a paste may carry
    are line breaks to the patient, who cannot see what else they are: kept as such."""
    pasted = "Walked 2 km\x0bthen sat\x0cslept\x85better\x1cok"
    assert Texts(note=pasted).note == "Walked 2 km\nthen sat\nslept\nbetter\nok"
    assert re.fullmatch(fields.NOTE_PATTERN, pasted)


# Letters, blanks and controls of every sort, so that both sides of each rule are drawn.
SOME_CHARACTERS = st.sampled_from(
    ["a", "Z", " ", "\xa0", "\u200b", "\t", "\n", "\r", "\x0c", "\x1c", "\x85", "\x07", "\x1b"]
    + ["\x7f", "\x9b", "\x9c", "é"]
    # The pieces of terminal escape sequences, whole and apart (cleaning reads them).
    + ["[", "]", "m", "3", ";", "\\", "\x1b[31m", "\x1b]0;t\x07"]
)


@given(text=st.lists(SOME_CHARACTERS, max_size=8).map("".join))
def test_each_text_field_accepts_exactly_what_its_pattern_says(text):
    for field, pattern in PATTERNS.items():
        try:
            Texts(**{field: text})
            accepted = True
        except ValidationError:
            accepted = False
        assert accepted == bool(re.fullmatch(pattern, text)), (field, text)


# ---- text saved before these rules, cleaned (migration m015) ------------------------------


@given(text=st.lists(SOME_CHARACTERS, max_size=8).map("".join))
def test_cleaned_text_is_accepted_and_kept_as_it_is_by_its_field(text):
    assert Texts(trimmed=fields.clean_line(text)).trimmed == fields.clean_line(text)
    assert Texts(note=fields.clean_note(text)).note == fields.clean_note(text)
    assert Texts(words=fields.clean_words(text, "?")).words == fields.clean_words(text, "?")


@given(text=st.lists(SOME_CHARACTERS, max_size=8).map("".join))
def test_text_a_field_accepts_is_cleaned_into_what_the_field_stores(text):
    """Cleaning changes nothing the fields accept (so a clean record keeps its version)."""
    for field, clean in (
        ("trimmed", fields.clean_line),
        ("note", fields.clean_note),
        ("words", lambda value: fields.clean_words(value, "?")),
    ):
        try:
            stored = getattr(Texts(**{field: text}), field)
        except ValidationError:
            continue
        assert clean(text) == stored, (field, text)


@given(text=st.lists(SOME_CHARACTERS, max_size=8).map("".join))
def test_cleaning_twice_is_cleaning_once(text):
    for clean in (fields.clean_line, fields.clean_note):
        assert clean(clean(text)) == clean(text), (clean, text)


# Text without any control character: letters, signs that escape sequences use, spaces and,
# for notes, the line breaks and tabs a note keeps.
PLAIN = st.text(st.sampled_from(list("aZé😊[]m3;\\?") + [" ", "\xa0"]), max_size=12)


@given(text=PLAIN)
def test_ordinary_text_is_only_trimmed(text):
    assert fields.clean_line(text) == fields.trim(text)
    assert fields.clean_words(text, "?") in (fields.trim(text), "?")


@given(lines=st.lists(PLAIN, max_size=4), breaks=st.lists(st.sampled_from(["\n", "\r\n", "\t"])))
def test_a_notes_line_breaks_and_tabs_are_kept(lines, breaks):
    note = "".join(line + (breaks[i] if i < len(breaks) else "") for i, line in enumerate(lines))
    assert fields.clean_note(note) == fields.trim(note)


def test_cleaning_keeps_words_apart_and_notes_line_breaks():
    assert fields.clean_line("Pregabalin\r\n75\x1b") == "Pregabalin 75"
    assert fields.clean_words("\x1b\u200b", "Medicine") == "Medicine"
    assert fields.clean_note("Walked\x0bthen sat\x07\n\tok\x1f") == "Walked\nthen sat\n\tok"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        # CSI: ESC [, parameters, intermediates, a final byte; removed with their escape.
        ("\x1b[31mPat", "Pat"),
        ("Pat\x1b[0m", "Pat"),
        ("\x1b[1;31;48;5;196mPat\x1b[0m Lee", "Pat Lee"),
        ("Epidural\x1b[31m L5\r\n", "Epidural L5"),
        ("Pat\x1b[1mLee", "PatLee"),  # as a terminal shows it: the sequence takes no room
        ("\x1b[1m\x1b[31mPat", "Pat"),
        ("\x1b[?25lPat\x1b[2J\x1b[H", "Pat"),  # private parameters, clear screen, home
        ("\x1b[2 qPat", "Pat"),  # an intermediate byte (cursor shape)
        ("\x1b[38:2::255:0:0mPat", "Pat"),  # colon-separated parameters
        # OSC: ESC ], a string, then BEL or ST (ESC \ or 8-bit \x9c).
        ("\x1b]0;pwned\x07Pat", "Pat"),
        ("\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\", "click"),
        ("\x1b]2;title\x9cPat", "Pat"),
        ("Pat\x1b]52;c;ZXZpbA==\x07 Lee", "Pat Lee"),  # a clipboard write
        # Not whole sequences: only the escape goes, the patient's letters stay.
        ("\x1b]0;Pat Lee", "]0;Pat Lee"),  # an OSC never ended
        ("Pat\x1b[", "Pat ["),
        ("Pat\x1b(BLee", "Pat (BLee"),  # not a CSI or an OSC
        ("Pat\x1b\x1b[31mLee", "Pat Lee"),
        ("\x9b31mPat", "31mPat"),  # an 8-bit CSI is most often a mis-decoded "›"
        # Other control characters as before: each run is one space.
        ("Pat\x07\x07Lee", "Pat Lee"),
        ("Pa\x00t", "Pa t"),
        # Text that only looks like a sequence is the patient's.
        ("[31m is the code", "[31m is the code"),
        ("Room ]0; 3", "Room ]0; 3"),
        ("Ça va — 😊", "Ça va — 😊"),
    ],
)
def test_escape_sequences_go_whole_and_nothing_readable_is_lost(text, line):
    assert fields.clean_line(text) == line
    # Cleaned text is what the fields take, and a name keeps what it has.
    assert Texts(trimmed=line).trimmed == line
    assert fields.clean_words(text, "Name unreadable") == (line or "Name unreadable")


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("Walked\x1b[31m 2 km\nthen\tsat\x1b[0m", "Walked 2 km\nthen\tsat"),
        ("Walked 2 km\x0bthen sat\x07\x1b[0m\x85slept", "Walked 2 km\nthen sat\nslept"),
        ("a\r\nb\tc", "a\r\nb\tc"),
        ("\x1b]0;title\x07Dear diary,\n\tok", "Dear diary,\n\tok"),
        # An OSC string does not run over a line break: the lines after are the patient's.
        ("\x1b]0;title\nstill mine\x07", "]0;title\nstill mine"),
        ("\x1b[31m\x1b[0m", ""),
    ],
)
def test_a_note_loses_escape_sequences_and_keeps_its_lines(text, note):
    assert fields.clean_note(text) == note
    assert Texts(note=note).note == note


def test_a_name_of_escape_codes_alone_is_unreadable():
    assert fields.clean_words("\x1b[31m\x1b[0m\u200b", "Name unreadable") == "Name unreadable"


def test_a_long_hostile_text_is_cleaned():
    """Escape introducers never ended, in a copy as large as an import takes: each scan
    stops at the next escape, so cleaning is linear (bench/bench_cleaning.py measures it:
    about 0.13 s for 4 MB). A pattern that backtracked over each unended sequence would take
    hours, and the suite's per-test timeout (setup.cfg) would fail this test."""
    hostile = ("\x1b]" + "a" * 50 + "\x1b[" + "0" * 50) * 40_000  # about 4 MB
    cleaned = fields.clean_note(hostile)
    assert "\x1b" not in cleaned and cleaned.startswith("]" + "a" * 50 + "[")
    assert len(cleaned) == len(hostile) - 2 * 40_000  # only the escapes went


def test_a_moment_taken_is_checked_against_a_pattern_built_once_a_day(monkeypatch):
    """Each dose of a sync batch or an imported copy is a PastTimestamp: the pattern of the
    days it may fall on is built once for the day, not once for each value (it took a
    50,000-dose copy 16 s to be refused)."""
    from diary import days

    built = []
    real = days.pattern
    monkeypatch.setattr(days, "pattern", lambda *a: built.append(a) or real(*a))

    class Dose(BaseModel):
        taken_at: fields.PastTimestamp

    for minute in range(1_000):
        Dose(taken_at=f"2026-03-01T08:{minute % 60:02d}:00.000Z")
    later = datetime.now(UTC) + timedelta(days=3)
    with pytest.raises(ValidationError, match="is in the future"):
        Dose(taken_at=later.isoformat(timespec="milliseconds").replace("+00:00", "Z"))
    assert len(built) <= 1  # none when an earlier test of this process built today's
