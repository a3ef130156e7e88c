"""The physician's list of patients: who shares now, and what needs a look first.

For each patient: the last day with an entry, the mean leg pain of their last 7 days, the
latest therapy and the category of its change at the latest window with enough data, the
latest answer to each questionnaire with its change, and any warning signs (red flags) of
their last 14 days. Patients with warning signs come
first unless another order is asked for.

A busy physician's list is found by name and shown a page at a time. What orders the list
(the glance: last entry, week, warning signs) is read for every patient in two statements;
the before/after comparison and the questionnaires, which cost most, only for the patients
on the page shown. The HTML page asks for a page by number; the API continues after a
cursor (``cursor``/``cursor_position``), the same pages either way.
"""

import hashlib
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean

from diary import clinical
from diary.clinical import comparison, daily
from diary.clinical.comparison_words import (
    CATEGORY_WORDS,
    WINDOW_LABELS,
    baseline_after_sentences,
    latest_label,
    therapy_name,
)
from diary.i18n.text import and_list, gettext
from diary.i18n.text import lazy_gettext as _l
from diary.questionnaires import words as questionnaire_words
from diary.rounding import half_up
from diary.sharing import invites, log
from diary.sync import queries

RECENT_DAYS = 7
RED_FLAG_DAYS = 14
#: Patients on one page of the physician's list: a page that stays quick to load and scroll.
PAGE_SIZE = 50
#: The longest name filter taken (longer than any name worth typing).
QUERY_MAX_LENGTH = 100
#: The orders the list can be shown in, and their words.
SORTS = {
    "attention": _l("warning signs first"),
    "name": _l("name"),
    "last_entry": _l("last entry"),
    "leg_pain": _l("leg pain this week"),
}


def recent_leg_mean(entries: list[dict], today: date) -> tuple[float | None, int]:
    """Mean of the daily leg pain over the RECENT_DAYS ending ``today`` and the days it
    counts (a day with several entries counts once, at its mean)."""
    first = (today - timedelta(days=RECENT_DAYS - 1)).isoformat()
    daily: dict[str, list[int]] = {}
    for entry in entries:
        if first <= entry["day"] <= today.isoformat() and entry["leg_pain"] is not None:
            daily.setdefault(entry["day"], []).append(entry["leg_pain"])
    if not daily:
        return None, 0
    return half_up(fmean(fmean(values) for values in daily.values()), 1), len(daily)


def red_flags(entries: list[dict]) -> list[dict]:
    """Every warning sign reported in ``entries``, newest day first:
    ``[{"day", "flag", "words"}]``, each flag once a day."""
    seen = {(e["day"], flag) for e in entries for flag in e.get("red_flags") or ()}
    order = list(clinical.RED_FLAGS)
    return [
        {"day": day, "flag": flag, "words": gettext(clinical.RED_FLAGS[flag])}
        for day, flag in sorted(seen, key=lambda pair: (pair[0], -order.index(pair[1])))[::-1]
    ]


