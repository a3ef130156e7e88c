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
import http.cookiejar
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_comparison import FIRST_DAY, PASSWORD, THERAPY_OFFSETS, entries  # noqa: E402
from served import free_port, start, stop  # noqa: E402

from diary import create_app, store  # noqa: E402
from diary.db import get_db, write  # noqa: E402

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


def seed(instance: Path):
    """A patient with five years of entries and four therapies, written straight to the store."""
    app = create_app(
        {
            "DATABASE": str(instance / "diary.sqlite3"),
            "SECRET_KEY": "bench",
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST_KIB": 8,
        }
    )
    client = app.test_client()
    token = client.get("/api/v1/session").get_json()["csrf_token"]
    user = client.post(
        "/api/v1/users",
        json={"email": EMAIL, "password": PASSWORD, "name": "Five Years"},
        headers={"X-CSRFToken": token},
    ).get_json()["user"]
    rows = entries()
    with app.app_context():
        db = get_db()
        with write(db):
            for row in rows:
                store.apply_change(db, user["id"], "entry", uuid.uuid4(), None, False, row)
            for n, offset in enumerate(THERAPY_OFFSETS):
                kind = ("msc_injection", "epidural_steroid", "surgery", "physiotherapy")[n]
                start_day = (FIRST_DAY + timedelta(days=offset)).isoformat()
                data = {
                    "kind": kind,
                    "label": "",
                    "start_day": start_day,
                    "end_day": None,
                    "notes": "",
                }
                store.apply_change(db, user["id"], "therapy", uuid.uuid4(), None, False, data)
    app.extensions["diary.db"].close_all()
    return len(rows)


def session_cookie(base: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def call(method, path, body=None, token=None):
        request = urllib.request.Request(  # noqa: S310 - our own http://127.0.0.1 URL
            base + path, method=method, data=json.dumps(body).encode() if body else None
        )
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("X-CSRFToken", token)
        return json.load(opener.open(request))  # noqa: S310 - our own http://127.0.0.1 URL

    token = call("GET", "/api/v1/session")["csrf_token"]
    call("POST", "/api/v1/session", {"email": EMAIL, "password": PASSWORD}, token)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def lighthouse(url: str, cookie: str, out: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
    subprocess.run(
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
        check=True,
        env=env,
    )
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
        cookie = session_cookie(base)
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
