"""Load-test a signed-in entry save against a bare Flask route and a lean save, same run.

Run: .venv/bin/python bench/bench_server.py [--seconds 10] [--connections 32] [--rounds 2]
Needs wrk (`apt-get install -y wrk`) and gunicorn (the dev extra).

Three apps run under gunicorn with 2 sync workers on 127.0.0.1 (the repository's
gunicorn.conf.py); wrk (2 threads, 32 connections) drives each in turn from the same
machine, round after round. The bare route answers a constant; the lean save
(bench/floor_app.py) does only what a save cannot skip (the session row, a CSRF HMAC, the
pydantic model, the same store write); diary's save goes through everything a phone's save
does: session cookie, flask-login, Flask-WTF's CSRF header, the access policy, the
language, the security headers, the same write. For each: requests per second, the median
latency, and the CPU time the workers spent per request (from /proc). Issue 16 asks for a
save at >= 0.5 x the bare route's requests per second; DESIGN.md section 7 for >= 0.4, a
median under 10 ms at 32 clients and a worker under 150 MB resident afterwards.
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
from floor_app import open_floor_session
from served import free_port, start, stop

LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = "{cookie}"
wrk.headers["X-CSRFToken"] = "{token}"
wrk.headers["User-Agent"] = "diary-bench"
wrk.body = '{body}'
"""


def worker_pids(master_pid):
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master_pid)], capture_output=True, text=True
    ).stdout.split()
    return [int(pid) for pid in out]


def worker_rss_mb(master_pid):
    out = subprocess.run(
        ["ps", "-o", "pid=,rss=", "--ppid", str(master_pid)], capture_output=True, text=True
    ).stdout.split()
    return [int(rss) / 1024 for rss in out[1::2]]


def cpu_seconds(pids):
    """User + system CPU time the processes have used so far."""
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


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


def measure(server, url, lua, args):
    """wrk against one served app: requests/s, median ms, failures, worker CPU ms a request."""
    workers = worker_pids(server.pid)
    before = cpu_seconds(workers)
    rps, median, failures = wrk(url, lua, args.seconds, args.connections)
    cpu = (cpu_seconds(workers) - before) / max(rps * args.seconds, 1) * 1000
    return {"rps": rps, "median": median, "failures": failures, "cpu": cpu}


def entry_body():
    return json.dumps(
        {
            "day": time.strftime("%Y-%m-%d"),
            "leg_pain": 6,
            "back_pain": 3,
            "regions": {"l_calf_back": "pain", "l_buttock": "pain"},
            "activities": {"walking": 3, "sitting": 2, "sleeping": 1},
        }
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=2, help="bare, floor, save in turn")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per app")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    instance = Path(tempfile.mkdtemp(prefix="diary-bench-"))
    floor_db = instance / "floor.sqlite3"
    floor_token, floor_csrf = open_floor_session(floor_db)
    env = {
        **os.environ,
        "DIARY_INSTANCE_PATH": str(instance),
        "DIARY_SECRET_KEY": "bench",
        "FLOOR_DATABASE": str(floor_db),
    }
    servers = {}
    results = {"bare": [], "floor": [], "save": []}
    try:
        for name, spec in (("bare", "bench.bare_app:app"), ("floor", "bench.floor_app:app")):
            port = free_port()
            servers[name] = (start(spec, env, port, args.workers), port)
        port = free_port()
        servers["save"] = (start("wsgi:app", env, port, args.workers), port)
        # The same agent as wrk's: a phone's requests all carry the one it signed in with.
        cookie, token = signed_in(
            f"http://127.0.0.1:{port}", "bench@example.org", register=True, user_agent="diary-bench"
        )
        requests = {
            "bare": ("/bare", LUA.format(cookie="", token="", body="{}")),
            "floor": (
                "/save",
                LUA.format(cookie=f"floor={floor_token}", token=floor_csrf, body=entry_body()),
            ),
            "save": ("/api/v1/entries", LUA.format(cookie=cookie, token=token, body=entry_body())),
        }
        # Taken in turn, so that load from other work on the machine falls on all three.
        for _ in range(args.rounds):
            for name, (path, lua) in requests.items():
                server, port = servers[name]
                results[name].append(measure(server, f"http://127.0.0.1:{port}{path}", lua, args))
        rss = worker_rss_mb(servers["save"][0].pid)
    finally:
        for server, _ in servers.values():
            stop(server)
        shutil.rmtree(instance, ignore_errors=True)
    report(results, rss)


def report(results, rss):
    labels = {
        "bare": "bare Flask route",
        "floor": "lean save (floor)",
        "save": "signed-in save",
    }
    for i in range(len(results["bare"])):
        print(f"round {i + 1}")
        for name, label in labels.items():
            r = results[name][i]
            print(
                f"  {label:19s} {r['rps']:7.0f} req/s, median {r['median']:6.2f} ms, "
                f"worker CPU {r['cpu']:.3f} ms/request, non-2xx {r['failures']}"
            )
        bare, floor, save = (results[name][i]["rps"] for name in ("bare", "floor", "save"))
        print(
            f"  ratio save/bare {save / bare:.2f} (target >= 0.5), floor/bare {floor / bare:.2f}"
            f", save/floor {save / floor:.2f}"
        )
    print(f"worker RSS after:   {', '.join(f'{r:.0f} MB' for r in rss)} (budget < 150 MB)")


if __name__ == "__main__":
    main()
