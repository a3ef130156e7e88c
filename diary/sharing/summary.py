"""What a physician or a view link sees of one patient: the charts page's numbers, read-only,
and the one-minute printable summary built from them.

The numbers come from ``charts.page.charts_page`` (the patient's own charts page), never
computed a second way; this module only picks what a reader needs first and adds the
static timeline drawing (timeline_svg) that prints.
"""

from collections.abc import Callable
from datetime import date, timedelta

from diary import clinical
from diary.charts import page as charts
from diary.charts import reads
from diary.clinical import comparison, daily
from diary.clinical.comparison_words import CATEGORY_WORDS, caveat_words, span_words, therapy_name
from diary.i18n.text import gettext
from diary.questionnaires import words as questionnaire_words
from diary.sharing import notes, timeline_svg
from diary.sync import queries

#: The printed timeline covers at most the last year: longer, a day is thinner than a dot.
PRINT_DAYS = 365
RECENT_NOTES = 8
#: Warning signs of these last days are listed day by day: a new or ongoing sign is what
#: needs acting on; older days are counted (how long it has been reported).
RECENT_FLAG_DAYS = 28
#: Up to this many therapies, each before/after table is printed in full; with more, only
#: the latest therapy's, and an older one prints its baseline and the period its sentence
#: is about, so that many therapies do not push the summary to a third page (every period
#: stays on the charts page).
FULL_TABLES = 2


def flag_groups(entries: list[dict], today: date) -> list[dict]:
    """The warning signs reported in ``entries`` (``{"day", "red_flags"}``), one group per
    kind, the most recently reported first: ``[{"flag", "words", "days", "first",
    "latest", "recent"}]``, ``days`` counting the days it was reported, ``recent`` those of
    the last RECENT_FLAG_DAYS up to ``today``, newest first."""
    by_flag: dict[str, set[str]] = {}
    for entry in entries:
        for flag in entry["red_flags"] or ():
            by_flag.setdefault(flag, set()).add(entry["day"])
    recent_from = (today - timedelta(days=RECENT_FLAG_DAYS - 1)).isoformat()
    order = list(clinical.RED_FLAGS)
    groups = [
        {
            "flag": flag,
            "words": gettext(clinical.RED_FLAGS[flag]),
            "days": len(days),
            "first": min(days),
            "latest": max(days),
            "recent": sorted((d for d in days if d >= recent_from), reverse=True),
        }
        for flag, days in by_flag.items()
    ]
    return sorted(groups, key=lambda g: (g["latest"], -order.index(g["flag"])), reverse=True)


def _print_rows(panel: dict) -> list[dict]:
    """The windows of one therapy worth a row on paper: the baseline, always (with too few
    days it says so: without it the follow-ups would read as compared with nothing), and
    the windows with enough data or a questionnaire answer (a window still running is
    marked ``in_progress``). ``window`` is the panel's, for its not-enough-data words."""
    rows = []
    for window in panel["windows"]:
        answered = [q for q in window["questionnaires"] if q["response"] is not None]
        if not window["enough_data"] and not answered and window["name"] != "baseline":
            continue
        change = window.get("change") or {}
        rows.append(
            {
                "name": window["name"],
                "label": window["label"],
                "from": window["from"],
                "to": window["to"],
                "span": span_words(window["from"], window["to"]),
                "days_logged": window["days_logged"],
                "days_in_window": window["days_in_window"],
                "leg_mean": window["leg"]["mean"],
                "back_mean": window["back"]["mean"],
                # Points and percent as worked out from the means shown (they add up).
                "shown": window.get("shown"),
                "category": CATEGORY_WORDS.get(change.get("category")),
                "baseline": window["name"] == "baseline",
                "in_progress": window["in_progress"],
                "progress": window["progress"],
                "enough_data": window["enough_data"],
                "window": window,
                # Every instrument the window shows: one without an answer here says so.
                "questionnaires": [
                    questionnaire_words.short_words(q) for q in window["questionnaires"]
                ],
            }
        )
    return rows


