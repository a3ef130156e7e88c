"""When questionnaires are asked: the weekly RMDQ, the PGIC at each follow-up window of a
therapy, and the cards a patient set aside."""

from datetime import date, timedelta

import pytest

from diary.questionnaires import engine, schedule

RMDQ, PGIC = engine.get("rmdq"), engine.get("pgic")
TODAY = date(2026, 8, 24)
INJECTION = {"id": "t-1", "kind": "epidural_steroid", "label": "", "start_day": "2026-08-10"}
PHYSIO = {"id": "t-2", "kind": "physiotherapy", "label": "", "start_day": "2026-06-20"}


def rmdq(day):
    return {"questionnaire": "rmdq", "day": day.isoformat(), "therapy_id": None}


def pgic(day, therapy="t-1"):
    return {"questionnaire": "pgic", "day": day.isoformat(), "therapy_id": therapy}


@pytest.mark.parametrize(
    ("days_ago", "due"), [(None, True), (0, False), (6, False), (7, True), (30, True)]
)
def test_the_rmdq_is_due_when_a_week_has_passed_since_the_last_one(days_ago, due):
    responses = [] if days_ago is None else [rmdq(TODAY - timedelta(days=days_ago))]
    card = schedule.weekly(RMDQ, responses + [pgic(TODAY)], TODAY)
    assert card["due"] is due
    assert card["last_day"] == (None if days_ago is None else responses[0]["day"])


def test_a_weekly_card_set_aside_stays_aside_for_a_week():
    old = [rmdq(TODAY - timedelta(days=10))]
    for days_ago, due in ((0, False), (6, False), (7, True)):
        key = schedule.weekly_key(RMDQ, TODAY - timedelta(days=days_ago))
        card = schedule.weekly(RMDQ, old, TODAY, [key])
        assert (card["due"], card["dismissed"]) == (due, not due)


def test_the_pgic_is_asked_in_each_follow_up_window_naming_the_therapy():
    # The injection was 14 days ago: weeks 2-3 (days 8 to 21 after it). Physiotherapy began
    # 65 days ago: between its 6-week and 3-month windows, so nothing is asked about it.
    cards = schedule.follow_ups(PGIC, [INJECTION, PHYSIO], [], TODAY)
    assert [(c["therapy"]["id"], c["window"], c["from"], c["to"]) for c in cards] == [
        ("t-1", "2w", "2026-08-18", "2026-08-31")
    ]
    assert cards[0]["prompt"] == (
        "Since your injection on 10 Aug 2026, how would you describe the change?"
    )
    assert cards[0]["label"] == "Weeks 2-3"


def test_the_windows_are_the_comparisons_own():
    # Between windows (day 25 after it) nothing is asked; in the 6-week window it is again.
    assert schedule.current_window(INJECTION, date(2026, 9, 4)) is None
    assert schedule.current_window(INJECTION, date(2026, 8, 17)) is None  # the flare week
    name, begin, end = schedule.current_window(INJECTION, date(2026, 9, 10))
    assert (name, begin.isoformat(), end.isoformat()) == ("6w", "2026-09-08", "2026-10-05")
    assert schedule.follow_ups(PGIC, [INJECTION], [], date(2026, 9, 4)) == []


def test_a_pgic_answered_in_the_window_or_set_aside_is_not_asked_again():
    answered = [pgic(date(2026, 8, 19))]
    assert schedule.follow_ups(PGIC, [INJECTION], answered, TODAY) == []
    # Answered before the window, or about another therapy: still asked.
    early = [pgic(date(2026, 8, 12)), pgic(date(2026, 8, 20), therapy="t-9")]
    assert len(schedule.follow_ups(PGIC, [INJECTION], early, TODAY)) == 1
    key = schedule.follow_up_key(PGIC, "t-1", "2w")
    assert schedule.follow_ups(PGIC, [INJECTION], [], TODAY, [key]) == []
    # The next window asks again.
    assert len(schedule.follow_ups(PGIC, [INJECTION], answered, date(2026, 9, 10), [key])) == 1


def test_the_question_names_each_kind_of_therapy_as_people_say_it():
    course = {**PHYSIO, "start_day": "2026-03-03"}
    assert schedule.prompt(PGIC, course) == (
        "Since you started physiotherapy on 3 Mar 2026, how would you describe the change?"
    )
    surgery = {"id": "s", "kind": "surgery", "label": "Microdiscectomy", "start_day": "2026-01-05"}
    assert schedule.prompt(PGIC, surgery).startswith("Since your surgery on 5 Jan 2026,")
    other = {"id": "o", "kind": "other", "label": "Acupuncture", "start_day": "2026-01-05"}
    assert schedule.prompt(PGIC, other).startswith("Since you started Acupuncture on 5 Jan 2026,")


def test_the_reminder_cookie_is_one_users_and_keeps_only_what_matters():
    value = schedule.with_key(None, 7, "rmdq.2026-08-20", TODAY)
    assert value == "7~rmdq.2026-08-20"
    assert schedule.dismissed(value, 7) == ["rmdq.2026-08-20"]
    assert schedule.dismissed(value, 8) == []  # another user on this browser: none of theirs
    assert schedule.dismissed("garbage", 7) == []
    # A weekly key a week old goes; follow-up keys stay; at most MAX_KEYS are kept.
    value = schedule.with_key("7~rmdq.2026-08-10~pgic.t-1.2w", 7, "rmdq.2026-08-24", TODAY)
    assert schedule.dismissed(value, 7) == ["pgic.t-1.2w", "rmdq.2026-08-24"]
    for n in range(30):
        value = schedule.with_key(value, 7, f"pgic.t-{n}.6w", TODAY)
    kept = schedule.dismissed(value, 7)
    assert len(kept) == schedule.MAX_KEYS and kept[-1] == "pgic.t-29.6w"
