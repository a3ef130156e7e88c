"""A before/after comparison in a patient's words: window names, the change as a sentence,
how far down the leg pain reaches, activity limits, days and therapy names.

Pure: no Flask, nothing stored. The numbers come from ``analysis``; this module only says
them. Clinical terms appear with a one-line explanation (DESIGN.md section 8).
"""

from __future__ import annotations

import math
from datetime import date

from babel.support import LazyProxy

from diary import clinical
from diary.clinical import analysis
from diary.i18n.text import (
    format_date,
    format_decimal,
    format_fixed,
    format_percent,
    gettext,
    ngettext,
)
from diary.i18n.text import lazy_gettext as _l
from diary.rounding import half_up

#: What each window is called on screen (the API keeps the short names).
WINDOW_LABELS = {
    "baseline": _l("Before"),
    "2w": _l("Weeks 2-3"),
    "6w": _l("Weeks 5-8"),
    "3m": _l("3 months"),
    "6m": _l("6 months"),
    "12m": _l("12 months"),
    "latest": _l("Latest 4 weeks"),
}

CATEGORY_WORDS = {
    "substantial_improvement": _l("substantial improvement"),
    "important_improvement": _l("clinically important improvement"),
    "minimal_improvement": _l("minimal improvement"),
    "no_important_change": _l("no important change"),
    "worse": _l("worse"),
    "important_worsening": _l("clinically important worsening"),
}

NAP_EXPLAINED = _l(
    "NAP (non-overlap of all pairs) compares every day before with every day after; "
    "50 of 100 would mean no change, 93 or more is a strong effect."
)
CI_EXPLAINED = _l(
    "%(level)s interval: where the change in average leg pain probably lies, allowing for "
    "day-to-day ups and downs.",
    level=LazyProxy(format_percent, 0.95, enable_cache=False),
)


def caveat_words() -> str:
    """analysis.CAVEAT in the reader's language, its shares written as the language does."""
    shares = {name: format_percent(share) for name, share in analysis.CAVEAT_SHARES.items()}
    return gettext(analysis.CAVEAT_TEMPLATE, **shares)


# A therapy of each kind after "before", "after" and "on the same day as": whole phrases,
# since languages join a preposition and an article differently ("antes del bloqueo").
_BEFORE_WORDS = {
    "msc_injection": _l("before the injection"),
    "prp_injection": _l("before the injection"),
    "epidural_steroid": _l("before the injection"),
    "nerve_block": _l("before the nerve block"),
    "surgery": _l("before the surgery"),
    "physiotherapy": _l("before physiotherapy"),
    "medication_change": _l("before the medication change"),
    "other": _l("before this therapy"),
}
_AFTER_WORDS = {
    "msc_injection": _l("after the injection"),
    "prp_injection": _l("after the injection"),
    "epidural_steroid": _l("after the injection"),
    "nerve_block": _l("after the nerve block"),
    "surgery": _l("after the surgery"),
    "physiotherapy": _l("after physiotherapy"),
    "medication_change": _l("after the medication change"),
    "other": _l("after this therapy"),
}
_SAME_DAY_WORDS = {
    "msc_injection": _l("on the same day as the injection"),
    "prp_injection": _l("on the same day as the injection"),
    "epidural_steroid": _l("on the same day as the injection"),
    "nerve_block": _l("on the same day as the nerve block"),
    "surgery": _l("on the same day as the surgery"),
    "physiotherapy": _l("on the same day as physiotherapy"),
    "medication_change": _l("on the same day as the medication change"),
    "other": _l("on the same day as this therapy"),
}

# How far down the leg pain reaches, per most-distal level (CLINICAL.md section 2).
_REACH_WORDS = {
    1: _l("in the back"),
    2: _l("above the knee, at the buttock"),
    3: _l("above the knee, in the thigh"),
    4: _l("below the knee, in the lower leg"),
    5: _l("below the knee, down to the foot"),
}


def before_words(kind: str) -> str:
    """ "before the injection", "before physiotherapy": a therapy of ``kind`` after "than"."""
    return str(_BEFORE_WORDS.get(kind, _BEFORE_WORDS["other"]))


def after_words(kind: str) -> str:
    """ "after the injection", "after physiotherapy"."""
    return str(_AFTER_WORDS.get(kind, _AFTER_WORDS["other"]))


def percent_words(percent: float) -> str:
    """A percentage (63 for 63%) as the reader's language writes it: "63%", "63 %"."""
    return format_percent(percent / 100)


def number_words(value: float) -> str:
    """A number as the reader's language writes it, without needless decimals: "4.8", "4,8"."""
    return format_decimal(value)


