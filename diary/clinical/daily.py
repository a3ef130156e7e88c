"""The per-day values a diary's charts and comparisons rest on, computed by SQLite.

``analysis.daily_values`` is the definition (the mean of a day's leg and back scores, its
activity limit index, its most distal painful region); this is the same computation done
inside SQLite, one row per day read out instead of every entry with its JSON decoded in
Python: five years of a diary cost the charts page a fraction of what they did.
``tests/test_daily.py`` holds the two to the same answers on random diaries.

Reads take day spans, so a page reads the days it shows: the whole definition over the
spans its comparisons and its chart need, and the leg and back columns alone (no JSON) for
what spans the whole diary (its weekly averages and its first and last days).
"""

import json
from datetime import date

from diary.clinical import analysis, regions
from diary.db import fetch_all

# A region's level by its code, as one CASE: a join with a table of levels let SQLite put
# that table outermost and parse every entry's body map once per region.
_LEVEL_OF_KEY = (
    "CASE region.key "
    + " ".join(f"WHEN '{r.code}' THEN {r.level}" for r in regions.REGIONS)
    + " END"
)

# Day spans come as one JSON array of [first, last] pairs (one statement however many
# spans), each read through the (patient_id, day) index: CROSS JOIN keeps the spans the
# outer loop. They must not overlap, or a day would count twice.
_SPANS = """spans AS MATERIALIZED (
    SELECT value ->> 0 AS first, value ->> 1 AS last FROM json_each(?)
)"""
_IN_SPANS = """FROM spans CROSS JOIN entries
    WHERE patient_id = ? AND deleted = 0 AND day BETWEEN spans.first AND spans.last"""


def _spans(spans) -> str:
    return json.dumps([[first, last] for first, last in spans])


# Each entry's most distal level is a subquery of that entry alone, and the day's activity
# index meets the day's scores in one GROUP BY over both: an earlier form joined GROUP BY
# results to each other, which SQLite did without an index, so the time grew with the square
# of the diary's length (five years took 12 x one year). The text is formatted from the
# catalogue's own region codes and levels, never from input (the S608/B608 marks below).
_DAILY_SQL = f"""
WITH {_SPANS},
live AS MATERIALIZED (
    SELECT day, leg_pain, back_pain, activities, regions {_IN_SPANS}
),
per_entry AS (
    SELECT day, leg_pain, back_pain, (
        SELECT max({_LEVEL_OF_KEY}) FROM json_each(live.regions) AS region
        WHERE region.value = 'pain'
    ) AS level
    FROM live
),
per_activity AS (
    SELECT live.day, activity.key, avg(activity.value) AS level
    FROM live CROSS JOIN json_each(live.activities) AS activity
    WHERE activity.value IS NOT NULL
    GROUP BY live.day, activity.key
),
activity_index AS (
    SELECT day, CASE WHEN count(*) >= {analysis.MIN_ACTIVITIES} THEN avg(level) * 25 END AS value
    FROM per_activity GROUP BY day
)
SELECT day, avg(leg_pain), avg(back_pain), max(activity_index), coalesce(max(level), 0)
FROM (
    SELECT day, leg_pain, back_pain, NULL AS activity_index, level FROM per_entry
    UNION ALL
    SELECT day, NULL, NULL, value, NULL FROM activity_index
)
GROUP BY day
ORDER BY day
"""  # noqa: S608  # nosec B608


def daily_values(db, patient_id, day_from: str = "0000-00-00", day_to: str = "9999-99-99"):
    """``analysis.daily_values`` of the patient's live entries from ``day_from`` to
    ``day_to`` (inclusive, ISO days), sorted by day: ``[{"day": date, "leg", "back",
    "activity_index", "distal_level"}]``."""
    return daily_values_within(db, patient_id, [(day_from, day_to)])


def daily_values_within(db, patient_id, spans) -> list[dict]:
    """``daily_values`` of the days within ``spans`` (``[(first, last)]`` ISO days,
    inclusive, not overlapping: ``comparison.merge_spans`` makes them so), sorted by day."""
    cursor = db.conn.execute(_DAILY_SQL, [_spans(spans), patient_id])
    return [
        {
            "day": date.fromisoformat(day),
            "leg": leg,
            "back": back,
            "activity_index": index,
            "distal_level": distal,
        }
        for day, leg, back, index, distal in cursor
    ]


