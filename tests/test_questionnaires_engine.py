"""The questionnaire engine: definitions read from data, answers checked and scored against
hand-worked responses, and the important-change rule on both sides of each cut."""

import json
from fractions import Fraction

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from hypothesis import example, given, settings
from hypothesis import strategies as st

from diary.questionnaires import engine, words
from tests.walking_questionnaire import WALKING

RMDQ, PGIC, ODI = (engine.get(name) for name in ("rmdq", "pgic", "odi"))


def test_the_shipped_definitions_are_rmdq_pgic_and_odi_from_their_files():
    assert list(engine.catalogue()) == ["rmdq", "pgic", "odi"]
    assert sorted(p.name for p in engine.DEFINITIONS.glob("*.json")) == [
        "odi.json",
        "pgic.json",
        "rmdq.json",
    ]
    for definition in engine.catalogue().values():
        # FHIR Questionnaires once the diary block (what FHIR has no element for) is set aside.
        resource = {k: v for k, v in definition.resource.items() if k != "diary"}
        assert Questionnaire.model_validate(resource).url == definition.url


def test_the_rmdq_is_the_24_published_statements_unmodified():
    statements = [item for item in RMDQ.items if item.type == "boolean"]
    assert [item.link_id for item in statements] == [str(n) for n in range(1, 25)]
    assert statements[0].text == "I stay at home most of the time because of my back."
    assert statements[15].text == (
        "I have trouble putting on my socks (or stockings) because of the pain in my back."
    )
    assert statements[23].text == "I stay in bed most of the time because of my back."
    assert RMDQ.items[0].type == "display"
    assert RMDQ.items[0].text.startswith("When your back hurts, you may find it difficult")


def test_the_odi_embeds_no_item_text_of_the_instrument():
    # Only a total and its day: the ODI's copyrighted sections are nowhere in the app.
    assert [(i.link_id, i.type, i.low, i.high) for i in ODI.items] == [("total", "decimal", 0, 100)]
    text = json.dumps(ODI.resource).lower()
    for section in ("pain intensity", "personal care", "lifting", "sex life", "social life"):
        assert section not in text


@pytest.mark.parametrize(
    ("ticked", "score"),
    [(range(1, 25), 24), ((), 0), ((1, 5, 9), 3), ((24,), 1), ((2, 3, 13, 17, 18), 5)],
)
def test_the_rmdq_score_is_the_number_of_statements_ticked(ticked, score):
    answers = {str(n): True for n in ticked}
    checked = engine.check_answers(RMDQ, answers)
    assert len(checked) == 24  # the ones left out are stored as not ticked
    assert engine.score(RMDQ, checked) == score
    # Every statement given explicitly scores the same.
    explicit = {str(n): n in ticked for n in range(1, 25)}
    assert engine.score(RMDQ, engine.check_answers(RMDQ, explicit)) == score


def test_pgic_answers_are_the_immpact_words_and_much_or_very_much_is_important():
    words_of = {value: engine.rating(PGIC, value) for value in range(1, 8)}
    assert [words_of[v]["words"] for v in range(1, 8)] == [
        "Very much improved",
        "Much improved",
        "Minimally improved",
        "No change",
        "Minimally worse",
        "Much worse",
        "Very much worse",
    ]
    assert [v for v in range(1, 8) if words_of[v]["important"]] == [1, 2]
    assert engine.score(PGIC, engine.check_answers(PGIC, {"1": 2})) == 2


def test_an_odi_total_is_its_score():
    assert engine.score(ODI, engine.check_answers(ODI, {"total": 46})) == 46
    assert engine.check_answers(ODI, {"total": 46.0}) == {"total": 46}  # 46.0 is 46 in JSON


def test_an_odi_total_may_have_one_decimal_as_fairbanks_scoring_gives():
    # 20 points over the 9 sections answered: 20 / 45 = 44.4%.
    assert engine.score(ODI, engine.check_answers(ODI, {"total": 44.4})) == 44.4
    assert engine.check_answers(ODI, {"total": 0.5}) == {"total": 0.5}
    assert engine.check_answers(ODI, {"total": 100}) == {"total": 100}


