"""The clinical catalogue beside the body map: activities, red flags, therapy kinds, anchors.

Pure data (CLINICAL.md sections 1 and 3). Validation, forms and summaries read it from here.
"""

#: Activity code -> the patient's words. Limits are 0-4; unanswered means unknown, not 0.
ACTIVITIES = {
    "sitting": "Sitting",
    "standing": "Standing",
    "walking": "Walking",
    "sleeping": "Sleeping",
    "bending_lifting": "Bending or lifting",
    "driving_travel": "Driving or travelling",
    "work_chores": "Work or chores",
    "self_care": "Washing and dressing",
}

LIMIT_WORDS = {0: "None", 1: "Mild", 2: "Moderate", 3: "Severe", 4: "Could not do it"}

#: Red flag code -> the checkbox text. Any of them means: seek urgent care.
RED_FLAGS = {
    "leg_weakness": "New weakness in a leg or foot",
    "saddle_numbness": "Numbness between the legs or around the bottom (saddle area)",
    "bladder_bowel": "New trouble controlling or passing urine or stools",
}

RED_FLAG_ADVICE = (
    "Seek urgent medical care now (an emergency department, or call your emergency number). "
    "These can be signs of cauda equina syndrome, which needs treatment within hours."
)

THERAPY_KINDS = {
    "msc_injection": "Stem-cell (MSC) injection",
    "prp_injection": "PRP injection",
    "epidural_steroid": "Epidural steroid injection",
    "nerve_block": "Nerve block",
    "surgery": "Surgery",
    "physiotherapy": "Physiotherapy",
    "medication_change": "Medication change",
    "other": "Other",
}

#: Kinds given as a course, which may carry an end day.
COURSE_KINDS = {"physiotherapy", "medication_change", "other"}

PAIN_ANCHORS = {0: "no pain", 10: "worst pain imaginable"}
NOTE_MAX = 2000
TOLERANCE_MAX_MIN = 24 * 60


def activity_index(activities: dict[str, int]) -> float | None:
    """Daily activity limitation index (0-100): mean of answered limits x 25, given 4 or more."""
    values = [v for v in activities.values() if v is not None]
    if len(values) < 4:
        return None
    return sum(values) / len(values) * 25