def print_tables(panels: list[dict]) -> list[dict]:
    """Each therapy's before/after table for paper: ``[{"panel", "name", "rows", "brief"}]``
    in the panels' order, each with every row of ``_print_rows`` up to FULL_TABLES
    therapies. With more, all but the therapy that started last are ``brief``: their
    baseline and the window their headline sentence is about (only the baseline without a
    headline)."""
    latest = max(panels, key=lambda p: p["therapy"]["start_day"], default=None)
    tables = []
    for panel in panels:
        rows = _print_rows(panel)
        brief = len(panels) > FULL_TABLES and panel is not latest
        if brief:
            headline = panel["headline"]["name"] if panel["headline"] else None
            rows = [row for row in rows if row["baseline"] or row["name"] == headline]
        tables.append(
            {"panel": panel, "name": therapy_name(panel["therapy"]), "rows": rows, "brief": brief}
        )
    return tables


def focus_panel(panels: list[dict]) -> dict | None:
    """The therapy whose body maps the summary shows: the latest one with enough data
    before it and in its latest 4 weeks, else None."""
    usable = [p for p in panels if p["baseline"]["enough_data"] and p["latest"]["enough_data"]]
    return max(usable, key=lambda p: p["therapy"]["start_day"]) if usable else None


def patient_view(
    db, patient, *, today: date | None = None, older_url: Callable[[str], str] | None = None
) -> dict:
    """Everything the physician's patient page and the printable summary show of
    ``patient`` (an ``accounts.User``): notes left out unless the patient shares them.

    As the patient's own charts page, the timeline carries the last ``reads.SHOWN_DAYS``
    days and weekly averages before them; ``older_url(to)`` is where the charts script fetches
    the older single days, up to ``to`` (an ISO day), for ``chart_data``'s ``older``; None
    where nothing may fetch them.

    Returns ``{"patient", "today", "page", "chart_data", "period", "red_flags", "notes",
    "therapies", "tables", "focus", "questionnaires", "timeline_svg", "timeline_title_id",
    "caveat"}``; ``page`` and
    ``chart_data`` are the charts page's own (``charts.page.charts_page``/``chart_data``).
    """
    today = today or comparison.patient_today(patient.time_zone)
    # As the patient's own charts page reads (diary/charts/reads.py), and the flags and notes
    # by their own queries: the last year of days, so the page does not grow with the diary.
    therapies = notes.shared_all(
        queries.list_therapies(db, patient.id), "therapy", share_notes=patient.share_notes
    )
    responses = queries.list_responses(db, patient.id)
    page = reads.read(
        db,
        patient.id,
        therapies,
        today=today,
        shown_from=reads.shown_from(today),
        responses=responses,
        shared=True,
    )
    first_shown = page["shown_from"]
    older = older_url(reads.older_until(date.fromisoformat(first_shown))) if older_url else None
    # The printed year lies within the days carried (PRINT_DAYS <= reads.SHOWN_DAYS).
    printed_from = max(
        date.fromisoformat(page["first_day"]) if page["first_day"] else today,
        today - timedelta(days=PRINT_DAYS - 1),
    ).isoformat()
    printed = [row for row in page["timeline"] if row["day"] >= printed_from]
    drawing = f"timeline-{patient.id}"
    return {
        "patient": {"id": patient.id, "name": patient.name},
        "today": today,
        "page": page,
        "chart_data": charts.chart_data(page, today=today, older_url=older),
        "period": {
            "first": page["first_day"],
            "last": page["last_day"],
            "days_logged": page["days_logged"],
            "printed_from": printed[0]["day"] if printed else None,
        },
        "red_flags": flag_groups(daily.flagged_entries(db, patient.id), today),
        "notes": daily.latest_notes(db, patient.id, RECENT_NOTES) if patient.share_notes else None,
        "therapies": [
            {**t, "kind_label": gettext(clinical.THERAPY_KINDS.get(t["kind"], t["kind"]))}
            for t in therapies
        ],
        "tables": print_tables(page["panels"]),
        "focus": focus_panel(page["panels"]),
        "questionnaires": questionnaire_words.latest_answers(responses, therapies),
        "timeline_svg": timeline_svg.render(
            printed,
            [{**t, "name": therapy_name(t)} for t in therapies],
            title=gettext("Daily leg and back pain of %(name)s", name=patient.name),
            ident=drawing,
        ),
        # The drawing's <title> (timeline_svg.render), which names its box on a phone.
        "timeline_title_id": f"{drawing}-title",
        "caveat": caveat_words(),
    }
