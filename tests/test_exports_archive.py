"""The complete copy: built from the store, read back whole, and imported through the sync
rules, on real SQLite files (no HTTP here: tests/test_exports_api.py has that)."""

import functools
import json
import re
import tempfile
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diary import accounts, clinical, fields
from diary.clinical import regions
from diary.db import close_database, migrate, open_database, write
from diary.exports import archive, copy_schemas
from diary.medications import records
from diary.sync import queries, store, validation
from tests.conftest import IMPORTED_TABLES

HASHER = accounts.make_hasher(
    {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST_KIB": 8, "ARGON2_PARALLELISM": 1}
)


class Diary:
    """A patient's diary: on a fresh database file, or beside another one (``neighbour``)."""

    def __init__(self, folder: Path, name="Pat", neighbour=None):
        if neighbour is None:
            path = folder / f"{uuid.uuid4()}.sqlite3"
            migrate(path)
            self.db = open_database(str(path))
        else:
            self.db = neighbour.db
        self.user = accounts.register(
            self.db,
            HASHER,
            email=f"{uuid.uuid4()}@example.org",
            password="a calm river at dawn",
            role="patient",
            name=name,
            time_zone="Europe/Paris",
        )

    def add(self, kind, data, object_id=None, base=None, deleted=False):
        if data is not None:  # validated and normalised, as every API and page write is
            data, problems = validation.validate_change(kind, data)
            assert problems is None, problems
        with write(self.db):
            outcome = store.apply_change(
                self.db, self.user.id, kind, object_id or uuid.uuid4(), base, deleted, data
            )
        assert outcome.status == "applied", outcome
        return outcome

    def copy(self) -> dict:
        return archive.build(
            {"name": self.user.name, "time_zone": self.user.time_zone},
            {
                "entries": queries.all_entries(self.db, self.user.id),
                "therapies": queries.list_therapies(self.db, self.user.id),
                "medications": records.list_medications(self.db, self.user.id),
                "doses": records.list_doses(self.db, self.user.id)[::-1],
                "responses": queries.list_responses(self.db, self.user.id),
            },
            "2026-12-06T10:00:00.000Z",
        )

    def tables(self):
        return {
            table: sorted(map(tuple, self.db.execute(f"SELECT * FROM {table}").fetchall()))  # noqa: S608
            for table in IMPORTED_TABLES
        }

    def close(self):
        close_database(self.db)


@pytest.fixture
def diaries(tmp_path):
    made = []

    def make(name="Pat"):
        made.append(Diary(tmp_path, name))
        return made[-1]

    yield make
    for diary in made:
        diary.close()


def entry(day="2026-03-03", leg=5, **more):
    return {"day": day, "leg_pain": leg, **more}


def import_into(diary, copy):
    return archive.apply(diary.db, diary.user.id, archive.parse(archive.dumps(copy)))


# ---- the file ------------------------------------------------------------------------------


def test_the_copy_is_versioned_json_with_one_record_a_line(diaries):
    pat = diaries()
    pat.add("entry", entry(note='Ça va, "mieux"\naujourd\'hui'))
    pat.add("therapy", {"kind": "surgery", "start_day": "2026-01-02"})
    text = archive.dumps(pat.copy())
    data = json.loads(text)
    assert data["format"] == "diary-export" and data["version"] == 5
    assert data["user"] == {"name": "Pat", "time_zone": "Europe/Paris"}
    lines = text.splitlines()
    assert lines[5] == '  "entries": [' and lines[8] == '  "therapies": ['
    assert json.loads(lines[6]) == data["entries"][0]  # one record a line
    assert json.loads(lines[9]) == data["therapies"][0]
    assert "Ça va" in text  # UTF-8 as it is, not \\u escapes
    (row,) = data["entries"]
    assert set(row) >= {"id", "version", "created_at", "updated_at", "deleted"}


def test_deleted_records_are_not_in_the_copy(diaries):
    pat = diaries()
    kept = pat.add("entry", entry(day="2026-03-01"))
    gone = pat.add("entry", entry(day="2026-03-02", note="regretted"))
    pat.add("entry", None, object_id=gone.id, base=1, deleted=True)
    copy = pat.copy()
    assert [e["id"] for e in copy["entries"]] == [kept.id]
    assert "regretted" not in archive.dumps(copy)


def test_questionnaire_answers_come_back_exactly(diaries):
    pat = diaries()
    therapy = pat.add("therapy", {"kind": "surgery", "start_day": "2026-01-02"})
    rmdq = pat.add(
        "response", {"questionnaire": "rmdq", "day": "2026-01-01", "answers": {"3": True}}
    )
    pgic = {"questionnaire": "pgic", "day": "2026-02-01", "answers": {"1": 2}}
    pat.add("response", {**pgic, "therapy_id": therapy.id})
    pat.add("response", {"questionnaire": "rmdq", "day": "2026-01-01", "answers": {}}, rmdq.id, 1)
    pat.add("response", {"questionnaire": "odi", "day": "2026-01-03", "answers": {"total": 44.4}})
    copy = pat.copy()
    assert [(r["questionnaire"], r["score"], r["version"]) for r in copy["responses"]] == [
        ("rmdq", 0, 2),
        ("odi", 44.4, 1),
        ("pgic", 2, 1),
    ]
    moved = diaries("Pat elsewhere")
    summary = import_into(moved, copy)
    assert summary["responses"] == {"applied": 3, "duplicate": 0, "conflict": 0}
    assert moved.copy()["responses"] == copy["responses"]
    again = import_into(moved, copy)
    assert again["responses"] == {"applied": 0, "duplicate": 3, "conflict": 0}
    # An answer changed since is a conflict, kept as the diary has it.
    moved.add(
        "response",
        {**pgic, "answers": {"1": 4}, "therapy_id": therapy.id},
        copy["responses"][2]["id"],
        1,
    )
    (conflict,) = import_into(moved, copy)["conflicts"]
    assert (conflict["kind"], conflict["differs"], conflict["server"]["score"]) == (
        "response",
        ["answers"],
        4,
    )


def test_a_pgic_about_a_therapy_deleted_before_the_copy_is_still_imported(diaries):
    pat = diaries()
    therapy = pat.add("therapy", {"kind": "surgery", "start_day": "2026-01-02"})
    pgic = {"questionnaire": "pgic", "day": "2026-02-01", "answers": {"1": 2}}
    pat.add("response", {**pgic, "therapy_id": therapy.id})
    pat.add("therapy", None, object_id=therapy.id, base=1, deleted=True)
    copy = pat.copy()
    assert copy["therapies"] == [] and copy["responses"][0]["therapy_id"] == therapy.id
    # The copy holds no deleted therapy to name; the answer comes back all the same.
    moved = diaries("Pat elsewhere")
    assert import_into(moved, copy)["responses"]["applied"] == 1
    assert moved.copy()["responses"] == copy["responses"]


@pytest.mark.parametrize("as_bytes", [True, False], ids=["file", "text"])
def test_a_copy_saved_again_with_a_byte_order_mark_is_the_same_copy(diaries, as_bytes):
    # A Windows editor's "UTF-8 with BOM": the copy was refused as a truncated file.
    pat = diaries()
    pat.add("entry", entry())
    text = "\ufeff" + archive.dumps(pat.copy())
    moved = diaries("Pat elsewhere")
    raw = text.encode("utf-8") if as_bytes else text
    summary = archive.apply(moved.db, moved.user.id, archive.parse(raw))
    assert summary["entries"]["applied"] == 1
    assert moved.copy()["entries"] == pat.copy()["entries"]


def test_a_version_2_copy_made_before_questionnaires_is_still_imported(diaries):
    pat = diaries()
    pat.add("entry", entry())
    old = {k: v for k, v in pat.copy().items() if k != "responses"}
    old["version"] = 2
    moved = diaries("Pat elsewhere")
    summary = import_into(moved, old)
    assert summary["entries"]["applied"] == 1
    assert summary["responses"] == {"applied": 0, "duplicate": 0, "conflict": 0}


# ---- refused whole, nothing written --------------------------------------------------------


def refusal(raw):
    with pytest.raises(archive.Refused) as caught:
        archive.parse(raw)
    return caught.value


def valid_copy(diaries):
    pat = diaries()
    pat.add("entry", entry())
    pat.add("therapy", {"kind": "surgery", "start_day": "2026-01-02"})
    return pat.copy()


def test_a_truncated_file_is_not_json(diaries):
    text = archive.dumps(valid_copy(diaries))
    refused = refusal(text[: len(text) // 2])
    assert (refused.status, refused.code) == (400, "not_json")
    assert "cut short" in refused.message


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ('{"resourceType": "Bundle", "type": "collection"}', "clinic's record system"),
        ('{"name": "another app", "records": []}', "not a diary copy"),
        ("[1, 2, 3]", "not a diary copy"),
        ('"diary-export"', "not a diary copy"),
    ],
)
def test_another_apps_file_is_refused_saying_so(raw, words):
    refused = refusal(raw)
    assert (refused.status, refused.code) == (422, "not_a_diary_copy")
    assert words in refused.message


@pytest.mark.parametrize(
    ("version", "words"), [(copy_schemas.VERSION + 1, "newer version"), ("1", "format version")]
)
def test_another_version_is_refused(diaries, version, words):
    copy = {**valid_copy(diaries), "version": version}
    refused = refusal(json.dumps(copy))
    assert (refused.status, refused.code) == (422, "unsupported_version")
    assert words in refused.message


def test_a_record_that_is_not_valid_is_named(diaries):
    copy = valid_copy(diaries)
    copy["entries"][0]["leg_pain"] = 11
    copy["therapies"][0]["kind"] = "massage"
    refused = refusal(json.dumps(copy))
    assert (refused.status, refused.code) == (422, "invalid")
    assert refused.fields["entries.0.leg_pain"] == "must be at most 10"
    assert "therapies.0.kind" in refused.fields
    assert refused.message.startswith("This copy has 2 problems")


def test_a_record_without_any_pain_score_names_the_field(diaries):
    copy = valid_copy(diaries)
    copy["entries"][0]["leg_pain"] = None
    assert "entries.0.leg_pain" in refusal(json.dumps(copy)).fields


def test_two_records_with_one_id_are_refused(diaries):
    copy = valid_copy(diaries)
    copy["therapies"][0]["id"] = copy["entries"][0]["id"].upper()
    refused = refusal(json.dumps(copy))
    assert (refused.status, refused.code) == (422, "duplicate_id")
    assert "entries.0.id" in refused.fields


def test_a_deleted_record_cannot_be_imported(diaries):
    copy = valid_copy(diaries)
    copy["entries"][0]["deleted"] = True
    assert "entries.0.deleted" in refusal(json.dumps(copy)).fields


def test_a_version_no_diary_reaches_is_refused(diaries):
    # The next edit must still fit SQLite's 64-bit integers.
    copy = valid_copy(diaries)
    copy["entries"][0]["version"] = 2**63 - 1
    assert refusal(json.dumps(copy)).fields["entries.0.version"] == "must be at most 1000000000"


def test_times_are_read_in_any_offset_and_kept_in_utc(diaries):
    copy = valid_copy(diaries)
    copy["entries"][0]["created_at"] = "2026-03-03T09:30:00.5+01:00"
    parsed = archive.parse(json.dumps(copy))
    assert parsed.entries[0].created_at == "2026-03-03T08:30:00.500Z"


# ---- importing -----------------------------------------------------------------------------


def test_an_empty_diary_gets_every_record_as_it_was(diaries):
    pat = diaries()
    first = pat.add("entry", entry(day="2026-03-01", regions={"l_calf_back": "pain"}))
    pat.add("entry", entry(day="2026-03-01", leg=7), object_id=first.id, base=1)
    pat.add("therapy", {"kind": "physiotherapy", "start_day": "2026-02-01", "label": "Physio"})
    copy = pat.copy()
    elsewhere = diaries("Pat again")
    summary = import_into(elsewhere, copy)
    assert summary["entries"] == {"applied": 1, "duplicate": 0, "conflict": 0}
    assert summary["therapies"]["applied"] == 1 and summary["conflicts"] == []
    again = elsewhere.copy()
    assert again["entries"] == copy["entries"] and again["therapies"] == copy["therapies"]
    assert again["entries"][0]["version"] == 2  # the version it had, not a new 1


def test_importing_twice_changes_nothing(diaries):
    copy = valid_copy(diaries)
    elsewhere = diaries()
    import_into(elsewhere, copy)
    before = elsewhere.tables()
    summary = import_into(elsewhere, copy)
    assert summary["entries"] == {"applied": 0, "duplicate": 1, "conflict": 0}
    assert summary["therapies"] == {"applied": 0, "duplicate": 1, "conflict": 0}
    assert elsewhere.tables() == before


def test_a_record_that_differs_is_a_conflict_and_keeps_the_diarys_version(diaries):
    pat = diaries()
    made = pat.add("entry", entry(leg=5, note="before"))
    copy = pat.copy()
    pat.add("entry", entry(leg=3, note="after"), object_id=made.id, base=1)
    before = pat.tables()
    summary = import_into(pat, copy)
    assert summary["entries"] == {"applied": 0, "duplicate": 0, "conflict": 1}
    (conflict,) = summary["conflicts"]
    assert conflict["differs"] == ["leg_pain", "note"]
    assert conflict["file"]["leg_pain"] == 5 and conflict["server"]["leg_pain"] == 3
    assert pat.tables() == before


def test_a_record_deleted_since_the_copy_is_a_conflict_not_brought_back(diaries):
    pat = diaries()
    made = pat.add("entry", entry())
    copy = pat.copy()
    pat.add("entry", None, object_id=made.id, base=1, deleted=True)
    summary = import_into(pat, copy)
    assert summary["entries"]["conflict"] == 1
    assert summary["conflicts"][0]["differs"] == ["deleted"]
    assert queries.all_entries(pat.db, pat.user.id) == []


def test_ids_already_another_accounts_refuse_the_whole_import(tmp_path):
    pat = Diary(tmp_path)
    pat.add("entry", entry())
    pat.add("therapy", {"kind": "surgery", "start_day": "2026-01-02"})
    copy = pat.copy()  # its owner still has every record on this server
    other = Diary(tmp_path, "Someone else", neighbour=pat)
    other.add("entry", entry(day="2026-04-01"))
    copy["entries"].append({**copy["entries"][0], "id": str(uuid.uuid4()), "day": "2026-04-02"})
    before = other.tables()
    with pytest.raises(archive.Refused) as caught:
        import_into(other, copy)
    assert (caught.value.status, caught.value.code) == (409, "id_taken")
    assert set(caught.value.fields) == {"therapies.0.id", "entries.0.id"}
    assert other.tables() == before
    pat.close()


# ---- any diary makes the round trip --------------------------------------------------------

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 1, 1)).map(date.isoformat)
scores = st.none() | st.integers(0, 10)
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
# Any text the fields take: one line (a label), or several (a note).
line = text.filter(lambda t: re.fullmatch(fields.TRIMMED_PATTERN, t))
note = text.filter(lambda t: re.fullmatch(fields.NOTE_PATTERN, t))
entries = st.fixed_dictionaries(
    {
        "day": days,
        "leg_pain": st.integers(0, 10),
        "back_pain": scores,
        "worst_leg_pain": scores,
        "regions": st.dictionaries(
            st.sampled_from(sorted(regions.CODES)), st.sampled_from(regions.STATES), max_size=6
        ),
        "activities": st.dictionaries(
            st.sampled_from(list(clinical.ACTIVITIES)), st.integers(0, 4), max_size=8
        ),
        "sitting_tolerance_min": st.none() | st.integers(0, clinical.TOLERANCE_MAX_MIN),
        "walking_tolerance_min": st.none() | st.integers(0, clinical.TOLERANCE_MAX_MIN),
        "red_flags": st.lists(st.sampled_from(list(clinical.RED_FLAGS)), unique=True),
        "note": note,
    }
)
therapies = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(sorted(clinical.COURSE_KINDS)),
        "label": line,
        "start_day": st.just("2024-01-01"),
        "end_day": st.none() | st.just("2024-03-01"),
        "notes": note,
    }
) | st.fixed_dictionaries(
    {
        "kind": st.sampled_from(sorted(set(clinical.THERAPY_KINDS) - clinical.COURSE_KINDS)),
        "start_day": days,
    }
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(entries, max_size=12),
    st.lists(therapies, max_size=4),
    st.lists(st.booleans(), max_size=12),
)
def test_any_diary_comes_back_exactly_and_a_second_import_changes_nothing(
    entry_rows, therapy_rows, edited
):
    with tempfile.TemporaryDirectory() as folder:
        pat, elsewhere = Diary(Path(folder)), Diary(Path(folder))
        try:
            for data, edit in zip(entry_rows, edited + [False] * len(entry_rows), strict=False):
                made = pat.add("entry", data)
                if edit:  # a later version, as edits leave it
                    changed = {**data, "leg_pain": (data["leg_pain"] + 1) % 11}
                    pat.add("entry", changed, object_id=made.id, base=1)
            for data in therapy_rows:
                pat.add("therapy", data)
            copy = pat.copy()
            import_into(elsewhere, copy)
            again = elsewhere.copy()
            assert again["entries"] == copy["entries"]
            assert again["therapies"] == copy["therapies"]
            before = elsewhere.tables()
            summary = import_into(elsewhere, copy)
            assert summary["entries"]["duplicate"] == len(entry_rows)
            assert summary["conflicts"] == []
            assert elsewhere.tables() == before
        finally:
            pat.close()
            elsewhere.close()


