"""CLINICAL.md section 6's worked example as a patient's diary, and the steps to post it
and ask for its comparison (tests/test_comparison.py, tests/test_questionnaires_compare.py).

The therapy day ``T`` is 120 days before the run's day, so the baseline and the 3-month
window have both passed and later windows are still open.
"""

from datetime import timedelta

from tests.clock import TODAY  # the run's day (the test patients live in UTC)

T = TODAY - timedelta(days=120)


def day(offset):
    """The ISO day ``offset`` days from the therapy day."""
    return (T + timedelta(days=offset)).isoformat()


def section_6_entries():
    """CLINICAL.md section 6: baseline mean 7.93 (111 / 14) and 3-month mean 2.92 (35 / 12).

    The baseline's days carry back pain, activities and body-map regions too, so every
    field of a window has something to show.
    """
    activities = {"sitting": 3, "walking": 3, "standing": 2, "sleeping": 2}
    baseline = [
        {
            "day": day(-28 + 2 * i),
            "leg_pain": 7 if i == 0 else 8,
            "back_pain": 5,
            "activities": activities,
            "regions": {"l_buttock": "pain", "l_calf_back": "pain", "l_foot_top": "numb"},
        }
        for i in range(14)
    ]
    three_months = [
        {
            "day": day(78 + 2 * i),
            "leg_pain": 2 if i == 0 else 3,
            "back_pain": 2,
            "activities": {"sitting": 1, "walking": 1, "standing": 0, "sleeping": 0},
            "regions": {"l_buttock": "pain"},
        }
        for i in range(12)
    ]
    return baseline + three_months


def around(start, before, after):
    """Entries of daily leg pain around a therapy on ``start`` (a date): ``before`` on the
    days ending the day before it, ``after`` on the days from start + 8 on (weeks 2-3; the
    latest weeks too when nothing comes later)."""
    rows = [
        {"day": (start - timedelta(days=len(before) - i)).isoformat(), "leg_pain": leg}
        for i, leg in enumerate(before)
    ]
    return rows + [
        {"day": (start + timedelta(days=8 + i)).isoformat(), "leg_pain": leg}
        for i, leg in enumerate(after)
    ]


def post_all(api, path, rows):
    """POST each row to ``path``; every one must be created. Returns the created records."""
    created = []
    for row in rows:
        response = api.post(path, row)
        assert response.status_code == 201, response.get_json()
        created.append(response.get_json())
    return created


def comparison_of(api, therapy_id, query=""):
    return api.get(f"/api/v1/therapies/{therapy_id}/comparison{query}")