def latest_therapy(db, patient_id: int, today: date, therapies=None) -> dict | None:
    """The therapy that started last, with the category of its change at the latest window
    with enough data (None when no window has): ``{"id", "name", "kind", "start_day",
    "window", "window_label", "window_to", "window_current", "category", "category_words",
    "overlapping_therapies", "overlap_words", "baseline_after_therapies",
    "baseline_words"}``, or None without therapies.

    ``window_to`` is that window's last day; ``window_current`` is false when it is the
    latest window and its last entry is older than ``comparison.CURRENT_DAYS`` (its label
    then names that day: "4 weeks to 12 Mar 2026"), and null without a window.
    ``overlapping_therapies`` are the comparison's (``comparison.overlaps``): other
    therapies begun in its weeks compared, whose change cannot be told apart from this
    one's; ``overlap_words`` says so in a line (None without any), as every view of a
    comparison must (CLINICAL.md section 4). ``baseline_after_therapies`` are the earlier
    therapies whose follow-up year covers its weeks before, and ``baseline_words`` the
    charts page's sentences saying it is not a before-any-therapy baseline. A therapy in
    both lists (begun inside the weeks before) is said once, in ``overlap_words``.
    ``therapies`` are the patient's (``queries.list_therapies``), read here when not given."""
    if therapies is None:
        therapies = queries.list_therapies(db, patient_id)
    if not therapies:
        return None
    therapy = max(therapies, key=lambda t: (t["start_day"], t["created_at"]))
    entries = queries.entries_for_comparison(db, patient_id, therapy["start_day"])
    result = comparison.therapy_comparison(
        therapy, entries, therapies=therapies, today=today, baseline_days=28, exclusion_days=7
    )
    headline = comparison.headline_window(result["windows"])
    category = headline["change"]["category"] if headline else None
    others = result["overlapping_therapies"]
    earlier = result["baseline_after_therapies"]
    # A therapy begun inside the weeks before both overlaps and clouds the baseline: one
    # line says both (as comparison_words.overlap_sentences does on the charts).
    both = {o["id"] for o in others} & {e["id"] for e in earlier}
    current = None
    label = None
    if headline:
        # Only the latest window stands for "now"; a follow-up window says which it is.
        current = headline["name"] != "latest" or result["latest_current"]
        label = (
            latest_label(headline["to"], current)
            if headline["name"] == "latest"
            else WINDOW_LABELS[headline["name"]]
        )
    return {
        "id": therapy["id"],
        "name": therapy_name(therapy),
        "kind": therapy["kind"],
        "start_day": therapy["start_day"],
        "window": headline["name"] if headline else None,
        "window_label": label,
        "window_to": headline["to"] if headline else None,
        "window_current": current,
        "category": category,
        "category_words": CATEGORY_WORDS.get(category),
        "overlapping_therapies": others,
        "overlap_words": _overlap_line(others, both),
        "baseline_after_therapies": earlier,
        "baseline_words": baseline_after_sentences(
            therapy["kind"], [e for e in earlier if e["id"] not in both]
        ),
    }


def _overlap_line(others: list[dict], both: set) -> str | None:
    if not others:
        return None
    therapies = and_list(o["label"] for o in others)
    if both:
        return gettext(
            "Overlaps with %(therapies)s: this is not a before-any-therapy baseline, and the "
            "change may come from either.",
            therapies=therapies,
        )
    return gettext(
        "Overlaps with %(therapies)s: the change may come from either.", therapies=therapies
    )


def _flag_from(today: date) -> str:
    return (today - timedelta(days=RED_FLAG_DAYS - 1)).isoformat()


def _glance(patient: dict, today: date, recent: list[dict], last_day: str | None) -> dict:
    """What orders the list, for ``patient`` (a row of ``invites.patients_of``): its
    ``recent`` entries (at least the last RED_FLAG_DAYS up to ``today``) and the day of its
    latest entry."""
    shown = [e for e in recent if _flag_from(today) <= e["day"] <= today.isoformat()]
    leg_mean, leg_days = recent_leg_mean(shown, today)
    return {
        "id": patient["id"],
        "name": patient["name"],
        "since": patient["since"],
        "until": patient["until"],
        "ends_soon": invites.ends_soon(patient["until"]),
        "last_entry_day": last_day,
        "leg_pain_7d": leg_mean,
        "leg_pain_7d_days": leg_days,
        "red_flags": red_flags(shown),
        "today": today,
    }


def _complete(db, glance: dict) -> dict:
    """The glance with the latest therapy's verdict and the questionnaires: a list row."""
    row = {key: value for key, value in glance.items() if key != "today"}
    therapies = queries.list_therapies(db, glance["id"])
    row["latest_therapy"] = latest_therapy(db, glance["id"], glance["today"], therapies)
    row["questionnaires"] = questionnaire_words.latest_answers(
        queries.list_responses(db, glance["id"]), therapies
    )
    return row


def patient_summary(db, patient: dict) -> dict:
    """One row of the list for ``patient`` (a row of ``invites.patients_of``)."""
    today = comparison.patient_today(patient["time_zone"])
    recent = daily.recent_of_patients(db, [patient["id"]], _flag_from(today))
    last = daily.last_days_of(db, [patient["id"]])[patient["id"]]
    return _complete(db, _glance(patient, today, recent.get(patient["id"], []), last))


