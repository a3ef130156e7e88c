"""Take the README's screenshots from a fresh demo diary, in Debian's Chromium as a phone.

    .venv/bin/python scripts/screenshots.py              # writes docs/screenshot-*.png
    .venv/bin/python scripts/screenshots.py --out DIR    # anywhere else (the tests do this)

The app runs on a temporary instance folder with the demo patient (``seed-demo``), so the
pictures never show anyone's real data and the test suite never rewrites tracked files.
Run it after a change to the today or charts page, and commit the pictures it made.
"""

import argparse
import os
import re
import socket
import subprocess  # nosec B404
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from diary import create_app, demo  # noqa: E402
from diary.db import get_db  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 2,
}
CHEAP_HASH = "ARGON2_TIME_COST = 1\nARGON2_MEMORY_COST_KIB = 8\n"
# Signs the throwaway demo sessions of one run; the server lives as long as the script.
SECRET_KEY = "screenshots"  # noqa: S105  # nosec B105


def seed(instance: Path) -> dict:
    """Create the demo accounts in ``instance``; return the demo patient's credentials."""
    (instance / "config.py").write_text(CHEAP_HASH)
    app = create_app({"DATABASE": str(instance / "diary.sqlite3"), "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        # The diary ends yesterday: the today page is a new day, its form open.
        yesterday = demo.patient_today(demo.TIME_ZONE) - timedelta(days=1)
        seeded = demo.seed(get_db(), app.extensions["diary.hasher"], today=yesterday)
    app.extensions["diary.db"].close_all()
    return {"email": seeded.patient.email, "password": seeded.patient_password}


def serve(instance: Path) -> tuple[subprocess.Popen, str]:
    """Start the app on a free port of 127.0.0.1; return the process and its URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DIARY_INSTANCE_PATH": str(instance), "DIARY_SECRET_KEY": SECRET_KEY}
    command = [sys.executable, "-m", "flask", "--app", "diary", "run", "--port", str(port)]
    log = open(instance / "server.log", "ab")  # noqa: SIM115 - closed with the process
    # Our own interpreter with fixed arguments (bandit B603).
    process = subprocess.Popen(  # nosec B603
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/api/v1/session", timeout=1)  # noqa: S310  # nosec B310
            return process, url
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("The app did not start:\n" + (instance / "server.log").read_text())


def sign_in(page, url, user):
    page.goto(url + "/signin?next=/today")
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password").fill(user["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(url + "/today")


def today_page(page, url, out: Path):
    """A typical day being logged: two scores, pain down the back of the leg, three limits."""
    page.goto(url + "/today")

    def score(name, n):
        group = page.get_by_role("group", name=f"{name} average over the last 24 hours")
        return group.locator(f'label[for$="-{n}"]')

    def limit(activity, n):
        return page.get_by_role("group", name=activity, exact=True).locator(f'label[for$="-{n}"]')

    def region(label):
        return page.get_by_role("button", name=re.compile(f"^{label}:"))

    score("Leg pain", 6).tap()
    score("Back pain", 3).tap()
    for label in ("Left buttock", "Left back of thigh", "Left back of calf"):
        region(label).tap()
    region("Left outer edge of foot and little toe").tap()
    region("Left outer edge of foot and little toe").tap()  # twice: pins and needles
    limit("Sitting", 3).tap()
    limit("Walking", 2).tap()
    limit("Sleeping", 2).tap()
    page.evaluate("window.scrollTo(0, 0)")
    page.mouse.move(0, 0)
    page.screenshot(path=str(out / "screenshot-today.png"))


def charts_page(page, url, out: Path):
    """The top of the charts page down to the first therapy's body-map comparison."""
    page.goto(url + "/charts")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('timeline-chart'))"
    )
    figure = page.locator(".map-compare").first.bounding_box()
    # A viewport that tall keeps the phone's bottom bar at the bottom of the picture.
    height = int(figure["y"] + figure["height"]) + 24 + 60
    page.set_viewport_size({"width": 390, "height": height})
    # The charts redraw for the new size, and the first therapy's chart, now on screen, is
    # drawn (each is drawn when it comes near the screen): wait for both.
    page.wait_for_function(
        """() => {
            const timeline = Chart.getChart(document.getElementById("timeline-chart"));
            const first = document.querySelector("[data-windows-chart]");
            return timeline.height > 0 && (!first || Chart.getChart(first));
        }"""
    )
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")
    # One image pixel per CSS pixel: the long page stays a small file.
    page.screenshot(path=str(out / "screenshot-charts.png"), scale="css")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the PNGs")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="diary-screenshots-") as folder:
        instance = Path(folder)
        user = seed(instance)
        process, url = serve(instance)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(**PHONE)
                page = context.new_page()
                page.emulate_media(reduced_motion="reduce", color_scheme="light")
                sign_in(page, url, user)
                today_page(page, url, args.out)
                charts_page(page, url, args.out)
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=10)
    for name in ("screenshot-today.png", "screenshot-charts.png"):
        print(f"wrote {args.out / name}")


if __name__ == "__main__":
    main()