_LOWER_CATEGORIES = frozenset(
    ("substantial_improvement", "important_improvement", "minimal_improvement")
)
_HIGHER_CATEGORIES = frozenset(("worse", "important_worsening"))


def shown_change(
    before_mean: float | None, after_mean: float | None, change: dict | None
) -> dict | None:
    """The change of a follow-up window as the page shows it, from the window's ``change``
    with its ``leg_abs`` and ``leg_pct_reduction`` unrounded (``analysis.compare``'s
    ``unrounded_changes``; the API's rounded figures work too, if up to a unit high right
    at a threshold).

    Returns ``{"before", "after", "points", "percent", "direction", "points_words",
    "words"}``: the two means rounded to 1 decimal as shown beside it (halves up, from
    the figures given: the API's 2 decimals read the same here); ``points`` (post -
    pre) cut towards zero to 1 decimal and ``percent`` (the reduction, positive when
    lower) to a whole number, None when the baseline mean is 0 (n/a). Cut, never rounded
    up, so a figure cannot reach a threshold its category missed: 29.2% is 29%, not 30%,
    beside "minimal improvement", and 2.04 points is 2.0. ``direction`` ("lower",
    "higher" or "same") follows the unrounded change: a change under 0.1 points is "less
    than 0.1 points lower", never "the same". The means shown may differ by 0.1 from the
    points, which come from the unrounded means. None when either mean or the change is
    missing.
    """
    if before_mean is None or after_mean is None or not change or change["leg_abs"] is None:
        return None
    points = _cut(change["leg_abs"], 1)
    pct = change["leg_pct_reduction"]
    percent = None if pct is None else int(_cut(pct, 0))
    direction = _direction(change)
    shown = {
        "before": half_up(before_mean, 1),
        "after": half_up(after_mean, 1),
        "points": points,
        "percent": percent,
        "direction": direction,
    }
    shown["points_words"] = _points_words(points, direction)
    shown["words"] = _change_words(shown)
    return shown


def _cut(value: float, digits: int) -> float:
    """``value`` cut towards zero to ``digits`` decimals. The tolerance is the category's
    (``analysis.TOLERANCE``): 7.0 -> 4.9 is 30%, though 29.999999999999996% in binary."""
    scale = 10**digits
    return math.trunc(value * scale + math.copysign(analysis.TOLERANCE * scale, value)) / scale


def _direction(change: dict) -> str:
    """ "lower", "higher" or "same": the category's direction, else the change's sign."""
    category = change.get("category")
    if category in _LOWER_CATEGORIES:
        return "lower"
    if category in _HIGHER_CATEGORIES:
        return "higher"
    drop = change["leg_pct_reduction"]
    if drop is None or drop == 0:
        drop = -change["leg_abs"]
    if drop > 0:
        return "lower"
    return "higher" if drop < 0 else "same"


def _points_words(points: float, direction: str) -> str:
    """ "2.0 points lower", "less than 0.1 points higher", "no change in points"."""
    if direction == "same":
        return gettext("no change in points")
    if points == 0:
        tenth = format_fixed(0.1, 1)
        if direction == "lower":
            return gettext("less than %(points)s points lower", points=tenth)
        return gettext("less than %(points)s points higher", points=tenth)
    size = format_fixed(abs(points), 1)
    if direction == "lower":
        return gettext("%(points)s points lower", points=size)
    return gettext("%(points)s points higher", points=size)


def _change_words(shown: dict) -> str:
    """ "2.0 points lower (29% lower)", the percent "n/a" with a baseline mean of 0."""
    points, percent, direction = shown["points_words"], shown["percent"], shown["direction"]
    if percent is None:
        return gettext("%(points)s (percent: n/a, as the average before was 0)", points=points)
    if direction == "same":
        return points
    if percent == 0:
        if direction == "lower":
            return gettext(
                "%(points)s (less than %(percent)s lower)", points=points, percent=percent_words(1)
            )
        return gettext(
            "%(points)s (less than %(percent)s higher)", points=points, percent=percent_words(1)
        )
    if direction == "lower":
        return gettext(
            "%(points)s (%(percent)s lower)", points=points, percent=percent_words(percent)
        )
    return gettext(
        "%(points)s (%(percent)s higher)", points=points, percent=percent_words(abs(percent))
    )


def progress_words(window: dict) -> str | None:
    """ "in progress: 14 of 29 days so far" for a window begun and not over, else None."""
    if not window.get("in_progress"):
        return None
    return gettext(
        "in progress: %(elapsed)s of %(total)s days so far",
        elapsed=window["days_elapsed"],
        total=window["days_in_window"],
    )


