"""The clinical catalogue beside the body map: activities, red flags, therapy kinds, anchors.

Pure data (CLINICAL.md sections 1 and 3). Validation, forms and summaries read it from here.
The words are translated when they are shown (``lazy_gettext``); exports that are a
documented format say them in English (docs/exports.md).
"""

from diary.i18n.text import N_
from diary.i18n.text import lazy_gettext as _l

#: Activity code -> the patient's words. Limits are 0-4; unanswered means unknown, not 0.
ACTIVITIES = {
    "sitting": _l("Sitting"),
    "standing": _l("Standing"),
    "walking": _l("Walking"),
    "sleeping": _l("Sleeping"),
    "bending_lifting": _l("Bending or lifting"),
    "driving_travel": _l("Driving or travelling"),
    "work_chores": _l("Work or chores"),
    "self_care": _l("Washing and dressing"),
}

LIMIT_WORDS = {
    0: _l("None"),
    1: _l("Mild"),
    2: _l("Moderate"),
    3: _l("Severe"),
    4: _l("Could not do it"),
}

#: Red flag code -> the checkbox text. Any of them means: seek urgent care.
RED_FLAGS = {
    "leg_weakness": _l("New weakness in a leg or foot"),
    "saddle_numbness": _l("Numbness between the legs or around the bottom (saddle area)"),
    "bladder_bowel": _l("New trouble controlling or passing urine or stools"),
}

#: Said in the reader's language where it is shown (gettext it there); kept as the English
#: text here so that it can be compared and searched for as it is.
RED_FLAG_ADVICE = N_(
    "Seek urgent medical care now (an emergency department, or call your emergency number). "
    "These can be signs of cauda equina syndrome, which needs treatment within hours."
)

THERAPY_KINDS = {
    "msc_injection": _l("Stem-cell (MSC) injection"),
    "prp_injection": _l("PRP injection"),
    "epidural_steroid": _l("Epidural steroid injection"),
    "nerve_block": _l("Nerve block"),
    "surgery": _l("Surgery"),
    "physiotherapy": _l("Physiotherapy"),
    "medication_change": _l("Medication change"),
    "other": _l("Other"),
}

#: Kinds given as a course, which may carry an end day.
COURSE_KINDS = {"physiotherapy", "medication_change", "other"}

PAIN_ANCHORS = {0: _l("no pain"), 10: _l("worst pain imaginable")}
NOTE_MAX = 2000
TOLERANCE_MAX_MIN = 24 * 60


def activity_index(activities: dict[str, int]) -> float | None:
    """Daily activity limitation index (0-100): mean of answered limits x 25, given 4 or more."""
    values = [v for v in activities.values() if v is not None]
    if len(values) < 4:
        return None
    return sum(values) / len(values) * 25
