"""Every word the cohort pages and files show, whole sentences with named blanks.

One place, so a translation finds them all; no sentence is assembled from pieces. The
therapy kinds' names come from ``diary.clinical``, the instruments' from their definitions.
"""

from __future__ import annotations

from diary.i18n.text import N_, format_percent, gettext

# The constants are the English words, marked for the catalogue (N_); ``say`` gives them in
# the reader's language with their blanks (str.format's {name}) filled. A file for other
# programs (the CSV files) is made in English (diary.api.cohorts).


def say(text: str, **values) -> str:
    """``text``, one of the words here, in the reader's language, its blanks filled in."""
    words = gettext(text)
    return words.format(**values) if values else words


#: The column of each window, as trials head them.
WINDOW_HEADINGS = {
    "baseline": N_("Baseline"),
    "2w": N_("2 weeks"),
    "6w": N_("6 weeks"),
    "3m": N_("3 months"),
    "6m": N_("6 months"),
    "12m": N_("12 months"),
}
#: The days each column covers (offsets from the therapy day), in a footnote.
BASELINE_SPAN = N_("Baseline: the {days} days before the therapy day.")
WINDOW_SPAN = N_("{heading}: days {first} to {last} after the therapy day.")

POPULATIONS = {
    "all": N_("Everyone with data at each point"),
    "completers": N_("Completers only (data before the therapy and at every point shown)"),
}
#: The through= choices: how far the table goes.
THROUGH = {
    "2w": N_("to 2 weeks"),
    "6w": N_("to 6 weeks"),
    "3m": N_("to 3 months"),
    "6m": N_("to 6 months"),
    "12m": N_("to 12 months"),
}

WHO_COUNTED = N_(
    "Who is counted: the patients who share their diary with you now, who had this therapy: "
    "{kind} (each patient's first one), and who have not asked to be left out of cohort "
    "tables. Patients who stopped sharing are not counted."
)
NO_CONTROL = N_(
    "Without a control group a table like this cannot show that a therapy works: sciatica "
    "often improves on its own, and scores recorded at a bad time drift back towards usual "
    "levels. In the RESPINE trial, {stem_cells} of patients given stem cells and {sham} given "
    "a sham procedure were responders at 12 months."
)
POPULATION_SENTENCES = {
    "all": N_(
        "Each column counts every patient with enough data at that point, so the patients "
        "differ from one column to the next."
    ),
    "completers": N_(
        "Only completers are counted: patients with enough data before the therapy and at "
        "every point shown."
    ),
}
COMPLETERS_NOT_EVERYONE = N_(
    "Completers are not everyone: patients who stopped logging may have done better or "
    "worse than those who kept going, so a table of completers can look better or worse "
    "than the whole group did."
)
CHANGE_OF_MEANS = N_(
    "The change of the means (the group's mean at a point minus its mean at baseline, as "
    "trials' tables show) is not the mean of each patient's change; both are shown, each "
    "labelled."
)
NOT_FINISHED = N_(
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
        say(WHO_COUNTED, kind=kind_name),
        say(NO_CONTROL, **_respine()),
        say(POPULATION_SENTENCES[population]),
        say(COMPLETERS_NOT_EVERYONE),
        say(CHANGE_OF_MEANS),
        say(NOT_FINISHED, min_days=min_days),
    ]


# ---- the table's rows (measures) and cells --------------------------------------------------

ROW_LABELS = {
    "leg": N_("Leg pain (0-10), mean ± SD (n)"),
    "back": N_("Back pain (0-10), mean ± SD (n)"),
    "leg_change_of_means": N_("Leg pain, change of the group means (points)"),
    "leg_mean_of_pct": N_("Leg pain, mean of each patient's reduction (%, n)"),
    "back_change_of_means": N_("Back pain, change of the group means (points)"),
    "back_mean_of_pct": N_("Back pain, mean of each patient's reduction (%, n)"),
    "responders": N_(
        "Responders: leg pain down by at least 30% and 2 points (count of n, %, 95% CI)"
    ),
    "without_data": N_("No data (too few days, lost to follow-up, or not there yet)"),
    "in_progress": N_("Of those: period not finished yet"),
}
#: The rows of each instrument, by its id; an instrument without rows here is left out of
#: the table (the API still reports it).
QUESTIONNAIRE_ROWS = {
    "rmdq": {
        "mean": N_("RMDQ disability (0-24), mean ± SD (n)"),
        "change_of_means": N_("RMDQ, change of the group means (points)"),
        "mean_of_pct": N_("RMDQ, mean of each patient's improvement (%, n)"),
        "responders": N_("RMDQ responders: better by 5 points or 30% (count of n, %, 95% CI)"),
    },
    "odi": {
        "mean": N_("ODI disability (0-100), mean ± SD (n)"),
        "change_of_means": N_("ODI, change of the group means (points)"),
        "mean_of_pct": N_("ODI, mean of each patient's improvement (%, n)"),
        "responders": N_("ODI responders: better by 10 points or 30% (count of n, %, 95% CI)"),
    },
    "pgic": {
        "mean": N_("PGIC (1 very much improved to 7 very much worse), mean ± SD (n)"),
        "responders": N_("PGIC much or very much improved (count of n, %, 95% CI)"),
    },
}

MEAN_CELL = N_("{mean} ± {sd} ({n})")
MEAN_CELL_ONE = N_("{mean} ({n})")
PCT_CELL = N_("{pct}% ({n})")
RESPONDER_CELL = N_("{count} of {n} ({rate}%, {lo}-{hi}%)")
NO_NUMBER = "–"
SUPPRESSED = N_("fewer than 5")

TABLE_TITLE = N_("Patients after this therapy: {kind}")
MEASURE = N_("Measure")
PATIENTS_COUNTED = N_("Patients counted: {n}")
OTHER_THERAPIES = N_(
    "{n} of them had another therapy during the follow-up: the change may come from either."
)
SUPPRESSION_NOTE = N_(
    "Small cells: any number resting on 1 to 4 patients is shown as \u201cfewer than 5\u201d. "
    "Numbers of different tables (everyone and completers, other windows) can still be "
    "set against each other to single a patient out: keep this file as you keep patient data."
)
RESEARCH_TOO_FEW = N_(
    "A research file needs at least {n} patients: with fewer, each could be picked out."
)
RESEARCH_COUNTS = N_("counts {n} patients here")
RESEARCH_NOTE = N_(
    "De-identified: patients are P1, P2 ... drawn at random for this file; no names, "
    "emails, notes, therapy labels or dates; days are counted from the therapy day (0)."
)

#: The chart's words, handed to static/js/cohort-chart.js with its numbers.
CHART_WORDS = {
    "axis": N_("Pain (0-10)"),
    "leg_mean": N_("Leg pain, group mean"),
    "back_mean": N_("Back pain, group mean"),
    "patient_tooltip": N_("{label}, {name}: leg pain {value}"),
}