def not_current_words(last_day: str, today: date) -> str:
    """That the latest 4 weeks end long before ``today`` (``comparison.latest_is_current``
    is false): "The last entry was on 12 Mar 2026, 270 days ago: the latest figures are
    from the 4 weeks up to it, not from now." """
    gap = (today - date.fromisoformat(last_day)).days
    return ngettext(
        "The last entry was on %(day)s, %(num)s day ago: the latest figures are from the "
        "4 weeks up to it, not from now.",
        "The last entry was on %(day)s, %(num)s days ago: the latest figures are from the "
        "4 weeks up to it, not from now.",
        gap,
        day=day_words(last_day),
    )


def latest_label(last_day: str | None, current: bool) -> str:
    """What the latest window is called where its days are not shown beside it: "Latest 4
    weeks" while it is current, else "4 weeks to 12 Mar 2026" (its last entry's day)."""
    if current or last_day is None:
        return str(WINDOW_LABELS["latest"])
    return gettext("4 weeks to %(day)s", day=day_words(last_day))


def change_sentence(kind: str, window: dict, baseline: dict) -> str | None:
    """The change of one follow-up window in a patient's words, or None without enough data.

    "Leg pain 63% lower than before the injection: substantial improvement." With a
    baseline mean of 0 the change is said in points, as the percent is n/a. A window still
    in progress says so first, and its verdict is "so far".
    """
    change = window.get("change") or {}
    if not window.get("enough_data") or change.get("category") is None:
        return None
    before = before_words(kind)
    shown = shown_change(baseline["leg"]["mean"], window["leg"]["mean"], change)
    verdict = str(CATEGORY_WORDS[change["category"]])
    if window.get("in_progress"):
        verdict = so_far_words(verdict, window)
    direction = shown["direction"]
    if shown["percent"] is None:
        points = shown["points"]
        if direction == "same":
            return gettext(
                "Leg pain the same as %(before)s: %(verdict)s.", before=before, verdict=verdict
            )
        if points == 0:
            # With a baseline of 0 a change can only be higher; under 0.1 is still a change.
            return gettext(
                "Leg pain less than %(points)s points higher than %(before)s: %(verdict)s.",
                points=format_fixed(0.1, 1),
                before=before,
                verdict=verdict,
            )
        return ngettext(
            "Leg pain %(points)s point higher than %(before)s: %(verdict)s.",
            "Leg pain %(points)s points higher than %(before)s: %(verdict)s.",
            abs(points),
            points=number_words(abs(points)),
            before=before,
            verdict=verdict,
        )
    if shown["percent"] == 0 or direction == "same":
        # Under 1% either way: only ever "no important change" (that needs 10%).
        return gettext(
            "Leg pain about the same as %(before)s: %(verdict)s.", before=before, verdict=verdict
        )
    if direction == "lower":
        return gettext(
            "Leg pain %(percent)s lower than %(before)s: %(verdict)s.",
            percent=percent_words(shown["percent"]),
            before=before,
            verdict=verdict,
        )
    return gettext(
        "Leg pain %(percent)s higher than %(before)s: %(verdict)s.",
        percent=percent_words(-shown["percent"]),
        before=before,
        verdict=verdict,
    )


def so_far_words(verdict: str, window: dict) -> str:
    """A verdict of a window still in progress: "substantial improvement so far (in
    progress: 14 of 29 days so far)"."""
    return gettext(
        "%(verdict)s so far (%(progress)s)", verdict=verdict, progress=progress_words(window)
    )


def nap_words(nap: float | None) -> str | None:
    """NAP in words: "On 97 of 100 pairs of days (one before, one after), the later day hurt
    less (a tie counts as half)." None without a value. Never "100 of 100" unless every
    pair was lower. The ties are said: NAP counts each as half a pair where the later day
    hurt less, so a diary of the same score throughout is "50 of 100", not a change. Halves
    are rounded up, as the API's figure is: a NAP of 0.625 is "63 of 100"."""
    if nap is None:
        return None
    share = half_up(nap * 100)
    if share == 100 and nap < 1:
        share = 99
    if share == 0 and nap > 0:
        share = 1
    return gettext(
        "On %(share)s of 100 pairs of days (one before, one after), the later day hurt less "
        "(a tie counts as half).",
        share=share,
    )


def activity_number(level: float | None) -> str:
    """A mean activity limit as a number on its 0-4 scale ("3.6 of 4"), "" when unknown."""
    # The non-breaking spaces keep "3.6 of 4" on one line.
    if level is None:
        return ""
    return gettext("%(level)s\u00a0of\u00a04", level=format_fixed(level, 1))


