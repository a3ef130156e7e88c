"""Cleaning hostile text grows with its length, not faster: 1, 2 and 4 MB, same run.

Run: .venv/bin/python bench/bench_cleaning.py [--runs 5]

An imported copy's notes are cleaned (``fields.clean_note``: terminal escape sequences out
whole, refused controls dropped). The hostile text repeats escape introducers that are never
ended, the case a backtracking pattern would take hours over; plain text of the same length
is the baseline. Each figure is the median CPU time of ``--runs`` cleanings; the ratios
against the 1 MB hostile text should stay near 2 and 4 (linear).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diary import fields  # noqa: E402

UNIT = "\x1b]" + "a" * 50 + "\x1b[" + "0" * 50  # 104 characters, two sequences never ended


def hostile(megabytes: int) -> str:
    return UNIT * (megabytes * 1_000_000 // len(UNIT))


def plain(megabytes: int) -> str:
    line = "Walked to the shop, sat an hour.\n"
    return line * (megabytes * 1_000_000 // len(line))


def cpu_ms(text: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.process_time()
        fields.clean_note(text)
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"median CPU ms of {args.runs} cleanings (fields.clean_note), in-process")
    print("| text | plain | hostile | hostile x 1 MB hostile |")
    print("|---|---|---|---|")
    first = None
    for megabytes in (1, 2, 4):
        calm = cpu_ms(plain(megabytes), args.runs)
        rough = cpu_ms(hostile(megabytes), args.runs)
        first = first or rough
        print(f"| {megabytes} MB | {calm:.0f} | {rough:.0f} | {rough / first:.2f} |")


if __name__ == "__main__":
    main()
