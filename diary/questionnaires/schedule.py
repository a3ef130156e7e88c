"""When a questionnaire is asked: a weekly one (the RMDQ) once a week has passed since its
last answer; one anchored to a therapy (the PGIC) in each follow-up window of that therapy.

Pure: no Flask, nothing stored. The follow-up windows are ``analysis.windows``' own (2
weeks, 6 weeks, 3, 6 and 12 months), so a PGIC asked in a window is the PGIC the
comparison of that window shows. A card the patient dismissed stays away for a week (a
weekly one) or for its window (a follow-up); what was dismissed is kept in a cookie of
this browser (``reminder_cookie``), readable offline by static/js/questionnaire-cards.js.
"""

from __future__ import annotations

from datetime import date, timedelta

from diary.clinical import analysis
from diary.clinical.comparison_words import WINDOW_LABELS, day_words, since_words, therapy_name
from diary.questionnaires.engine import Definition

WEEK = 7
#: The cookie that remembers dismissed cards: "<user id>~<key>~<key>...".
COOKIE = "diary_reminders"
#: Keys kept at most (the newest): a key is a few dozen characters, a cookie a few KB.
MAX_KEYS = 20
FOLLOW_UPS = tuple(name for name, _lo, _hi in analysis.POST_WINDOWS)


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


# ---- dismissed cards -------------------------------------------------------------------


def dismissed(cookie: str | None, user_id: int) -> list[str]:
    """The keys in a reminder cookie, when it is this user's (another user's: none)."""
    if not cookie:
        return []
    owner, *keys = cookie.split("~")
    return keys if owner == str(user_id) else []


def weekly_key(definition: Definition, today: date) -> str:
    """The key of a weekly card dismissed ``today``: it stays away for a week."""
    return f"{definition.id}.{today.isoformat()}"


def follow_up_key(definition: Definition, therapy_id: str, window: str) -> str:
    """The key of a follow-up card dismissed for one window of one therapy."""
    return f"{definition.id}.{therapy_id}.{window}"


def with_key(cookie: str | None, user_id: int, key: str, today: date) -> str:
    """The cookie's new value with ``key`` added: weekly keys older than a week dropped,
    at most MAX_KEYS kept (the newest), another user's keys gone."""
    keys = [k for k in dismissed(cookie, user_id) if k != key and not _stale(k, today)]
    return "~".join([str(user_id), *(keys + [key])[-MAX_KEYS:]])


def _stale(key: str, today: date) -> bool:
    parts = key.split(".")
    if len(parts) != 2:
        return False
    try:
        return _day(parts[1]) <= today - timedelta(days=WEEK)
    except ValueError:
        return True


def _weekly_dismissed(definition: Definition, keys: list[str], today: date) -> bool:
    prefix = f"{definition.id}."
    for key in keys:
        if key.startswith(prefix) and key.count(".") == 1 and not _stale(key, today):
            return True
    return False


# ---- what is due -------------------------------------------------------------------------


def weekly(definition: Definition, responses: list[dict], today: date, keys=()) -> dict:
    """The weekly card of ``definition`` for ``today``.

    Returns ``{"questionnaire", "last_day", "due", "dismissed"}``: due when it was never
    answered or its last answer (``responses`` of any questionnaire) is a week old or more,
    and not dismissed within the last week.
    """
    days = [r["day"] for r in responses if r["questionnaire"] == definition.id]
    last = max(days) if days else None
    due = last is None or _day(last) <= today - timedelta(days=WEEK)
    gone = _weekly_dismissed(definition, list(keys), today)
    return {
        "questionnaire": definition.id,
        "last_day": last,
        "due": due and not gone,
        "dismissed": due and gone,
    }


def current_window(therapy: dict, today: date) -> tuple[str, date, date] | None:
    """The follow-up window of ``therapy`` that ``today`` falls in: (name, first, last day),
    or None between windows and before the first."""
    for name, begin, end in analysis.windows(therapy["start_day"]):
        if name in FOLLOW_UPS and begin is not None and begin <= today <= end:
            return name, begin, end
    return None


def follow_ups(
    definition: Definition, therapies: list[dict], responses: list[dict], today: date, keys=()
) -> list[dict]:
    """The follow-up cards of an instrument anchored to therapies (the PGIC) for ``today``.

    One per therapy whose follow-up window holds today, unless a response about that
    therapy was given in that window or the card was dismissed for it. Each: ``{"therapy",
    "window", "label", "from", "to", "prompt", "key"}``; ``prompt`` names the therapy and
    its day ("Since your injection on 10 Aug 2026, how would you describe the change?").
    """
    cards = []
    for therapy in therapies:
        window = current_window(therapy, today)
        if window is None:
            continue
        name, begin, end = window
        answered = any(
            r["questionnaire"] == definition.id
            and r.get("therapy_id") == therapy["id"]
            and begin.isoformat() <= r["day"] <= end.isoformat()
            for r in responses
        )
        key = follow_up_key(definition, therapy["id"], name)
        if answered or key in keys:
            continue
        cards.append(
            {
                "therapy": therapy,
                "window": name,
                "label": WINDOW_LABELS[name],
                "from": begin.isoformat(),
                "to": end.isoformat(),
                "prompt": prompt(definition, therapy),
                "key": key,
            }
        )
    return cards


def prompt(definition: Definition, therapy: dict) -> str:
    """The question of an anchored instrument about ``therapy``, from the definition's
    ``prompt`` ("Since {since}, how would you ..."); its item's text when it has none."""
    if definition.prompt is None:
        return definition.answerable[0].text
    since = since_words(therapy, day_words(therapy["start_day"]))
    return definition.prompt.format(since=since, therapy=therapy_name(therapy))
