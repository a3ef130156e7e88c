"""Lighthouse mobile scores for Today, History and Charts, signed in as a five-year patient.

Run: .venv/bin/python bench/bench_lighthouse.py [--runs 3]
Needs Node.js and npm (Lighthouse 12.8.2 is installed into bench/.lighthouse/ on first run;
13.x needs Node 22) and Debian's Chromium.

The app runs under gunicorn (2 sync workers, as deployed, compressing its own answers) on a
temporary instance holding five years of daily entries and four therapies (the data of
bench_comparison.py). Lighthouse runs with its mobile form factor and simulated throttling
(slow 4G, 4x CPU slowdown), the session cookie passed as an extra header; each page's
final URL is checked so a redirect to the sign-in page cannot pass for a score. The median
of ``--runs`` runs is reported per page, with the metrics behind it.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from diaries import bench_app, seed_patient, signed_in  # noqa: E402
from served import free_port, start, stop  # noqa: E402

LIGHTHOUSE_VERSION = "12.8.2"
TOOLS = ROOT / "bench" / ".lighthouse"
LIGHTHOUSE = TOOLS / "node_modules" / ".bin" / "lighthouse"
PAGES = ("/today", "/history", "/charts")
EMAIL = "lighthouse@example.org"
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
)


def ensure_lighthouse():
    if LIGHTHOUSE.exists():
        return
    TOOLS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "npm",
            "install",
            "--prefix",
            str(TOOLS),
            "--no-audit",
            "--no-fund",
            "-E",
            f"lighthouse@{LIGHTHOUSE_VERSION}",
        ],
        check=True,
    )


def seed(instance: Path) -> int:
    """A patient with five years of entries and four therapies, in ``instance``'s database."""
    app = bench_app(instance / "diary.sqlite3")
    _, count, _ = seed_patient(app, email=EMAIL, name="Five Years")
    app.extensions["diary.db"].close_all()
    return count


def lighthouse(url: str, cookie: str, out: Path, attempts: int = 3) -> dict:
    """One Lighthouse run of ``url``: the score and the metrics. Lighthouse itself now and
    then fails to drive Chromium on a loaded machine (no score at all): such a run is tried
    again, up to ``attempts`` times, and its error shown."""
    env = {**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
    for attempt in range(attempts):
        done = subprocess.run(
            [
                str(LIGHTHOUSE),
                url,
                "--form-factor=mobile",
                "--throttling-method=simulate",
                "--only-categories=performance",
                "--output=json",
                f"--output-path={out}",
                "--chrome-flags=--headless --no-sandbox --disable-gpu --disable-dev-shm-usage",
                f"--extra-headers={json.dumps({'Cookie': cookie})}",
                "--quiet",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode == 0:
            break
        print(f"(Lighthouse failed on {url}, attempt {attempt + 1}: {done.stderr.strip()[-300:]})")
    else:
        raise SystemExit(f"Lighthouse failed {attempts} times on {url}")
    report = json.loads(out.read_text())
    if not report["finalDisplayedUrl"].startswith(url):
        raise SystemExit(f"{url} was redirected to {report['finalDisplayedUrl']}: not signed in?")
    audits = report["audits"]
    return {
        "score": round(report["categories"]["performance"]["score"] * 100),
        **{name: audits[name]["numericValue"] for name in METRICS},
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if not shutil.which("npm"):
        sys.exit("npm is missing: Lighthouse needs Node.js and npm")
    ensure_lighthouse()
    instance = Path(tempfile.mkdtemp(prefix="diary-lighthouse-"))
    count = seed(instance)
    env = {**os.environ, "DIARY_INSTANCE_PATH": str(instance), "DIARY_SECRET_KEY": "bench"}
    port = free_port()
    server = start("wsgi:app", env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        cookie, _ = signed_in(base, EMAIL)
        print(
            f"Lighthouse {LIGHTHOUSE_VERSION}, mobile, simulated throttling; "
            f"{count} entries over five years, 4 therapies; median of {args.runs} runs"
        )
        print(
            f"{'page':10} {'score':>5} {'FCP ms':>7} {'LCP ms':>7} {'TBT ms':>7} "
            f"{'CLS':>6} {'SI ms':>7}"
        )
        for page in PAGES:
            runs = [
                lighthouse(base + page, cookie, instance / f"report-{n}.json")
                for n in range(args.runs)
            ]
            best = sorted(runs, key=lambda r: r["score"])[len(runs) // 2]
            median = {k: statistics.median(r[k] for r in runs) for k in best}
            print(
                f"{page:10} {median['score']:5.0f} {median[METRICS[0]]:7.0f} "
                f"{median[METRICS[1]]:7.0f} {median[METRICS[2]]:7.0f} "
                f"{median[METRICS[3]]:6.3f} {median[METRICS[4]]:7.0f}"
            )
    finally:
        stop(server)
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
