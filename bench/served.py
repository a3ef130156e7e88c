"""Serve an app under gunicorn for a benchmark: sync workers on 127.0.0.1, as deployed."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port():
    """A TCP port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(app_spec, env, port, workers=2):
    """Start gunicorn for ``app_spec`` with the repository's gunicorn.conf.py (as deployed),
    ``workers`` sync workers on 127.0.0.1:``port``; return its process once the port answers."""
    env = {**env, "DIARY_ACCESS_LOG": ""}
    proc = subprocess.Popen(
        [
            GUNICORN,
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "-w",
            str(workers),
            "-k",
            "sync",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app_spec,
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    stop(proc)
    raise RuntimeError("gunicorn did not start")


def stop(proc):
    """Stop gunicorn and its workers."""
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=10)
