"""Field types: what each accepts is what its JSON schema says, in any regex engine."""

import re

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
    + ["\x7f", "\x9b", "é"]
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


def test_cleaning_keeps_words_apart_and_notes_line_breaks():
    assert fields.clean_line("Pregabalin\r\n75\x1b") == "Pregabalin 75"
    assert fields.clean_line("\x1b[31mPat") == "[31mPat"
    assert fields.clean_words("\x1b\u200b", "Medicine") == "Medicine"
    assert fields.clean_note("Walked\x0bthen sat\x07\n\tok\x1f") == "Walked\nthen sat\n\tok"
