"""Time the before/after comparison on five years of daily entries with four therapies.

Run: .venv/bin/python bench/bench_analysis.py [--runs N]

DESIGN.md section 7 budgets the comparison at under 25 ms and asks that the bootstrap not
make it ten times slower than a plain per-day-mean computation, so both are measured here
in the same process on the same data, and the ratio is printed.
"""

import argparse
import importlib.util
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

# Load the module file directly: analysis is pure, and this keeps the benchmark free of
# whatever the app package imports at start-up.
_PATH = Path(__file__).resolve().parents[1] / "diary" / "clinical" / "analysis.py"
_SPEC = importlib.util.spec_from_file_location("diary_analysis", _PATH)
analysis = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = analysis
_SPEC.loader.exec_module(analysis)

FIRST_DAY = date(2020, 1, 1)
DAYS = 1830
THERAPY_STARTS = [date(2020, 9, 1), date(2021, 10, 1), date(2022, 11, 1), date(2023, 12, 1)]
TODAY = FIRST_DAY + timedelta(days=DAYS - 1)
ACTIVITIES = (
    "sitting",
    "standing",
    "walking",
    "sleeping",
    "bending_lifting",
    "driving_travel",
    "work_chores",
    "self_care",
)


def synthetic_entries(seed=2015):
    """About one entry a day for five years, a second entry on one day in ten, a few gaps."""
    rng = random.Random(seed)
    entries = []
    for i in range(DAYS):
        if rng.random() < 0.05:
            continue  # a forgotten day
        day = (FIRST_DAY + timedelta(days=i)).isoformat()
        level = 4 + 3 * ((i // 200) % 2)
        for _ in range(2 if rng.random() < 0.1 else 1):
            entries.append(
                {
                    "day": day,
                    "leg_pain": min(10, max(0, level + rng.randint(-2, 2))),
                    "back_pain": min(10, max(0, level - 1 + rng.randint(-2, 2))),
                    "activities": {a: rng.randint(0, 4) for a in rng.sample(ACTIVITIES, 5)},
                    "distal_level": rng.randint(1, 5),
                }
            )
    return entries


def per_day_means(entries):
    """The baseline: what a plain chart route does, one mean of leg and back pain per day."""
    by_day = {}
    for entry in entries:
        by_day.setdefault(entry["day"], []).append(entry)
    rows = []
    for day, day_entries in sorted(by_day.items()):
        legs = [e["leg_pain"] for e in day_entries if e["leg_pain"] is not None]
        backs = [e["back_pain"] for e in day_entries if e["back_pain"] is not None]
        rows.append(
            {
                "day": day,
                "leg": statistics.fmean(legs) if legs else None,
                "back": statistics.fmean(backs) if backs else None,
            }
        )
    return rows


def compare_all_precomputed(entries):
    days = analysis.daily_values(entries)
    return [analysis.compare(start, None, today=TODAY, days=days) for start in THERAPY_STARTS]


def compare_all_from_entries(entries):
    return [analysis.compare(start, entries, today=TODAY) for start in THERAPY_STARTS]


def median_ms(function, entries, runs):
    function(entries)  # warm-up: imports, numpy's first calls
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        function(entries)
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=101)
    runs = parser.parse_args().runs

    entries = synthetic_entries()
    days = len({e["day"] for e in entries})
    baseline = median_ms(per_day_means, entries, runs)
    precomputed = median_ms(compare_all_precomputed, entries, runs)
    from_entries = median_ms(compare_all_from_entries, entries, runs)
    daily = median_ms(analysis.daily_values, entries, runs)

    print(
        f"data: {len(entries)} entries on {days} days, {len(THERAPY_STARTS)} therapies; "
        f"median of {runs} runs"
    )
    print(f"plain per-day means (baseline)              {baseline:7.2f} ms")
    print(f"daily_values once                           {daily:7.2f} ms")
    print(
        f"daily_values once + compare x4 (days=)      {precomputed:7.2f} ms  "
        f"{precomputed / baseline:5.2f} x baseline"
    )
    print(
        f"compare x4 from entries (no precompute)     {from_entries:7.2f} ms  "
        f"{from_entries / baseline:5.2f} x baseline"
    )
    budget = 25.0
    print(f"budget {budget:.0f} ms: {'met' if precomputed < budget else 'MISSED'}")


if __name__ == "__main__":
    main()
