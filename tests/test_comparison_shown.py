"""What the pages say of a change agrees with its category (CLINICAL.md section 4).

The diaries are the clinical audit's: a change whose category comes from the unrounded
means must not be worded from the means rounded first (30% and 2.1 points beside "minimal
improvement"), a change under 0.1 points is not "the same", a baseline of 0 makes the
percent "n/a", and NAP's ties count as half. Each is read on the patient's charts page
(and the first three on the physician's printable summary), through the real app.
"""

from datetime import timedelta

import pytest

from tests.clock import TODAY
from tests.conftest import text_of
from tests.worked_example import around, post_all

T = TODAY - timedelta(days=40)


def _diary(patient, before, after):
    """``before`` daily leg scores ending the day before T, ``after`` from T+8 on; an MSC
    injection on T. Returns the comparison's 2-week window from the API."""
    post_all(patient, "/api/v1/entries", around(T, before, after))
    therapy = patient.post(
        "/api/v1/therapies", {"kind": "msc_injection", "start_day": T.isoformat()}
    ).get_json()
    body = patient.get(f"/api/v1/therapies/{therapy['id']}/comparison").get_json()
    return {w["name"]: w for w in body["windows"]}["2w"]


def _pages(patient, doctor):
    """The patient's charts page and the physician's printable summary, as read."""
    summary = doctor.client.get(f"/patients/{patient.user['id']}/summary")
    assert summary.status_code == 200
    return text_of(patient.client.get("/charts")), text_of(summary)


def test_a_29_percent_change_is_never_shown_as_30_beside_minimal_improvement(shared):
    patient, doctor = shared
    # 6.964 before, 4.929 after: 2.04 points and 29.2% lower, a minimal improvement (an
    # important one needs 30% and 2 points).
    window = _diary(patient, [7] * 27 + [6], [5] * 13 + [4])
    change = window["change"]
    assert (change["leg_abs"], change["leg_pct_reduction"]) == (-2.04, 29.2)
    assert change["category"] == "minimal_improvement"
    for words in _pages(patient, doctor):
        assert "Leg pain 29% lower than before the injection: minimal improvement." in words
        assert "2.0 points lower (29% lower)" in words
        assert "30%" not in words.replace("at least 30%", "")
        assert "2.1 points" not in words


def test_a_change_under_a_tenth_of_a_point_is_not_called_the_same(shared):
    patient, doctor = shared
    # 1/28 = 0.036 before, 0 after: 100% lower, a minimal improvement of 0.04 points.
    window = _diary(patient, [1] + [0] * 27, [0] * 14)
    assert window["change"]["category"] == "minimal_improvement"
    for words in _pages(patient, doctor):
        assert "Leg pain 100% lower than before the injection: minimal improvement." in words
        assert "less than 0.1 points lower (100% lower)" in words
        assert "the same as" not in words and "no change in points" not in words


def test_with_a_baseline_of_0_the_percent_is_shown_as_n_a(shared):
    patient, doctor = shared
    window = _diary(patient, [0] * 28, [1] * 7 + [0] * 7)
    assert window["change"]["leg_pct_reduction"] is None
    for words in _pages(patient, doctor):
        assert "Leg pain 0.5 points higher than before the injection: worse." in words
        assert "0.5 points higher (percent: n/a, as the average before was 0)" in words


@pytest.mark.parametrize("language", ["en", "es"])
def test_nap_says_that_ties_count_as_half(shared, language):
    patient, doctor = shared
    patient.put("/api/v1/users/me", {"locale": language})
    window = _diary(patient, [5] * 28, [5] * 14)  # every pair a tie: NAP 0.5
    assert window["change"]["nap"] == 0.5
    words = text_of(patient.client.get("/charts"))
    if language == "en":
        assert "On 50 of 100 pairs of days (one before, one after), the later day hurt less " in (
            words
        )
        assert "the later day hurt less (a tie counts as half)." in words
    else:
        assert "el día posterior dolió menos (un empate cuenta como medio)." in words
