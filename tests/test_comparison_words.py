"""The before/after comparison in a patient's words (diary/clinical/comparison_words.py)."""

import pytest

from diary.clinical import analysis, comparison_words


def means(before, after):
    pct = analysis.percent_reduction(before, after)
    return {"leg": {"mean": before}}, {
        "enough_data": True,
        "in_progress": False,
        "leg": {"mean": after},
        "change": {
            "category": "placeholder",
            "leg_abs": round(after - before, 2),
            "leg_pct_reduction": None if pct is None else round(pct, 1),
        },
    }


@pytest.mark.parametrize(
    ("kind", "before", "after", "category", "sentence"),
    [
        (
            "msc_injection",
            7.93,
            2.92,
            "substantial_improvement",
            "Leg pain 63% lower than before the injection: substantial improvement.",
        ),
        (
            "physiotherapy",
            5.0,
            7.0,
            "important_worsening",
            "Leg pain 40% higher than before physiotherapy: clinically important worsening.",
        ),
        (
            "surgery",
            6.0,
            5.98,
            "no_important_change",
            "Leg pain about the same as before the surgery: no important change.",
        ),
        (
            "other",
            0.0,
            2.5,
            "important_worsening",
            "Leg pain 2.5 points higher than before this therapy: clinically important worsening.",
        ),
    ],
)
def test_change_sentences(kind, before, after, category, sentence):
    baseline, window = means(before, after)
    window["change"]["category"] = category
    assert comparison_words.change_sentence(kind, window, baseline) == sentence


def test_no_sentence_without_enough_data():
    baseline, _ = means(5, 5)
    window = {"enough_data": False, "change": {}}
    assert comparison_words.change_sentence("surgery", window, baseline) is None


def test_a_window_still_running_says_so_and_its_verdict_is_so_far():
    baseline, window = means(8.0, 3.0)  # 62.5% lower: cut to 62%, never rounded up
    window.update(in_progress=True, days_elapsed=14, days_in_window=29)
    window["change"]["category"] = "substantial_improvement"
    assert comparison_words.change_sentence("epidural_steroid", window, baseline) == (
        "Leg pain 62% lower than before the injection: substantial improvement so far "
        "(in progress: 14 of 29 days so far)."
    )


def test_the_change_shown_is_cut_from_the_unrounded_change_never_rounded_up():
    # The audit's diary: 6.964 -> 4.929 is 2.04 points and 29.2% lower, a minimal
    # improvement; from the means rounded first the page said "2.1 points" and "30%".
    change = {"leg_abs": -2.03, "leg_pct_reduction": 29.2, "category": "minimal_improvement"}
    shown = comparison_words.shown_change(6.96, 4.93, change)
    assert shown["before"] == 7.0 and shown["after"] == 4.9
    assert (shown["points"], shown["percent"], shown["direction"]) == (-2.0, 29, "lower")
    assert shown["words"] == "2.0 points lower (29% lower)"
    worse = {"leg_abs": 1.99, "leg_pct_reduction": -39.8, "category": "worse"}
    assert comparison_words.shown_change(5.0, 6.99, worse)["words"] == (
        "1.9 points higher (39% higher)"
    )
    # Just under 30% is 29%, even where the API's one decimal says 30.0.
    edge = {"leg_abs": -2.5, "leg_pct_reduction": 29.96, "category": "minimal_improvement"}
    assert comparison_words.shown_change(8.34, 5.84, edge)["percent"] == 29
    assert comparison_words.shown_change(None, 1.2, change) is None
    assert comparison_words.shown_change(5.0, 1.2, {"leg_abs": None}) is None


def test_a_change_under_a_tenth_of_a_point_is_never_called_the_same():
    # Baselines of 0.036 -> 0.0 (100% lower) and 0.15 -> 0.16 (6.7% higher).
    lower = {"leg_abs": -0.03, "leg_pct_reduction": 100.0, "category": "minimal_improvement"}
    shown = comparison_words.shown_change(0.04, 0.0, lower)
    assert shown["words"] == "less than 0.1 points lower (100% lower)"
    higher = {"leg_abs": 0.01, "leg_pct_reduction": -6.6, "category": "no_important_change"}
    assert comparison_words.shown_change(0.15, 0.16, higher)["words"] == (
        "less than 0.1 points higher (6% higher)"
    )
    same = {"leg_abs": 0.0, "leg_pct_reduction": 0.0, "category": "no_important_change"}
    assert comparison_words.shown_change(5.0, 5.0, same)["words"] == "no change in points"


