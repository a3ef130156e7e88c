"""Weigh the today page as a phone first loads it, in Chromium, as it comes over the wire.

Run: .venv/bin/python bench/bench_page_weight.py

DESIGN.md section 7 budgets the entry page at under 60 KB transferred on first load, with
no Chart.js. The app runs under gunicorn (it compresses its own answers); a fresh Chromium
profile signs a patient in and opens /today; every response the page itself fetched until
the network is idle is counted at its transferred size (headers and body, compressed as
sent: what the phone's connection carries). What the
service worker then fetches in the background to keep the app usable offline (the rest of
the app shell, the vendored chart libraries) is listed apart: it does not delay the page.
"""

import json
import os
import shutil
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from served import free_port, start, stop  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
]
EMAIL, PASSWORD = "weigh@example.org", "a calm river at dawn"


def register(base):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    token = json.load(opener.open(base + "/api/v1/session"))["csrf_token"]  # noqa: S310
    request = urllib.request.Request(  # noqa: S310 - our own http://127.0.0.1 URL
        base + "/api/v1/users",
        data=json.dumps({"email": EMAIL, "password": PASSWORD, "name": "Weigh"}).encode(),
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    opener.open(request)  # noqa: S310


def main():
    from playwright.sync_api import sync_playwright

    instance = Path(tempfile.mkdtemp(prefix="diary-weight-"))
    (instance / "config.py").write_text("ARGON2_TIME_COST = 1\nARGON2_MEMORY_COST_KIB = 8\n")
    env = {**os.environ, "DIARY_INSTANCE_PATH": str(instance), "DIARY_SECRET_KEY": "bench"}
    port = free_port()
    server = start("wsgi:app", env, port)
    base = f"http://127.0.0.1:{port}"
    page_sizes, worker_sizes = [], []
    try:
        register(base)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            context = browser.new_context(
                viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
            )
            page = context.new_page()
            page.goto(base + "/signin?next=/today")
            page.get_by_label("Email").fill(EMAIL)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(base + "/today")
            page.close()

            # The first visit to Today, in a new tab of the signed-in browser: the HTTP
            # cache and the service worker are cleared first, as on a phone opening it anew.
            client = context.new_page()
            cdp = context.new_cdp_session(client)
            cdp.send("Network.enable")
            cdp.send("Network.clearBrowserCache")
            cdp.send(
                "Storage.clearDataForOrigin",
                {
                    "origin": base,
                    "storageTypes": "service_workers,cache_storage,indexeddb,local_storage",
                },
            )
            sizes = {}
            cdp.on(
                "Network.loadingFinished",
                lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
            )
            urls = {}
            cdp.on(
                "Network.requestWillBeSent",
                lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]),
            )
            client.goto(base + "/today", wait_until="networkidle")
            assert client.url == base + "/today", client.url  # signed in, not sent to sign in
            for request_id, size in sizes.items():
                url = urls.get(request_id, "?")
                if not url.startswith("data:"):  # drawn from the page itself, not fetched
                    page_sizes.append((url.replace(base, ""), size))
            worker = context.service_workers[0] if context.service_workers else None
            if worker is not None:
                shell = worker.evaluate(
                    "caches.keys().then((keys) => Promise.all(keys.map((k) => caches.open(k)"
                    ".then((c) => c.keys())))).then((lists) => lists.flat().map((r) => r.url))"
                )
                worker_sizes = sorted({u.replace(base, "") for u in shell})
            browser.close()
    finally:
        stop(server)
        shutil.rmtree(instance, ignore_errors=True)

    width = max(len(name) for name, _ in page_sizes)
    for name, size in page_sizes:
        print(f"{name:<{width}}  {size / 1024:6.1f} KB")
    total = sum(size for _, size in page_sizes)
    print(f"{'total transferred':<{width}}  {total / 1024:6.1f} KB (budget 60 KB)")
    print("Chart.js on this page:", any("chart" in n and "vendor" in n for n, _ in page_sizes))
    print(f"kept for offline by the service worker afterwards: {len(worker_sizes)} files")


if __name__ == "__main__":
    main()