# ---- medicines and doses (format version 2) --------------------------------------------------

MEDICINE = {
    "name": "Pregabalin",
    "strength": "75",
    "unit": "mg",
    "schedule": "regular",
    "start_day": "2026-01-05",
    "changes": [{"day": "2026-02-01", "dose": "150 mg twice a day"}],
}


def test_medicines_and_doses_come_back_with_their_ids_versions_and_times(diaries):
    pat = diaries()
    med = pat.add("medication", MEDICINE)
    pat.add("medication", {**MEDICINE, "name": "Lyrica"}, object_id=med.id, base=1)
    pat.add("dose", {"medication_id": med.id, "taken_at": "2026-02-02T08:00:00Z"})
    copy = pat.copy()
    assert [m["version"] for m in copy["medications"]] == [2]
    other = diaries("Sam")
    summary = import_into(other, copy)
    assert summary["medications"] == {"applied": 1, "duplicate": 0, "conflict": 0}
    assert summary["doses"] == {"applied": 1, "duplicate": 0, "conflict": 0}
    assert other.copy()["medications"] == copy["medications"]
    assert other.copy()["doses"] == copy["doses"]
    # Once more: nothing new, nothing changed.
    again = import_into(other, copy)
    assert again["medications"]["duplicate"] == again["doses"]["duplicate"] == 1


