"""The per-day values a diary's charts and comparisons rest on, computed by SQLite.

``analysis.daily_values`` is the definition (the mean of a day's leg and back scores, its
activity limit index, its most distal painful region); this is the same computation done
inside SQLite, one row per day read out instead of every entry with its JSON decoded in
Python: five years of a diary cost the charts page a fraction of what they did.
``tests/test_daily.py`` holds the two to the same answers on random diaries.
"""

from datetime import date

from diary import analysis, regions
from diary.db import fetch_all

# A region's level by its code, as one CASE: a join with a table of levels let SQLite put
# that table outermost and parse every entry's body map once per region.
_LEVEL_OF_KEY = (
    "CASE region.key "
    + " ".join(f"WHEN '{r.code}' THEN {r.level}" for r in regions.REGIONS)
    + " END"
)

# Each entry's most distal level is a subquery of that entry alone, and the day's activity
# index meets the day's scores in one GROUP BY over both: an earlier form joined GROUP BY
# results to each other, which SQLite did without an index, so the time grew with the square
# of the diary's length (five years took 12 x one year).
_DAILY_SQL = f"""
WITH live AS MATERIALIZED (
    SELECT day, leg_pain, back_pain, activities, regions FROM entries
    WHERE patient_id = ? AND deleted = 0 AND day BETWEEN ? AND ?
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
"""  # noqa: S608  # nosec B608 - region codes and levels are our own catalogue's


def daily_values(db, patient_id, day_from: str = "0000-00-00", day_to: str = "9999-99-99"):
    """``analysis.daily_values`` of the patient's live entries from ``day_from`` to
    ``day_to`` (inclusive, ISO days), sorted by day: ``[{"day": date, "leg", "back",
    "activity_index", "distal_level"}]``."""
    cursor = db.conn.execute(_DAILY_SQL, [patient_id, day_from, day_to])
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


def flagged_entries(db, patient_id) -> list[dict]:
    """Every live entry that reports a warning sign, as ``{"day", "red_flags"}`` (decoded):
    few rows whatever the diary's length."""
    import json

    rows = fetch_all(
        db,
        "SELECT day, red_flags FROM entries WHERE patient_id = ? AND deleted = 0"
        " AND red_flags != '[]'",
        [patient_id],
    )
    return [{"day": row["day"], "red_flags": json.loads(row["red_flags"])} for row in rows]


def latest_notes(db, patient_id, limit: int) -> list[dict]:
    """The ``limit`` newest notes of live entries, newest first: ``[{"day", "note"}]``."""
    return fetch_all(
        db,
        "SELECT day, note FROM entries WHERE patient_id = ? AND deleted = 0 AND note != ''"
        " ORDER BY day DESC, created_at DESC, id DESC LIMIT ?",
        [patient_id, limit],
    )


def entries_within(db, patient_id, spans) -> list[dict]:
    """The live entries on the days of ``spans`` (``[(first, last)]`` ISO days, inclusive),
    oldest first, with what region shares and activity limits need: day, regions,
    activities (decoded), created_at and id."""
    import json

    out = []
    for first, last in spans:
        for row in fetch_all(
            db,
            "SELECT id, day, regions, activities, created_at FROM entries WHERE patient_id = ?"
            " AND deleted = 0 AND day BETWEEN ? AND ? ORDER BY day, created_at, id",
            [patient_id, first, last],
        ):
            row["regions"] = json.loads(row["regions"])
            row["activities"] = json.loads(row["activities"])
            out.append(row)
    return out