def test_with_a_baseline_of_0_the_percent_is_n_a():
    change = {"leg_abs": 1.2, "leg_pct_reduction": None, "category": "worse"}
    shown = comparison_words.shown_change(0.0, 1.2, change)
    assert shown["percent"] is None
    assert shown["words"] == "1.2 points higher (percent: n/a, as the average before was 0)"
    tiny = {"leg_abs": 0.0, "leg_pct_reduction": None, "category": "worse"}
    baseline, window = {"leg": {"mean": 0.0}}, {"enough_data": True, "leg": {"mean": 0.0}}
    window["change"] = tiny
    assert comparison_words.change_sentence("surgery", window, baseline) == (
        "Leg pain less than 0.1 points higher than before the surgery: worse."
    )


def test_nap_in_words():
    assert comparison_words.nap_words(0.97) == (
        "On 97 of 100 pairs of days (one before, one after), the later day hurt less "
        "(a tie counts as half)."
    )
    assert comparison_words.nap_words(0.998).startswith("On 99 of 100")  # never "100" unless all
    assert comparison_words.nap_words(1.0).startswith("On 100 of 100")
    assert comparison_words.nap_words(None) is None


def test_nap_of_a_diary_of_ties_says_that_ties_count_as_half():
    # Every day scored 5 before and after: NAP is 0.5, and the words must not claim that
    # on half of the pairs the later day hurt less (no day did).
    nap = analysis.nap([5] * 10, [5] * 10)
    assert comparison_words.nap_words(nap) == (
        "On 50 of 100 pairs of days (one before, one after), the later day hurt less "
        "(a tie counts as half)."
    )


def test_overlapping_therapies_in_words():
    therapy = {"start_day": "2026-08-10"}
    sentences = comparison_words.overlap_sentences(
        "epidural_steroid",
        therapy,
        {
            "overlapping_therapies": [
                {"id": "b", "label": "Physiotherapy", "start_day": "2026-08-31"},
                {"id": "c", "label": "Pregabalin", "start_day": "2026-08-01"},
            ],
            "baseline_after_therapies": [
                {"id": "d", "label": "Discectomy", "start_day": "2026-02-01"},
                {"id": "c", "label": "Pregabalin", "start_day": "2026-08-01"},
            ],
        },
    )
    # Pregabalin, begun inside the weeks before the injection, is said once, for both.
    assert sentences == [
        "Physiotherapy started 21 days after the injection: the change since then may come "
        "from either.",
        "Pregabalin started 9 days before the injection, in the weeks compared before it: this "
        "is not a before-any-therapy baseline, and the change since then may come from either.",
        "The weeks before the injection were within the year after Discectomy (1 Feb 2026): "
        "this is not a before-any-therapy baseline.",
    ]


def test_activity_numbers_keep_their_scale():
    assert comparison_words.activity_number(3.6) == "3.6\u00a0of\u00a04"
    assert comparison_words.activity_number(None) == ""


def test_distal_sentences_name_centralization_and_peripheralization():
    better = comparison_words.distal_sentence(5.0, 2.0)
    assert better.startswith("Pain now stops above the knee, at the buttock; before, it reached")
    assert "centralization" in better
    worse = comparison_words.distal_sentence(2.0, 4.5)
    assert worse.startswith("Pain now reaches below the knee, down to the foot")
    assert "peripheralization" in worse and worse.endswith("worth telling your physician about.")
    # Someone the patient shares with reads it without the advice to the patient.
    shared = comparison_words.distal_sentence(2.0, 4.5, shared=True)
    assert shared == worse.replace("telling your physician about", "a closer look")
    assert comparison_words.distal_sentence(3.0, 3.0) == (
        "Pain reaches as far as before: above the knee, in the thigh."
    )
    assert comparison_words.distal_sentence(2.0, 0.0) == "No pain is marked on the body map now."
    assert comparison_words.distal_sentence(None, 2.0) is None


def test_day_words():
    assert comparison_words.day_words("2026-08-03") == "3 Aug 2026"
    assert comparison_words.day_words(None) == ""


def test_a_therapy_is_named_by_its_label_or_its_kind():
    assert comparison_words.therapy_name({"kind": "surgery", "label": "Discectomy"}) == "Discectomy"
    assert comparison_words.therapy_name({"kind": "prp_injection", "label": ""}) == "PRP injection"
