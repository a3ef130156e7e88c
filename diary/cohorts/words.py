"""Every word the cohort pages and files show, whole sentences with named blanks.

One place, so a translation finds them all; no sentence is assembled from pieces. The
therapy kinds' names come from ``diary.clinical``, the instruments' from their definitions.
"""

from __future__ import annotations

from diary.i18n.text import format_percent
from diary.i18n.text import lazy_gettext as _l

# Every constant is translated when it is used (lazy_gettext); a file meant for other
# programs (the CSV files) is built in English (diary.api.cohorts). Blanks are str.format's
# {name}: a translation keeps them.

#: The column of each window, as trials head them.
WINDOW_HEADINGS = {
    "baseline": _l("Baseline"),
    "2w": _l("2 weeks"),
    "6w": _l("6 weeks"),
    "3m": _l("3 months"),
    "6m": _l("6 months"),
    "12m": _l("12 months"),
}
#: The days each column covers (offsets from the therapy day), in a footnote.
BASELINE_SPAN = _l("Baseline: the {days} days before the therapy day.")
WINDOW_SPAN = _l("{heading}: days {first} to {last} after the therapy day.")

POPULATIONS = {
    "all": _l("Everyone with data at each point"),
    "completers": _l("Completers only (data before the therapy and at every point shown)"),
}
#: The through= choices: how far the table goes.
THROUGH = {
    "2w": _l("to 2 weeks"),
    "6w": _l("to 6 weeks"),
    "3m": _l("to 3 months"),
    "6m": _l("to 6 months"),
    "12m": _l("to 12 months"),
}

WHO_COUNTED = _l(
    "Who is counted: the patients who share their diary with you now, who had this therapy: "
    "{kind} (each patient's first one), and who have not asked to be left out of cohort "
    "tables. Patients who stopped sharing are not counted."
)
NO_CONTROL = _l(
    "Without a control group a table like this cannot show that a therapy works: sciatica "
    "often improves on its own, and scores recorded at a bad time drift back towards usual "
    "levels. In the RESPINE trial, {stem_cells} of patients given stem cells and {sham} given "
    "a sham procedure were responders at 12 months."
)
POPULATION_SENTENCES = {
    "all": _l(
        "Each column counts every patient with enough data at that point, so the patients "
        "differ from one column to the next."
    ),
    "completers": _l(
        "Only completers are counted: patients with enough data before the therapy and at "
        "every point shown."
    ),
}
COMPLETERS_NOT_EVERYONE = _l(
    "Completers are not everyone: patients who stopped logging may have done better or "
    "worse than those who kept going, so a table of completers can look better or worse "
    "than the whole group did."
)
CHANGE_OF_MEANS = _l(
    "The change of the means (the group's mean at a point minus its mean at baseline, as "
    "trials' tables show) is not the mean of each patient's change; both are shown, each "
    "labelled."
)
NOT_FINISHED = _l(
    "A patient has data at a point with at least {min_days} days logged in it. A period "
    "that has not ended yet for a patient counts as no data for that patient."
)


def _respine() -> dict:
    # The RESPINE trial's responders at 12 months (as analysis.CAVEAT_SHARES), written as the
    # reader's language writes a percentage.
    return {"stem_cells": format_percent(0.74), "sham": format_percent(0.69)}


def caution(kind_name: str, population: str, *, min_days: int) -> list[str]:
    """The cautions every cohort view carries, in order: who is counted, no control group,
    the population, completers are not everyone, the two changes, the data rule."""
    return [
        WHO_COUNTED.format(kind=kind_name),
        NO_CONTROL.format(**_respine()),
        POPULATION_SENTENCES[population],
        COMPLETERS_NOT_EVERYONE,
        CHANGE_OF_MEANS,
        NOT_FINISHED.format(min_days=min_days),
    ]


# ---- the table's rows (measures) and cells --------------------------------------------------

ROW_LABELS = {
    "leg": _l("Leg pain (0-10), mean ± SD (n)"),
    "back": _l("Back pain (0-10), mean ± SD (n)"),
    "leg_change_of_means": _l("Leg pain, change of the group means (points)"),
    "leg_mean_of_pct": _l("Leg pain, mean of each patient's reduction (%, n)"),
    "back_change_of_means": _l("Back pain, change of the group means (points)"),
    "back_mean_of_pct": _l("Back pain, mean of each patient's reduction (%, n)"),
    "responders": _l(
        "Responders: leg pain down by at least 30% and 2 points (count of n, %, 95% CI)"
    ),
    "without_data": _l("No data (too few days, lost to follow-up, or not there yet)"),
    "in_progress": _l("Of those: period not finished yet"),
}
#: The rows of each instrument, by its id; an instrument without rows here is left out of
#: the table (the API still reports it).
QUESTIONNAIRE_ROWS = {
    "rmdq": {
        "mean": _l("RMDQ disability (0-24), mean ± SD (n)"),
        "change_of_means": _l("RMDQ, change of the group means (points)"),
        "mean_of_pct": _l("RMDQ, mean of each patient's improvement (%, n)"),
        "responders": _l("RMDQ responders: better by 5 points or 30% (count of n, %, 95% CI)"),
    },
    "odi": {
        "mean": _l("ODI disability (0-100), mean ± SD (n)"),
        "change_of_means": _l("ODI, change of the group means (points)"),
        "mean_of_pct": _l("ODI, mean of each patient's improvement (%, n)"),
        "responders": _l("ODI responders: better by 10 points or 30% (count of n, %, 95% CI)"),
    },
    "pgic": {
        "mean": _l("PGIC (1 very much improved to 7 very much worse), mean ± SD (n)"),
        "responders": _l("PGIC much or very much improved (count of n, %, 95% CI)"),
    },
}

MEAN_CELL = _l("{mean} ± {sd} ({n})")
MEAN_CELL_ONE = _l("{mean} ({n})")
PCT_CELL = _l("{pct}% ({n})")
RESPONDER_CELL = _l("{count} of {n} ({rate}%, {lo}-{hi}%)")
NO_NUMBER = "–"
SUPPRESSED = _l("fewer than 5")

TABLE_TITLE = _l("Patients after this therapy: {kind}")
MEASURE = _l("Measure")
PATIENTS_COUNTED = _l("Patients counted: {n}")
OTHER_THERAPIES = _l(
    "{n} of them had another therapy during the follow-up: the change may come from either."
)
SUPPRESSION_NOTE = _l(
    "Small cells: any number resting on 1 to 4 patients is shown as \u201cfewer than 5\u201d "
    "so that no patient can be picked out."
)
RESEARCH_TOO_FEW = _l(
    "A research file needs at least {n} patients: with fewer, each could be picked out."
)
RESEARCH_COUNTS = _l("counts {n} patients here")
RESEARCH_NOTE = _l(
    "De-identified: patients are P1, P2 ... drawn at random for this file; no names, "
    "emails, notes, therapy labels or dates; days are counted from the therapy day (0)."
)

#: The chart's words, handed to static/js/cohort-chart.js with its numbers.
CHART_WORDS = {
    "axis": _l("Pain (0-10)"),
    "leg_mean": _l("Leg pain, group mean"),
    "back_mean": _l("Back pain, group mean"),
    "mean_tooltip": _l("{label}: {mean} ± {sd} SD ({n} patients)"),
    "patient_tooltip": _l("{label}, {name}: leg pain {value}"),
}
