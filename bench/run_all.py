"""Run every benchmark in bench/ one after another (``make bench``); never part of the tests.

Run: .venv/bin/python bench/run_all.py [--only NAME ...] [--no-docs]

Each benchmark prints its own table with its baseline from the same run; this collects
their tables, with the date, the machine and the command, into the "Latest make bench"
section of docs/benchmarks.md (replacing the previous run's) and into
bench/results/<date>-<time>.txt (git-ignored). The server load test needs wrk
(`apt-get install -y wrk`) and Lighthouse needs npm; without them they are listed as not
run, and the others still run.
"""

import argparse
import os
import platform
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = [
    ("analysis", ["bench/bench_analysis.py"]),
    ("comparison", ["bench/bench_comparison.py"]),
    ("charts_scaling", ["bench/bench_charts_scaling.py"]),
    ("history", ["bench/bench_history.py"]),
    ("pages", ["bench/bench_pages.py"]),
    ("patient_list", ["bench/bench_patient_list.py"]),
    ("import", ["bench/bench_import.py"]),
    ("page_weight", ["bench/bench_page_weight.py"]),
    ("sync", ["bench/bench_sync.py"]),
    ("dose_batch", ["bench/bench_dose_batch.py"]),
    ("cleaning", ["bench/bench_cleaning.py"]),
    ("writer", ["bench/bench_writer.py"]),
    ("server", ["bench/bench_server.py"]),
    ("lighthouse", ["bench/bench_lighthouse.py"]),
]
NEEDS = {"server": "wrk", "lighthouse": "npm"}


def machine() -> str:
    python = sys.version.split()[0]
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    return (
        f"{platform.node()}: {platform.platform()}, {os.cpu_count()} CPUs, Python {python}, "
        f"load average at the start {load}"
    )


DOCS = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- make bench: start -->", "<!-- make bench: end -->"


def write_docs(lines):
    """Put this run in docs/benchmarks.md between the markers (the previous run goes)."""
    title, machine_line, command_line, *rest = lines
    body = "\n".join(
        [
            START,
            "## Latest make bench",
            "",
            f"{title.removeprefix('# ')}; {machine_line}; "
            f"`{command_line.removeprefix('command: ')}`.",
            "",
            *_fenced(rest),
            END,
        ]
    )
    text = DOCS.read_text()
    if START in text and END in text:
        text = text[: text.index(START)] + body + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + body + "\n"
    DOCS.write_text(text)


def _fenced(lines):
    """Each benchmark's heading, then its printed table in a code block."""
    out, block = [], []
    for line in lines:
        if line.startswith("## "):
            if block:
                out += ["```", *block, "```", ""]
                block = []
            out += ["#" + line, ""]
        elif line.strip() or block:
            block.append(line)
    if block:
        out += ["```", *block, "```", ""]
    return [line.rstrip() for line in out]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=[name for name, _ in BENCHMARKS])
    parser.add_argument("--no-docs", action="store_true", help="leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)
    chosen = [(n, c) for n, c in BENCHMARKS if not args.only or n in args.only]

    started = datetime.now()
    lines = [
        f"# diary benchmarks, {started:%Y-%m-%d %H:%M}",
        f"machine: {machine()}",
        f"command: {' '.join([Path(sys.executable).name, *sys.argv])}",
        "",
    ]
    failed = []
    for name, command in chosen:
        tool = NEEDS.get(name)
        if tool and shutil.which(tool) is None:
            lines += [f"## {name}: not run ({tool} is not installed)", ""]
            print(lines[-2], flush=True)
            continue
        print(f"## {name}: {' '.join(command)}", flush=True)
        done = subprocess.run(
            [sys.executable, *command], cwd=ROOT, capture_output=True, text=True, check=False
        )
        print(done.stdout + done.stderr, flush=True)
        lines += [f"## {name}: {' '.join(command)}", done.stdout.rstrip(), ""]
        if done.returncode != 0:
            failed.append(name)
            lines += [f"(exit {done.returncode})", done.stderr.rstrip(), ""]

    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    path = results / f"{started:%Y-%m-%d-%H%M}.txt"
    path.write_text("\n".join(lines) + "\n")
    print(f"Written to {path.relative_to(ROOT)}")
    if not args.no_docs:
        write_docs(lines)
        print("Written to docs/benchmarks.md (Latest make bench)")
    if failed:
        raise SystemExit(f"Failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