ACTIVITY_SCALE = _l("0 means pain did not limit it, 4 that you could not do it.")
ACTIVITY_INDEX_EXPLAINED = _l(
    "Activity limit index: 0 means pain limited none of the activities you answered, 100 "
    "that you could do none of them (the average of your answers on the 0-4 scale, x 25). "
    "It is our own measure, not a validated questionnaire."
)
# The same, read by someone the patient shares with (a physician's page, a view link).
ACTIVITY_SCALE_SHARED = _l("0 means pain did not limit it, 4 that the patient could not do it.")
ACTIVITY_INDEX_EXPLAINED_SHARED = _l(
    "Activity limit index: 0 means pain limited none of the activities the patient answered, "
    "100 that they could do none of them (the average of their answers on the 0-4 scale, "
    "x 25). It is our own measure, not a validated questionnaire."
)


def relative_day(day: str, therapy: dict) -> str:
    """When ``day`` is, from the therapy's start: "21 days after the injection", "3 days
    before the injection, in the weeks compared before it", "on the same day as ..."."""
    kind = therapy["kind"]
    gap = (date.fromisoformat(day) - date.fromisoformat(therapy["start_day"])).days
    if gap > 0:
        return ngettext(
            "%(num)s day %(after)s", "%(num)s days %(after)s", gap, after=after_words(kind)
        )
    if gap < 0:
        return ngettext(
            "%(num)s day %(before)s, in the weeks compared before it",
            "%(num)s days %(before)s, in the weeks compared before it",
            -gap,
            before=before_words(kind),
        )
    return str(_SAME_DAY_WORDS.get(kind, _SAME_DAY_WORDS["other"]))


def overlap_sentences(kind: str, therapy: dict, comparison: dict) -> list[str]:
    """What other therapies do to this comparison, in words (CLINICAL.md section 4). An
    earlier therapy given inside the weeks before this one both overlaps and clouds the
    baseline: one sentence says both."""
    overlapping = comparison.get("overlapping_therapies", [])
    earlier = comparison.get("baseline_after_therapies", [])
    both = {other["id"] for other in overlapping} & {other["id"] for other in earlier}
    sentences = []
    for other in overlapping:
        words = {
            "therapy": other["label"],
            "when": relative_day(other["start_day"], {**therapy, "kind": kind}),
        }
        if other["id"] in both:
            sentences.append(
                gettext(
                    "%(therapy)s started %(when)s: this is not a before-any-therapy baseline, "
                    "and the change since then may come from either.",
                    **words,
                )
            )
        else:
            sentences.append(
                gettext(
                    "%(therapy)s started %(when)s: the change since then may come from either.",
                    **words,
                )
            )
    rest = [other for other in earlier if other["id"] not in both]
    return sentences + baseline_after_sentences(kind, rest)


def baseline_after_sentences(kind: str, earlier: list[dict]) -> list[str]:
    """That the weeks before a therapy of ``kind`` lie within the follow-up year of each
    ``earlier`` therapy (``{"label", "start_day"}``), in words: every view that shows the
    comparison (the charts, the summary, the physician's list) says it in these."""
    return [
        gettext(
            "The weeks %(before)s were within the year after %(therapy)s (%(day)s): "
            "this is not a before-any-therapy baseline.",
            before=before_words(kind),
            therapy=other["label"],
            day=day_words(other["start_day"]),
        )
        for other in earlier
    ]