@pytest.mark.parametrize(
    ("definition", "answers", "field", "message"),
    [
        (RMDQ, {"25": True}, "answers.25", "is not an item of the RMDQ"),
        (RMDQ, {"3": 1}, "answers.3", "must be true (ticked) or false"),
        (RMDQ, {"instructions": True}, "answers.instructions", "is not an item of the RMDQ"),
        (PGIC, {}, "answers.1", "is required"),
        (PGIC, {"1": 8}, "answers.1", "must be one of 1, 2, 3, 4, 5, 6, 7"),
        (PGIC, {"1": True}, "answers.1", "must be a whole number"),
        (PGIC, {"1": "2"}, "answers.1", "must be a whole number"),
        (ODI, {"total": 101}, "answers.total", "must be from 0 to 100"),
        (ODI, {"total": -1}, "answers.total", "must be from 0 to 100"),
        (ODI, {"total": 44.44}, "answers.total", "must be a number with at most 1 decimal"),
        (ODI, {"total": "44.4"}, "answers.total", "must be a number"),
        (ODI, {"total": True}, "answers.total", "must be a number"),
        (ODI, {"total": 100.1}, "answers.total", "must be from 0 to 100"),
        (ODI, {"total": float("inf")}, "answers.total", "must be a number"),
        (ODI, {"total": float("nan")}, "answers.total", "must be a number"),
        # A whole number of any length is a number, only out of range (not an overflow).
        (ODI, {"total": 10**400}, "answers.total", "must be from 0 to 100"),
        (ODI, [46], "answers", "must be an object of answers by item"),
    ],
)
def test_answers_that_do_not_fit_are_refused_naming_the_item(definition, answers, field, message):
    with pytest.raises(engine.AnswerError) as refused:
        engine.check_answers(definition, answers)
    assert (refused.value.field, refused.value.message) == (field, message)


# The important change: RMDQ 5 points or 30%, ODI 10 points or 30% (either is enough).
@pytest.mark.parametrize(
    ("definition", "before", "after", "important", "direction"),
    [
        (RMDQ, 20, 15, True, "better"),  # 5 points (25%): the points reach it
        (RMDQ, 20, 16, False, "better"),  # 4 points, 20%
        (RMDQ, 10, 7, True, "better"),  # 3 points, exactly 30%: the percent reaches it
        (RMDQ, 14, 10, False, "better"),  # 4 points, 28.6%
        (RMDQ, 14, 5, True, "better"),  # 9 points, 64%
        (RMDQ, 10, 15, True, "worse"),  # 5 points higher
        (RMDQ, 20, 24, False, "worse"),  # 4 points, 20% higher
        (RMDQ, 0, 4, False, "worse"),  # from 0 the percent is n/a: 4 points only
        (RMDQ, 0, 5, True, "worse"),
        (RMDQ, 12, 12, False, "same"),
        (ODI, 50, 40, True, "better"),  # 10 points (20%)
        (ODI, 50, 41, False, "better"),  # 9 points, 18%
        (ODI, 30, 21, True, "better"),  # 9 points, exactly 30%
        (ODI, 30, 22, False, "better"),  # 8 points, 26.7%
        (ODI, 56, 25, True, "better"),  # Pettine 2015's group means, 12 months
        (ODI, 44.4, 34.4, True, "better"),  # 10 points
        (ODI, 44.4, 34.5, False, "better"),  # 9.9 points, 22.3%
        (ODI, 33.3, 23.4, False, "better"),  # 9.9 points, 29.7%: neither
        (ODI, 33.3, 23.3, True, "better"),  # 10 points (33.3 - 23.3 is 9.999999999999996)
    ],
)
def test_the_threshold_holds_on_both_sides_of_each_cut(
    definition, before, after, important, direction
):
    change = engine.change(definition, before, after)
    assert (change["important"], change["direction"]) == (important, direction)
    assert change["points"] == round(after - before, 1)


def test_the_change_reports_the_percent_of_the_baseline():
    # Pettine 2015's group means at 12 months (CLINICAL.md section 6): 55.8% lower.
    assert engine.change(ODI, 56.5, 25.0) == {
        "points": -31.5,
        "percent": 55.8,
        "direction": "better",
        "important": True,
    }
    assert engine.change(ODI, 56, 25)["percent"] == 55.4
    # 1 of 16 is 6.25%: a half goes up, as the reader rounds it (round() says 6.2).
    assert engine.change(RMDQ, 16, 15)["percent"] == 6.3
    assert engine.change(RMDQ, 0, 3)["percent"] is None
    with pytest.raises(ValueError, match="rating of change"):
        engine.change(PGIC, 4, 2)


