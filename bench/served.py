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


def start(app_spec, env, port, workers=2, log=None):
    """Start gunicorn for ``app_spec`` with the repository's gunicorn.conf.py (as deployed),
    ``workers`` sync workers on 127.0.0.1:``port``; return its process once the port answers.

    With ``log`` (an open file), gunicorn's own log and its access log go there; without,
    only its warnings, to this process's output.
    """
    quiet = [] if log else ["--log-level", "warning"]
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
            *quiet,
            app_spec,
        ],
        cwd=ROOT,
        env={**env, "DIARY_ACCESS_LOG": "-" if log else ""},
        stdout=log,
        stderr=subprocess.STDOUT if log else None,
        start_new_session=True,  # its workers stop with it (stop below)
    )
    # The port opens once the app is loaded (it is preloaded): seconds on a busy machine.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    if proc.poll() is None:
        stop(proc)
    raise RuntimeError("gunicorn did not start")


def stop(proc):
    """Stop gunicorn and its workers (killed if they have not stopped within 10 s)."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
