"""The README's screenshots come from their own command (scripts/screenshots.py), never from
a test run: here it runs into a temporary folder and leaves docs/ as it was."""

import hashlib
import struct
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", header[16:24])


def fingerprint(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.png")}


def test_the_screenshot_command_draws_both_pages_without_touching_docs(tmp_path):
    docs_before = fingerprint(ROOT / "docs")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "screenshots.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    today_width, today_height = png_size(tmp_path / "screenshot-today.png")
    charts_width, charts_height = png_size(tmp_path / "screenshot-charts.png")
    # The phone's 390 CSS pixels: the today page at 2x, the long charts page at 1x down to
    # the first body-map comparison (well below one phone screen).
    assert (today_width, today_height) == (780, 1688)
    assert charts_width == 390 and charts_height > 1500
    assert fingerprint(ROOT / "docs") == docs_before
