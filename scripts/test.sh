#!/usr/bin/env bash
# Install everything the tests need (Debian's Chromium included) and run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
# The browser tests drive Chromium's headless shell, and the whole browser where the shell
# cannot go (tests/browser/conftest.py): Debian packages both from the same source.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromium-headless-shell ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    chromium chromium-headless-shell
fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test,dev]'
.venv/bin/ruff check .
# pytest exits 5 when it collected no test: that fails this script like any other failure.
# -n auto: one worker per core, each with its own live server and browser (pytest-xdist).
exec .venv/bin/python -m pytest -q -n auto --dist worksteal "$@"
