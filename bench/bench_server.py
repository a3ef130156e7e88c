"""Load-test a signed-in entry save against a bare Flask route, same server, same run.

Run: .venv/bin/python bench/bench_server.py [--seconds 10] [--connections 32]
Needs wrk (`apt-get install -y wrk`) and gunicorn (the dev extra).

Both apps run under gunicorn with 2 sync workers on 127.0.0.1; wrk (2 threads) drives each
in turn from the same machine. The entry save goes through everything a phone's save does:
session cookie, CSRF header, pydantic validation, a BEGIN IMMEDIATE write. DESIGN.md section
7 asks for at least 0.4 x the bare route's requests per second and a median under 10 ms at
32 concurrent clients, and a worker under 150 MB resident afterwards.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from diaries import signed_in
from served import free_port, start, stop

LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = "{cookie}"
wrk.headers["X-CSRFToken"] = "{token}"
wrk.headers["User-Agent"] = "diary-bench"
wrk.body = '{body}'
"""


def worker_rss_mb(master_pid):
    out = subprocess.run(
        ["ps", "-o", "pid=,rss=", "--ppid", str(master_pid)], capture_output=True, text=True
    ).stdout.split()
    return [int(rss) / 1024 for rss in out[1::2]]


def wrk(url, lua, seconds, connections):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", f.name, url],
        capture_output=True,
        text=True,
    ).stdout
    os.unlink(f.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    median = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[median.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, float(median.group(1)) * scale, int(non2xx.group(1)) if non2xx else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    instance = Path(tempfile.mkdtemp(prefix="diary-bench-"))
    env = {**os.environ, "DIARY_INSTANCE_PATH": str(instance), "DIARY_SECRET_KEY": "bench"}

    port = free_port()
    bare = start("bench.bare_app:app", env, port)
    try:
        bare_rps, bare_median, _ = wrk(
            f"http://127.0.0.1:{port}/bare",
            LUA.format(cookie="", token="", body="{}"),
            args.seconds,
            args.connections,
        )
    finally:
        stop(bare)

    port = free_port()
    diary = start("wsgi:app", env, port)
    try:
        # The same agent as wrk's: flask-login's session protection hashes it, and a
        # mismatch would re-save the session on every request (not what a phone sees).
        cookie, token = signed_in(
            f"http://127.0.0.1:{port}", "bench@example.org", register=True, user_agent="diary-bench"
        )
        body = json.dumps(
            {
                "day": time.strftime("%Y-%m-%d"),
                "leg_pain": 6,
                "back_pain": 3,
                "regions": {"l_calf_back": "pain", "l_buttock": "pain"},
                "activities": {"walking": 3, "sitting": 2, "sleeping": 1},
            }
        )
        save_rps, save_median, failures = wrk(
            f"http://127.0.0.1:{port}/api/v1/entries",
            LUA.format(cookie=cookie, token=token, body=body),
            args.seconds,
            args.connections,
        )
        rss = worker_rss_mb(diary.pid)
    finally:
        stop(diary)
    shutil.rmtree(instance, ignore_errors=True)

    print(f"bare Flask route:   {bare_rps:8.0f} req/s, median {bare_median:.2f} ms")
    print(
        f"signed-in save:     {save_rps:8.0f} req/s, median {save_median:.2f} ms, "
        f"non-2xx {failures}"
    )
    print(f"ratio save/bare:    {save_rps / bare_rps:.2f} (budget >= 0.4)")
    print(f"worker RSS after:   {', '.join(f'{r:.0f} MB' for r in rss)} (budget < 150 MB)")


if __name__ == "__main__":
    main()
