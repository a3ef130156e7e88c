"""The before/after comparison in a patient's words (diary/comparison_words.py)."""

import pytest

from diary import comparison_words


def window_with(category, pct, leg_abs=-1.0):
    return {
        "enough_data": True,
        "change": {"category": category, "leg_pct_reduction": pct, "leg_abs": leg_abs},
    }


@pytest.mark.parametrize(
    ("kind", "window", "sentence"),
    [
        (
            "msc_injection",
            window_with("substantial_improvement", 63.2),
            "Leg pain 63% lower than before the injection: substantial improvement.",
        ),
        (
            "physiotherapy",
            window_with("important_worsening", -40.0),
            "Leg pain 40% higher than before physiotherapy: clinically important worsening.",
        ),
        (
            "surgery",
            window_with("no_important_change", 0.3),
            "Leg pain about the same as before the surgery: no important change.",
        ),
        (
            "other",
            window_with("important_worsening", None, 2.5),
            "Leg pain 2.5 points higher than before this therapy: clinically important worsening.",
        ),
    ],
)
def test_change_sentences(kind, window, sentence):
    assert comparison_words.change_sentence(kind, window) == sentence


def test_no_sentence_without_enough_data():
    assert comparison_words.change_sentence("surgery", {"enough_data": False, "change": {}}) is None


def test_distal_sentences_name_centralization_and_peripheralization():
    better = comparison_words.distal_sentence(5.0, 2.0)
    assert better.startswith("Pain now stops above the knee, at the buttock; before, it reached")
    assert "centralization" in better
    worse = comparison_words.distal_sentence(2.0, 4.5)
    assert worse.startswith("Pain now reaches below the knee, down to the foot")
    assert "peripheralization" in worse
    assert comparison_words.distal_sentence(3.0, 3.0) == (
        "Pain reaches as far as before: above the knee, in the thigh."
    )
    assert comparison_words.distal_sentence(2.0, 0.0) == "No pain is marked on the body map now."
    assert comparison_words.distal_sentence(None, 2.0) is None


def test_limit_and_day_words():
    assert comparison_words.limit_words(2.6) == "Severe"
    assert comparison_words.limit_words(0.4) == "None"
    assert comparison_words.limit_words(None) == ""
    assert comparison_words.day_words("2026-08-03") == "3 Aug 2026"
    assert comparison_words.day_words(None) == ""


def test_a_therapy_is_named_by_its_label_or_its_kind():
    assert comparison_words.therapy_name({"kind": "surgery", "label": "Discectomy"}) == "Discectomy"
    assert comparison_words.therapy_name({"kind": "prp_injection", "label": ""}) == "PRP injection"