@settings(max_examples=500, deadline=None)
@given(st.integers(0, 1000), st.integers(0, 1000))
# Pairs that floating point puts a hair under the threshold (3.0 -> 2.1 is 29.999...%).
@example(30, 21)
@example(130, 169)
@example(333, 233)
def test_odi_totals_with_a_decimal_are_judged_as_exact_fractions_would_be(tenths, later):
    # 33.3 -> 23.3 is 9.999999999999996 in floating point: still the 10 points it is.
    change = engine.change(ODI, tenths / 10, later / 10)
    points = Fraction(later - tenths, 10)
    assert change["points"] == float(points)  # shown rounded, without floating-point noise
    percent = abs(points) / Fraction(tenths, 10) if tenths else 0
    reaches = abs(points) >= 10 or percent >= Fraction(3, 10)
    assert change["important"] == (reaches and points != 0)
    assert change["direction"] == ("better" if points < 0 else "worse" if points else "same")


def test_the_thresholds_are_said_in_words():
    assert words.threshold_words(RMDQ) == "5 points or 30%"
    assert words.threshold_words(ODI) == "10 points or 30%"
    assert words.threshold_words(PGIC) == "much improved or very much improved"
    assert words.scale_words(RMDQ) == "0 to 24, lower is better"


# ---- a new instrument is a file, not code ------------------------------------------------


def test_a_new_instrument_file_loads_checks_scores_and_judges_with_no_code(tmp_path):
    for name in ("rmdq", "pgic"):
        (tmp_path / f"{name}.json").write_text((engine.DEFINITIONS / f"{name}.json").read_text())
    (tmp_path / "walking.json").write_text(json.dumps(WALKING))
    definitions = engine.load(tmp_path)
    assert list(definitions) == ["rmdq", "pgic", "walking"]
    walking = definitions["walking"]
    answers = engine.check_answers(walking, {"distance": 4, "stick": True, "stops": 3})
    assert answers == {"distance": 4, "stick": True, "stops": 3}
    assert engine.score(walking, answers) == 8
    assert engine.check_answers(walking, {"distance": 2}) == {"distance": 2, "stick": False}
    with pytest.raises(engine.AnswerError, match="answers.distance: must be one of 0, 2, 4"):
        engine.check_answers(walking, {"distance": 3})
    assert engine.change(walking, 8, 5)["important"] is True
    assert engine.change(walking, 8, 6)["important"] is False
    schema = engine.answers_schema(walking)
    assert schema["properties"]["distance"] == {"type": "integer", "enum": [0, 2, 4]}
    assert schema["required"] == ["distance"]
    assert words.score_words(walking, 8) == "8 of 10"


def test_the_odi_answers_schema_takes_a_number_with_its_range():
    assert engine.answers_schema(ODI)["properties"]["total"] == {
        "type": "number",
        "minimum": 0,
        "maximum": 100,
        "description": "At most 1 decimal(s).",
    }


def _as_decimal(item, extensions):
    item.update(type="decimal", extension=extensions(item.get("extension", [])))


def _places(n):
    return {"url": engine.MAX_DECIMAL_PLACES, "valueInteger": n}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("diary"), "walking.json: diary is missing"),
        (lambda d: d["diary"]["scoring"].update(rule="median"), "rule must be one of"),
        (lambda d: d["item"][1].update(type="slider"), "item.1: type must be one of"),
        (lambda d: d["item"][2].update(linkId="distance"), "every item needs its own linkId"),
        (lambda d: d["item"][3].pop("extension"), "item.3: an integer item needs minValue"),
        (lambda d: _as_decimal(d["item"][3], list), "item.3: a decimal item needs a maxDecimal"),
        (lambda d: _as_decimal(d["item"][3], lambda _: [_places(1)]), "a decimal item needs minV"),
        (lambda d: _as_decimal(d["item"][3], lambda e: [*e, _places(3)]), "of 1 to 2"),
        (lambda d: d["diary"].update(important_change={}), "needs points, percent or answers"),
        (lambda d: d.update(id="rmdq"), "the id rmdq is used twice"),
        (lambda d: d["diary"].update(asked="daily"), "asked must be one of"),
    ],
)
def test_a_definition_that_cannot_be_used_is_refused_naming_the_file(tmp_path, change, message):
    (tmp_path / "rmdq.json").write_text((engine.DEFINITIONS / "rmdq.json").read_text())
    broken = json.loads(json.dumps(WALKING))
    change(broken)
    (tmp_path / "walking.json").write_text(json.dumps(broken))
    with pytest.raises(engine.DefinitionError, match=message):
        engine.load(tmp_path)


def test_a_file_that_is_not_json_is_refused(tmp_path):
    (tmp_path / "odd.json").write_text("{not json")
    with pytest.raises(engine.DefinitionError, match="odd.json: not valid JSON"):
        engine.load(tmp_path)
