"""Browser tests: one live server per session (a real subprocess on a free port) and
pytest-playwright driving Debian's Chromium."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, **PHONE}


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The real app in its own process, on its own temporary database."""

    def __init__(self, instance_path: Path):
        self.instance_path = instance_path
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        env = {
            **os.environ,
            "DIARY_INSTANCE_PATH": str(self.instance_path),
            "DIARY_SECRET_KEY": "browser-tests-secret",
            "PYTHONUNBUFFERED": "1",
        }
        self.log = open(self.instance_path / "server.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "flask",
                "--app",
                "diary",
                "run",
                "--port",
                str(self.port),
                "--host",
                "127.0.0.1",
                "--with-threads",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/api/v1/session", timeout=1)  # noqa: S310
                return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("live server did not start:\n" + self.read_log())

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if getattr(self, "log", None):
            self.log.close()

    def restart(self):
        self.stop()
        return self.start()

    def read_log(self):
        return (self.instance_path / "server.log").read_text(errors="replace")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    # A cheap password hash under test: the real cost is exercised by the unit tests' config check.
    (instance / "config.py").write_text(
        "ARGON2_TIME_COST = 1\nARGON2_MEMORY_COST_KIB = 8\n"
        "SIGNIN_FAILURE_LIMIT = '1000 per minute'\nREGISTRATION_LIMIT = '1000 per minute'\n"
    )
    server = LiveServer(instance).start()
    yield server
    server.stop()


@pytest.fixture
def new_user(live_server):
    """A factory for unique credentials on the live server."""
    counter = {"n": 0}

    def make(role="patient"):
        counter["n"] += 1
        stamp = f"{time.time_ns()}{counter['n']}"
        return {
            "email": f"{role}{stamp}@example.org",
            "password": "a calm river at dawn",
            "name": f"Test {role.title()}",
            "role": role,
        }

    return make


def register_via_api(page, base_url, user):
    """Register and sign in ``user`` in this page's context through the JSON API."""
    token = page.request.get(base_url + "/api/v1/session").json()["csrf_token"]
    response = page.request.post(
        base_url + "/api/v1/users",
        data={**user, "time_zone": "UTC"},
        headers={"X-CSRFToken": token},
    )
    assert response.status == 201, response.text()
    return response.json()["user"]


def assert_no_axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
