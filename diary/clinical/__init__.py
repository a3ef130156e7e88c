"""The clinical side of the diary.

- here: the clinical catalogue beside the body map (activities, red flags, therapy kinds,
  anchors);
- ``regions``: the body map's regions;
- ``analysis``: the before/after statistics, pure;
- ``daily``: each day's values as SQLite computes them for the charts and comparisons;
- ``comparison`` and ``comparison_words``: what a therapy's before/after panel shows, and
  how it says it in a patient's words.

The catalogue is pure data (CLINICAL.md sections 1 and 3). Validation, forms and summaries
read it from here. The words here are English, marked for the catalogue (N_): ``said``
gives a table of them in the reader's language where they are shown; exports, a
documented format, keep them English (docs/exports.md).
"""

from diary.i18n.text import N_, said

__all__ = ["said"]  # the tables below in the reader's language: clinical.said(ACTIVITIES)


#: Activity code -> the patient's words. Limits are 0-4; unanswered means unknown, not 0.
ACTIVITIES = {
    "sitting": N_("Sitting"),
    "standing": N_("Standing"),
    "walking": N_("Walking"),
    "sleeping": N_("Sleeping"),
    "bending_lifting": N_("Bending or lifting"),
    "driving_travel": N_("Driving or travelling"),
    "work_chores": N_("Work or chores"),
    "self_care": N_("Washing and dressing"),
}

LIMIT_WORDS = {
    0: N_("None"),
    1: N_("Mild"),
    2: N_("Moderate"),
    3: N_("Severe"),
    4: N_("Could not do it"),
}

#: Red flag code -> the checkbox text. Any of them means: seek urgent care.
RED_FLAGS = {
    "leg_weakness": N_("New weakness in a leg or foot"),
    "saddle_numbness": N_("Numbness between the legs or around the bottom (saddle area)"),
    "bladder_bowel": N_("New trouble controlling or passing urine or stools"),
}

#: Said in the reader's language where it is shown (gettext it there); kept as the English
#: text here so that it can be compared and searched for as it is.
RED_FLAG_ADVICE = N_(
    "Seek urgent medical care now (an emergency department, or call your emergency number). "
    "These can be signs of cauda equina syndrome, which needs treatment within hours."
)

THERAPY_KINDS = {
    "msc_injection": N_("Stem-cell (MSC) injection"),
    "prp_injection": N_("PRP injection"),
    "epidural_steroid": N_("Epidural steroid injection"),
    "nerve_block": N_("Nerve block"),
    "surgery": N_("Surgery"),
    "physiotherapy": N_("Physiotherapy"),
    "medication_change": N_("Medication change"),
    "other": N_("Other"),
}

#: Kinds given as a course, which may carry an end day.
COURSE_KINDS = {"physiotherapy", "medication_change", "other"}

PAIN_ANCHORS = {0: N_("no pain"), 10: N_("worst pain imaginable")}
NOTE_MAX = 2000
TOLERANCE_MAX_MIN = 24 * 60


def activity_index(activities: dict[str, int]) -> float | None:
    """Daily activity limitation index (0-100): mean of answered limits x 25, given 4 or more."""
    values = [v for v in activities.values() if v is not None]
    if len(values) < 4:
        return None
    return sum(values) / len(values) * 25
