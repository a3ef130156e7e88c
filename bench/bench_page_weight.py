"""Weigh the today page as a phone first loads it: HTML, CSS, scripts and their imports.

Run: .venv/bin/python bench/bench_page_weight.py

DESIGN.md section 7 budgets the entry page at under 60 KB transferred gzip-compressed on
first load, with no Chart.js. This signs a patient in with the Flask test client, fetches
/today, then every stylesheet, script, module import and icon the page names (following
ES module imports), gzips each body at level 6 (what a reverse proxy would send) and sums
them. The service worker's background precache of the rest of the shell is listed apart.
"""

import gzip
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diary import create_app  # noqa: E402
from tests.conftest import TEST_CONFIG, Api  # noqa: E402

ASSET = re.compile(r'(?:src|href)="(/static/[^"]+)"')
IMPORT = re.compile(r'(?:import|from)\s*\(?\s*["\'](\.{1,2}/[^"\']+)["\']')


def gz(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({**TEST_CONFIG, "DATABASE": str(Path(tmp) / "d.sqlite3")})
        api = Api(app.test_client())
        api.register(email="weigh@example.org")
        page = api.client.get("/today")
        html = page.get_data()
        sizes = [("/today (HTML)", len(html), gz(html))]
        queue = ASSET.findall(html.decode())
        seen = set()
        while queue:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            body = api.client.get(url).get_data()
            sizes.append((url, len(body), gz(body)))
            if url.endswith(".js"):
                base = url.rsplit("/", 1)[0]
                for rel in IMPORT.findall(body.decode()):
                    parts = (base + "/" + rel).split("/")
                    resolved = []
                    for part in parts:
                        if part == "..":
                            resolved.pop()
                        elif part != ".":
                            resolved.append(part)
                    queue.append("/".join(resolved))
        app.extensions["diary.db"].close_all()
    width = max(len(name) for name, _, _ in sizes)
    for name, raw, zipped in sizes:
        print(f"{name:<{width}}  {raw / 1024:7.1f} KB  {zipped / 1024:6.1f} KB gzip")
    total_raw = sum(r for _, r, _ in sizes)
    total_gz = sum(z for _, _, z in sizes)
    print(
        f"{'total':<{width}}  {total_raw / 1024:7.1f} KB  {total_gz / 1024:6.1f} KB gzip "
        "(budget 60 KB)"
    )
    print(
        "Chart.js on this page:", any("chart" in n.lower() and "vendor" in n for n, _, _ in sizes)
    )


if __name__ == "__main__":
    main()
