#!/usr/bin/env bash
# Install diary into .venv and serve it on http://127.0.0.1:5000 (database in instance/).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
exec .venv/bin/flask --app diary run --host 127.0.0.1 --port "${PORT:-5000}"