def pain_values(db, patient_id) -> list[dict]:
    """Every logged day of the patient's live entries, sorted: ``[{"day": date, "leg",
    "back"}]``, the day's means as ``daily_values`` has them, from those two columns alone
    (no body map or activities decoded): what a whole diary's weekly averages need."""
    cursor = db.conn.execute(_PAIN_SQL, [patient_id])
    return [{"day": date.fromisoformat(day), "leg": leg, "back": back} for day, leg, back in cursor]


_PAIN_SQL = """
SELECT day, avg(leg_pain), avg(back_pain) FROM entries
WHERE patient_id = ? AND deleted = 0
GROUP BY day
ORDER BY day
"""


def flagged_entries(db, patient_id) -> list[dict]:
    """Every live entry that reports a warning sign, as ``{"day", "red_flags"}`` (decoded):
    few rows whatever the diary's length."""
    rows = fetch_all(
        db,
        "SELECT day, red_flags FROM entries WHERE patient_id = ? AND deleted = 0"
        " AND red_flags != '[]'",
        [patient_id],
    )
    return [{"day": row["day"], "red_flags": json.loads(row["red_flags"])} for row in rows]


def recent_of_patients(db, patient_ids, day_from: str) -> dict[int, list[dict]]:
    """The live entries of each of ``patient_ids`` from ``day_from`` (an ISO day) on, in one
    statement however many patients (a physician's list reads all its patients' last days):
    ``{patient_id: [{"day", "leg_pain", "red_flags"}]}`` (flags decoded; a patient without
    such entries is left out)."""
    cursor = db.conn.execute(
        "SELECT patient_id, day, leg_pain, red_flags FROM entries"
        " WHERE patient_id IN (SELECT value FROM json_each(?)) AND deleted = 0 AND day >= ?",
        [json.dumps(list(patient_ids)), day_from],
    )
    recent: dict[int, list[dict]] = {}
    for patient_id, day, leg_pain, red_flags in cursor:
        recent.setdefault(patient_id, []).append(
            {"day": day, "leg_pain": leg_pain, "red_flags": json.loads(red_flags)}
        )
    return recent


def last_days_of(db, patient_ids) -> dict[int, str | None]:
    """The day of each patient's latest live entry (None without one), in one statement:
    each a walk down the (patient_id, day) index that stops at the first live entry."""
    cursor = db.conn.execute(
        "SELECT value, (SELECT day FROM entries WHERE patient_id = value AND deleted = 0"
        " ORDER BY day DESC LIMIT 1) FROM json_each(?)",
        [json.dumps(list(patient_ids))],
    )
    return dict(cursor.fetchall())


def latest_notes(db, patient_id, limit: int) -> list[dict]:
    """The ``limit`` newest notes of live entries, newest first: ``[{"day", "note"}]``."""
    return fetch_all(
        db,
        "SELECT day, note FROM entries WHERE patient_id = ? AND deleted = 0 AND note != ''"
        " ORDER BY day DESC, created_at DESC, id DESC LIMIT ?",
        [patient_id, limit],
    )


def entries_within(db, patient_id, spans) -> list[dict]:
    """The live entries on the days of ``spans`` (``[(first, last)]`` ISO days, inclusive,
    not overlapping), oldest first, with what region shares and activity limits need: day,
    regions, activities (decoded), created_at and id."""
    rows = fetch_all(db, _WITHIN_SQL, [_spans(spans), patient_id])
    for row in rows:
        row["regions"] = json.loads(row["regions"])
        row["activities"] = json.loads(row["activities"])
    return rows


# One statement for every span (a page's comparisons read about twenty), as _DAILY_SQL;
# no value of the caller's is formatted into its text.
_WITHIN_SQL = f"""
WITH {_SPANS}
SELECT id, day, regions, activities, created_at {_IN_SPANS}
ORDER BY day, created_at, id
"""  # noqa: S608  # nosec B608
