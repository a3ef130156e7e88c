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

_LEVELS = ", ".join(f"('{r.code}', {r.level})" for r in regions.REGIONS)

_DAILY_SQL = f"""
WITH live AS (
    SELECT id, day, leg_pain, back_pain, activities, regions FROM entries
    WHERE patient_id = ? AND deleted = 0 AND day BETWEEN ? AND ?
),
levels(code, level) AS (VALUES {_LEVELS}),
distal AS (
    SELECT live.id, max(levels.level) AS level
    FROM live, json_each(live.regions) AS region JOIN levels ON levels.code = region.key
    WHERE region.value = 'pain'
    GROUP BY live.id
),
per_activity AS (
    SELECT live.day, activity.key, avg(activity.value) AS level
    FROM live, json_each(live.activities) AS activity
    WHERE activity.value IS NOT NULL
    GROUP BY live.day, activity.key
),
activity_index AS (
    SELECT day, CASE WHEN count(*) >= {analysis.MIN_ACTIVITIES} THEN avg(level) * 25 END AS value
    FROM per_activity GROUP BY day
)
SELECT live.day, avg(live.leg_pain), avg(live.back_pain), max(activity_index.value),
       coalesce(max(distal.level), 0)
FROM live
LEFT JOIN distal ON distal.id = live.id
LEFT JOIN activity_index ON activity_index.day = live.day
GROUP BY live.day
ORDER BY live.day
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
