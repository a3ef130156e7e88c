"""The physician's list of patients: who shares now, and what needs a look first.

For each patient: the last day with an entry, the mean leg pain of their last 7 days, the
latest therapy and the category of its change at the latest window with enough data, the
latest answer to each questionnaire with its change, and any warning signs (red flags) of
their last 14 days. Patients with warning signs come
first unless another order is asked for.
"""

from datetime import date, timedelta
from statistics import fmean

from diary import clinical
from diary.clinical import comparison
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
from diary.sharing import invites, log
from diary.sync import store

RECENT_DAYS = 7
RED_FLAG_DAYS = 14
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
    return round(fmean(fmean(values) for values in daily.values()), 1), len(daily)


def red_flags(entries: list[dict]) -> list[dict]:
    """Every warning sign reported in ``entries``, newest day first:
    ``[{"day", "flag", "words"}]``, each flag once a day."""
    seen = {(e["day"], flag) for e in entries for flag in e.get("red_flags") or ()}
    order = list(clinical.RED_FLAGS)
    return [
        {"day": day, "flag": flag, "words": gettext(clinical.RED_FLAGS[flag])}
        for day, flag in sorted(seen, key=lambda pair: (pair[0], -order.index(pair[1])))[::-1]
    ]


def latest_therapy(db, patient_id: int, today: date) -> dict | None:
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
    charts page's sentences saying it is not a before-any-therapy baseline."""
    therapies = store.list_therapies(db, patient_id)
    if not therapies:
        return None
    therapy = max(therapies, key=lambda t: (t["start_day"], t["created_at"]))
    entries = store.entries_for_comparison(db, patient_id, therapy["start_day"])
    result = comparison.therapy_comparison(
        therapy, entries, therapies=therapies, today=today, baseline_days=28, exclusion_days=7
    )
    headline = comparison.headline_window(result["windows"])
    category = headline["change"]["category"] if headline else None
    others = result["overlapping_therapies"]
    earlier = result["baseline_after_therapies"]
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
        "overlap_words": gettext(
            "Overlaps with %(therapies)s: the change may come from either.",
            therapies=and_list(o["label"] for o in others),
        )
        if others
        else None,
        "baseline_after_therapies": earlier,
        "baseline_words": baseline_after_sentences(therapy["kind"], earlier),
    }


def patient_summary(db, patient: dict) -> dict:
    """One row of the list for ``patient`` (a row of ``invites.patients_of``)."""
    today = comparison.patient_today(patient["time_zone"])
    first = today - timedelta(days=max(RECENT_DAYS, RED_FLAG_DAYS) - 1)
    recent, _ = store.list_entries(
        db, patient["id"], day_from=first.isoformat(), day_to=today.isoformat(), limit=10**6
    )
    flag_from = (today - timedelta(days=RED_FLAG_DAYS - 1)).isoformat()
    last = store.latest_entry(db, patient["id"])
    leg_mean, leg_days = recent_leg_mean(recent, today)
    return {
        "id": patient["id"],
        "name": patient["name"],
        "since": patient["since"],
        "until": patient["until"],
        "ends_soon": invites.ends_soon(patient["until"]),
        "last_entry_day": last["day"] if last else None,
        "leg_pain_7d": leg_mean,
        "leg_pain_7d_days": leg_days,
        "latest_therapy": latest_therapy(db, patient["id"], today),
        "red_flags": red_flags([e for e in recent if e["day"] >= flag_from]),
        "questionnaires": questionnaire_words.latest_answers(
            store.list_responses(db, patient["id"]), store.list_therapies(db, patient["id"])
        ),
    }


# Each order's key, and whether it runs highest first (a missing value always comes last).
_ORDERS = {
    "attention": (lambda row: (not row["red_flags"], row["name"].casefold(), row["id"]), False),
    "name": (lambda row: (row["name"].casefold(), row["id"]), False),
    "last_entry": (lambda row: row["last_entry_day"] or "", True),
    "leg_pain": (lambda row: (row["leg_pain_7d"] is not None, row["leg_pain_7d"] or 0), True),
}


def patients(db, physician_id: int, *, sort: str = "attention") -> list[dict]:
    """Every patient sharing with the physician now, as ``patient_summary`` rows, in the
    order ``sort`` (one of SORTS) names. Refuses (ValueError) another order."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    rows = [patient_summary(db, patient) for patient in invites.patients_of(db, physician_id)]
    key, highest_first = _ORDERS[sort]
    return sorted(rows, key=key, reverse=highest_first)


def log_listed(db, physician, rows: list[dict]) -> None:
    """Write to each listed patient's access log that the physician's list showed them
    (once per few minutes: the list is opened often)."""
    for row in rows:
        viewer = log.Viewer(
            patient_id=row["id"], physician_id=physician.id, physician_name=physician.name
        )
        log.record(db, viewer, "patients", collapse=True)