def test_a_medicine_held_differently_is_a_conflict_and_kept(diaries):
    pat = diaries()
    med = pat.add("medication", MEDICINE)
    copy = pat.copy()
    pat.add("medication", {**MEDICINE, "unit": "mcg"}, object_id=med.id, base=1)
    summary = import_into(pat, copy)
    [conflict] = summary["conflicts"]
    assert (conflict["kind"], conflict["differs"]) == ("medication", ["unit"])
    assert records.list_medications(pat.db, pat.user.id)[0]["unit"] == "mcg"
    copy_schemas.ImportSummary.model_validate(summary)


def test_a_version_1_copy_made_before_medicines_is_still_imported(diaries):
    pat = diaries()
    pat.add("entry", entry())
    copy = pat.copy()
    old = {k: v for k, v in copy.items() if k not in ("medications", "doses")}
    old["version"] = 1
    other = diaries("Sam")
    summary = import_into(other, old)
    assert summary["entries"]["applied"] == 1
    assert (
        summary["medications"] == summary["doses"] == {"applied": 0, "duplicate": 0, "conflict": 0}
    )


def test_a_record_stamped_more_than_a_day_ahead_is_named_and_nothing_imported(diaries):
    copy = valid_copy(diaries)
    now = datetime.now(UTC)
    ahead = (now + timedelta(days=400)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    copy["therapies"][0]["updated_at"] = ahead
    copy["entries"][0]["created_at"] = ahead
    refused = refusal(json.dumps(copy))
    assert (refused.status, refused.code) == (422, "invalid")
    assert set(refused.fields) == {"entries.0.created_at", "therapies.0.updated_at"}
    assert "ahead of this server's clock" in refused.fields["entries.0.created_at"]
    # A clock a few hours fast (under a day) is not a reason to refuse a copy.
    copy = valid_copy(diaries)
    hours = (now + timedelta(hours=20)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    copy["entries"][0]["updated_at"] = hours
    moved = diaries("Pat elsewhere")
    assert import_into(moved, copy)["entries"]["applied"] == len(copy["entries"])


# ---- a copy made before the upgrade that cleaned stored text (m015, m016) ------------------

THERAPY = "5f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f"
STAMPS = {
    "version": 1,
    "created_at": "2026-01-02T08:00:00.000Z",
    "updated_at": "2026-01-02T08:00:00.000Z",
    "deleted": False,
}


def old_copy():
    """A copy as a server made it before migrations m015 and m016, by hand (no database)."""
    return {
        "format": "diary-export",
        "version": 3,
        "exported_at": "2026-01-03T10:00:00.000Z",
        "user": {"name": "Pat\x1b[1m", "time_zone": "UTC"},
        "entries": [
            {**entry(), "id": "3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f", "note": "ok\x07"} | STAMPS
        ],
        "therapies": [
            {
                "id": THERAPY,
                "kind": "surgery",
                "label": "L5\x1b[0m",
                "start_day": "2026-01-02",
                "end_day": None,
                "notes": "",
            }
            | STAMPS
        ],
        "medications": [
            {
                "id": "6a2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f",
                "name": "Ibuprofen",
                "strength": "",
                "unit": "",
                "schedule": "regular",
                "start_day": "2026-01-01",
                "end_day": None,
                "changes": [{"day": "2026-01-02", "dose": "400\x85mg"}],
            }
            | STAMPS
        ],
        "doses": [],
        "responses": [
            {
                "id": "8c2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f",
                "questionnaire": "odi",
                "day": "2026-01-02",
                "answers": {"total": 46},
                "therapy_id": THERAPY,
                "score": 46,
            }
            | STAMPS
        ],
    }


def test_an_old_copy_is_read_cleaned_and_the_answer_names_each_record(diaries):
    copy = archive.parse(json.dumps(old_copy()))
    assert copy.user.name == "Pat"
    assert (copy.entries[0].note, copy.therapies[0].label) == ("ok", "L5")
    assert copy.medications[0].changes[0].dose == "400 mg"
    assert copy.responses[0].therapy_id is None
    summary = import_into(diaries(), old_copy())
    assert summary["cleaned"]["records"] == [
        {"kind": "therapy", "id": THERAPY, "fields": ["label"]},
        {"kind": "entry", "id": "3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f", "fields": ["note"]},
        {"kind": "medication", "id": "6a2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f", "fields": ["changes"]},
        {
            "kind": "response",
            "id": "8c2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f",
            "fields": ["therapy_id"],
        },
    ]
    assert summary["cleaned"]["sentences"][-1] == "1 ODI answer no longer names a therapy."


def test_a_copy_with_nothing_to_clean_says_nothing_was(diaries):
    summary = import_into(diaries("Pat elsewhere"), valid_copy(diaries))
    assert summary["cleaned"] == {"records": [], "sentences": []}


def test_an_old_text_too_long_for_its_field_is_refused_not_cut(diaries):
    """Older versions never took more characters than the field does: such a text is not one
    an upgrade met, so it is refused for its length even though cleaning would shorten it."""
    copy = old_copy()
    copy["therapies"][0]["label"] = "x" * 200 + "\x1b[0m"
    refused = refusal(json.dumps(copy))
    assert list(refused.fields) == ["therapies.0.label"]


# Letters, blanks, control characters and the pieces of escape sequences; and lengths up to
# either side of each field's limit.
PIECES = ["a", " ", "\xa0", "\u200b", "\t", "\n", "\x0b", "\x1c", "\x85", "\x07", "\x1b"]
PIECES += ["\x9b", "\x7f", "[", "m", "\x1b[31m", "\x1b]0;t\x07"]
pieces = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)
COPY_TEXTS = {  # where in a copy, and the field's model in the document
    ("user", "name"): "CopyUser",
    ("therapies", "label"): "CopyTherapy",
    ("therapies", "notes"): "CopyTherapy",
    ("entries", "note"): "CopyEntry",
    ("medications", "name"): "CopyMedication",
    ("medications", "unit"): "CopyMedication",
}


@functools.cache
def documented_copy():
    return copy_schemas.DiaryCopy.model_json_schema()


@settings(max_examples=100)
@given(where=st.sampled_from(sorted(COPY_TEXTS)), padding=st.sampled_from([0, 1, 2]), text=pieces)
def test_a_copys_text_is_taken_exactly_when_the_document_says(where, padding, text):
    """The import cleans what older versions kept; the document (DiaryCopy) says so field by
    field: a client keeping to it is never refused for a text, and what it rules out (too
    long, or nothing but blanks in a name) is refused."""
    rule = documented_copy()["$defs"][COPY_TEXTS[where]]["properties"][where[1]]
    text = "x" * (rule["maxLength"] - 3 - padding) + text if padding else text
    copy = old_copy()
    if where[0] == "user":
        copy["user"][where[1]], field = text, "user.name"
    else:
        copy[where[0]][0][where[1]], field = text, f"{where[0]}.0.{where[1]}"
    said = len(text) <= rule["maxLength"] and re.search(rule.get("pattern", ""), text)
    try:
        archive.parse(json.dumps(copy))
        taken = True
    except archive.Refused as refused:
        assert list(refused.fields) == [field]
        taken = False
    assert taken == bool(said), (where, text)
