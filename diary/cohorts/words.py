"""Every word the cohort pages and files show, whole sentences with named blanks.

One place, so a translation finds them all; no sentence is assembled from pieces. The
therapy kinds' names come from ``diary.clinical``, the instruments' from their definitions.
"""

from __future__ import annotations

#: The column of each window, as trials head them.
WINDOW_HEADINGS = {
    "baseline": "Baseline",
    "2w": "2 weeks",
    "6w": "6 weeks",
    "3m": "3 months",
    "6m": "6 months",
    "12m": "12 months",
}
#: The days each column covers (offsets from the therapy day), in a footnote.
BASELINE_SPAN = "Baseline: the {days} days before the therapy day."
WINDOW_SPAN = "{heading}: days {first} to {last} after the therapy day."

POPULATIONS = {
    "all": "Everyone with data at each point",
    "completers": "Completers only (data before the therapy and at every point shown)",
}
#: The through= choices: how far the table goes.
THROUGH = {
    "2w": "to 2 weeks",
    "6w": "to 6 weeks",
    "3m": "to 3 months",
    "6m": "to 6 months",
    "12m": "to 12 months",
}

WHO_COUNTED = (
    "Who is counted: the patients who share their diary with you now, who had this therapy: "
    "{kind} (each patient's first one), and who have not asked to be left out of cohort "
    "tables. Patients who stopped sharing are not counted."
)
NO_CONTROL = (
    "Without a control group a table like this cannot show that a therapy works: sciatica "
    "often improves on its own, and scores recorded at a bad time drift back towards usual "
    "levels. In the RESPINE trial, 74% of patients given stem cells and 69% given a sham "
    "procedure were responders at 12 months."
)
POPULATION_SENTENCES = {
    "all": (
        "Each column counts every patient with enough data at that point, so the patients "
        "differ from one column to the next."
    ),
    "completers": (
        "Only completers are counted: patients with enough data before the therapy and at "
        "every point shown."
    ),
}
COMPLETERS_NOT_EVERYONE = (
    "Completers are not everyone: patients who stopped logging may have done better or "
    "worse than those who kept going, so a table of completers can look better or worse "
    "than the whole group did."
)
CHANGE_OF_MEANS = (
    "The change of the means (the group's mean at a point minus its mean at baseline, as "
    "trials' tables show) is not the mean of each patient's change; both are shown, each "
    "labelled."
)
NOT_FINISHED = (
    "A patient has data at a point with at least {min_days} days logged in it. A period "
    "that has not ended yet for a patient counts as no data for that patient."
)


def caution(kind_name: str, population: str, *, min_days: int) -> list[str]:
    """The cautions every cohort view carries, in order: who is counted, no control group,
    the population, completers are not everyone, the two changes, the data rule."""
    return [
        WHO_COUNTED.format(kind=kind_name),
        NO_CONTROL,
        POPULATION_SENTENCES[population],
        COMPLETERS_NOT_EVERYONE,
        CHANGE_OF_MEANS,
        NOT_FINISHED.format(min_days=min_days),
    ]


# ---- the table's rows (measures) and cells --------------------------------------------------

ROW_LABELS = {
    "leg": "Leg pain (0-10), mean ± SD (n)",
    "back": "Back pain (0-10), mean ± SD (n)",
    "leg_change_of_means": "Leg pain, change of the group means (points)",
    "leg_mean_of_pct": "Leg pain, mean of each patient's reduction (%, n)",
    "back_change_of_means": "Back pain, change of the group means (points)",
    "back_mean_of_pct": "Back pain, mean of each patient's reduction (%, n)",
    "responders": (
        "Responders: leg pain down by at least 30% and 2 points (count of n, %, 95% CI)"
    ),
    "without_data": "No data (too few days, lost to follow-up, or not there yet)",
    "in_progress": "Of those: period not finished yet",
}
#: The rows of each instrument, by its id; an instrument without rows here is left out of
#: the table (the API still reports it).
QUESTIONNAIRE_ROWS = {
    "rmdq": {
        "mean": "RMDQ disability (0-24), mean ± SD (n)",
        "change_of_means": "RMDQ, change of the group means (points)",
        "mean_of_pct": "RMDQ, mean of each patient's improvement (%, n)",
        "responders": "RMDQ responders: better by 5 points or 30% (count of n, %, 95% CI)",
    },
    "odi": {
        "mean": "ODI disability (0-100), mean ± SD (n)",
        "change_of_means": "ODI, change of the group means (points)",
        "mean_of_pct": "ODI, mean of each patient's improvement (%, n)",
        "responders": "ODI responders: better by 10 points or 30% (count of n, %, 95% CI)",
    },
    "pgic": {
        "mean": "PGIC (1 very much improved to 7 very much worse), mean ± SD (n)",
        "responders": "PGIC much or very much improved (count of n, %, 95% CI)",
    },
}

MEAN_CELL = "{mean} ± {sd} ({n})"
MEAN_CELL_ONE = "{mean} ({n})"
PCT_CELL = "{pct}% ({n})"
RESPONDER_CELL = "{count} of {n} ({rate}%, {lo}-{hi}%)"
NO_NUMBER = "–"
SUPPRESSED = "fewer than 5"

TABLE_TITLE = "Patients after this therapy: {kind}"
MEASURE = "Measure"
PATIENTS_COUNTED = "Patients counted: {n}"
OTHER_THERAPIES = (
    "{n} of them had another therapy during the follow-up: the change may come from either."
)
SUPPRESSION_NOTE = (
    "Small cells: any number resting on 1 to 4 patients is shown as \u201cfewer than 5\u201d "
    "so that no patient can be picked out."
)
RESEARCH_TOO_FEW = (
    "A research file needs at least {n} patients: with fewer, each could be picked out."
)
RESEARCH_COUNTS = "counts {n} patients here"
RESEARCH_NOTE = (
    "De-identified: patients are P1, P2 ... drawn at random for this file; no names, "
    "emails, notes, therapy labels or dates; days are counted from the therapy day (0)."
)

#: The chart's words, handed to static/js/cohort-chart.js with its numbers.
CHART_WORDS = {
    "axis": "Pain (0-10)",
    "leg_mean": "Leg pain, group mean",
    "back_mean": "Back pain, group mean",
    "mean_tooltip": "{label}: {mean} ± {sd} SD ({n} patients)",
    "patient_tooltip": "{label}, {name}: leg pain {value}",
}