def name_key(text: str) -> str:
    """``text`` as names are matched: case and accents left out ("José" is "jose"), spaces
    collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def name_matches(name: str, query: str) -> bool:
    """Whether every word of ``query`` is in ``name``, case and accents aside ("garcia
    maria" finds "María García"); an empty query matches every name."""
    folded = name_key(name)
    return all(word in folded for word in name_key(query).split())


# Each order's key, and whether it runs highest first (a missing value always comes last).
# Names in the order a reader expects, accents aside: "María" before "Mario".
_ORDERS = {
    "attention": (lambda row: (not row["red_flags"], name_key(row["name"]), row["id"]), False),
    "name": (lambda row: (name_key(row["name"]), row["id"]), False),
    "last_entry": (lambda row: row["last_entry_day"] or "", True),
    "leg_pain": (lambda row: (row["leg_pain_7d"] is not None, row["leg_pain_7d"] or 0), True),
}


#: A place in the list to continue from, as the API hands it out: how many patients were
#: listed before it, and a digest of the order and name filter those were listed in.
CURSOR_PATTERN = r"^(?:0|[1-9][0-9]{0,17})\.[0-9a-f]{16}$"


def _list_digest(sort: str, query: str) -> str:
    # Binds a cursor to its list: continuing "after 50" in another order, or under another
    # name filter, would silently skip and repeat patients. Not a secret: q is in the URL.
    text = f"{sort}\n{name_key(query)}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cursor(listed: int, sort: str, query: str) -> str:
    """The cursor of the place after the first ``listed`` patients of the list in the order
    ``sort``, filtered by ``query``."""
    return f"{listed}.{_list_digest(sort, query)}"


def cursor_position(text, sort: str, query: str) -> int | None:
    """How many patients were listed before the place ``text`` (a ``cursor``) names, or None
    when it is not a cursor of this list (made up, or of another order or name filter)."""
    if not isinstance(text, str) or not re.fullmatch(CURSOR_PATTERN, text):
        return None
    listed, _, digest = text.partition(".")
    return int(listed) if digest == _list_digest(sort, query) else None


@dataclass(frozen=True)
class Listing:
    """One page of the physician's list: its ``rows`` (``patient_summary`` rows), how many
    patients share now (``sharing``) and how many of them the name filter kept
    (``matching``), this page's ``number`` of ``pages`` (at least 1), and the ``next``
    page's cursor (None on the last page)."""

    rows: list[dict]
    sharing: int
    matching: int
    number: int
    pages: int
    next: str | None = None


def patients(
    db,
    physician_id: int,
    *,
    sort: str = "attention",
    query: str = "",
    page: int = 1,
    per_page: int | None = None,
    after: int | None = None,
) -> Listing:
    """The patients sharing with the physician now whose name matches ``query``
    (``name_matches``), in the order ``sort`` (one of SORTS) names, ``per_page`` a page
    (all on one page when None). The page starts after the first ``after`` patients (a
    ``cursor_position``; past the end, the page is empty) or, without ``after``, is page
    ``page``, counted from 1 (one past the last is the last).
    Refuses (ValueError) another order, or a negative ``after``."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    if after is not None and after < 0:
        raise ValueError("after must be 0 or more")
    sharing = invites.patients_of(db, physician_id)
    found = [patient for patient in sharing if name_matches(patient["name"], query)]
    todays = {p["id"]: comparison.patient_today(p["time_zone"]) for p in found}
    ids = list(todays)
    earliest = min(todays.values(), default=date.today())
    recent = daily.recent_of_patients(db, ids, _flag_from(earliest))
    last_days = daily.last_days_of(db, ids)
    glances = [
        _glance(p, todays[p["id"]], recent.get(p["id"], []), last_days[p["id"]]) for p in found
    ]
    key, highest_first = _ORDERS[sort]
    glances.sort(key=key, reverse=highest_first)
    size = per_page or max(len(glances), 1)
    pages = max(math.ceil(len(glances) / size), 1)
    if after is None:
        number = min(max(page, 1), pages)
        start = (number - 1) * size
    else:
        start, number = after, min(after // size + 1, pages)
    shown = glances[start : start + size]
    following = start + len(shown)
    return Listing(
        rows=[_complete(db, glance) for glance in shown],
        sharing=len(sharing),
        matching=len(found),
        number=number,
        pages=pages,
        next=cursor(following, sort, query) if following < len(glances) else None,
    )


def log_listed(db, physician, rows: list[dict]) -> None:
    """Write to each listed patient's access log that the physician's list showed them
    (once per few minutes: the list is opened often)."""
    for row in rows:
        viewer = log.Viewer(
            patient_id=row["id"], physician_id=physician.id, physician_name=physician.name
        )
        log.record(db, viewer, "patients", collapse=True)