def distal_sentence(
    before: float | None, after: float | None, until: str | None = None, *, shared: bool = False
) -> str | None:
    """How far down the leg pain reaches now compared with before, or None when unknown.

    Levels are window medians of the most distal level (0 none, 1 back ... 5 foot); a
    lower level is centralization (usually a good sign), a higher one peripheralization.
    ``until`` is the last entry's day when the latest weeks are not current
    (``comparison.latest_is_current``): the sentence then names that day, never "now".
    ``shared``: read by someone the patient shares with, whom a spreading pain is not told
    to go and tell their physician.
    """
    if before is None or after is None:
        return None
    was, now = (half_up(v) for v in (before, after))
    day = day_words(until) if until else None
    if now == 0:
        if not was:
            return None
        if day:
            return gettext("No pain was marked on the body map in the 4 weeks to %(day)s.", day=day)
        return gettext("No pain is marked on the body map now.")
    where, earlier = str(_REACH_WORDS[now]), str(_REACH_WORDS.get(was, ""))
    if was == 0:
        if day:
            return gettext(
                "In the 4 weeks to %(day)s, pain reached %(where)s; none was marked before.",
                day=day,
                where=where,
            )
        return gettext("Pain now reaches %(where)s; none was marked before.", where=where)
    if now < was:
        if day and now == 1:
            moved = gettext(
                "In the 4 weeks to %(day)s, pain stayed %(where)s; before, it reached %(earlier)s.",
                day=day,
                where=where,
                earlier=earlier,
            )
        elif day:
            moved = gettext(
                "In the 4 weeks to %(day)s, pain stopped %(where)s; before, it reached "
                "%(earlier)s.",
                day=day,
                where=where,
                earlier=earlier,
            )
        elif now == 1:
            moved = gettext(
                "Pain now stays %(where)s; before, it reached %(earlier)s.",
                where=where,
                earlier=earlier,
            )
        else:
            moved = gettext(
                "Pain now stops %(where)s; before, it reached %(earlier)s.",
                where=where,
                earlier=earlier,
            )
        good = gettext(
            "Pain moving back towards the spine (centralization) is usually a good sign."
        )
        return f"{moved} {good}"
    if now > was:
        if day:
            moved = gettext(
                "In the 4 weeks to %(day)s, pain reached %(where)s; before, it stopped "
                "%(earlier)s.",
                day=day,
                where=where,
                earlier=earlier,
            )
        else:
            moved = gettext(
                "Pain now reaches %(where)s; before, it stopped %(earlier)s.",
                where=where,
                earlier=earlier,
            )
        if shared:
            tell = gettext(
                "Pain spreading further down the leg (peripheralization) is worth a closer look."
            )
        else:
            tell = gettext(
                "Pain spreading further down the leg (peripheralization) is worth telling "
                "your physician about."
            )
        return f"{moved} {tell}"
    return gettext("Pain reaches as far as before: %(where)s.", where=where)


def therapy_of_day(kind: str, day: str) -> str:
    """A therapy and its day, after "about": "the injection of 3 Mar 2026"."""
    if kind in ("msc_injection", "prp_injection", "epidural_steroid"):
        return gettext("the injection of %(day)s", day=day)
    if kind == "nerve_block":
        return gettext("the nerve block of %(day)s", day=day)
    if kind == "surgery":
        return gettext("the surgery of %(day)s", day=day)
    if kind == "physiotherapy":
        return gettext("physiotherapy of %(day)s", day=day)
    if kind == "medication_change":
        return gettext("the medication change of %(day)s", day=day)
    return gettext("this therapy of %(day)s", day=day)


def since_words(therapy: dict, day: str) -> str:
    """What a question "Since ...?" calls a therapy and its day: "your injection on 10 Aug
    2026", "you started physiotherapy on 3 Mar 2026"."""
    kind = therapy["kind"]
    if kind in ("msc_injection", "prp_injection", "epidural_steroid"):
        return gettext("your injection on %(day)s", day=day)
    if kind == "nerve_block":
        return gettext("your nerve block on %(day)s", day=day)
    if kind == "surgery":
        return gettext("your surgery on %(day)s", day=day)
    if kind == "medication_change":
        return gettext("your medication change on %(day)s", day=day)
    words = (
        gettext(clinical.THERAPY_KINDS[kind])
        if kind in clinical.THERAPY_KINDS
        else gettext("This therapy")
    )
    label = therapy.get("label") or ""
    # The kind's own words read in a sentence in lower case; a label of the patient's as typed.
    name = label if label and label.lower() != words.lower() else words[:1].lower() + words[1:]
    return gettext("you started %(name)s on %(day)s", name=name, day=day)


#: A day as people write it, in Babel's pattern language: translators give their own.
DAY_PATTERN = _l("d MMM y")
#: A span's first day when both days share the year ("17 Jul – 13 Aug 2026").
DAY_WITHOUT_YEAR_PATTERN = _l("d MMM")


def day_words(day: str | date | None) -> str:
    """A day as people write it ("3 Aug 2026", "3 ago 2026"), "" for None."""
    if day is None:
        return ""
    day = day if isinstance(day, date) else date.fromisoformat(day)
    return format_date(day, str(DAY_PATTERN))


def span_words(first: str, last: str) -> str:
    """Two days as a span, the year said once when both share it: "17 Jul – 13 Aug 2026"."""
    begin, end = date.fromisoformat(first), date.fromisoformat(last)
    if begin.year != end.year:
        return f"{day_words(begin)} \u2013 {day_words(end)}"
    return f"{format_date(begin, str(DAY_WITHOUT_YEAR_PATTERN))} \u2013 {day_words(end)}"


def therapy_name(therapy: dict) -> str:
    """What a therapy is called on screen: its label, or its kind in words."""
    return therapy.get("label") or gettext(
        clinical.THERAPY_KINDS.get(therapy["kind"], therapy["kind"])
    )
