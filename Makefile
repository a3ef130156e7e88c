.PHONY: run test lint format bench screenshots

SHELL := bash

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

# ruff (lint and format), then bandit over the app and its scripts. Bandit's false positives
# are marked where they stand (# nosec BXXX with the reason beside it); its notes that a
# nosec line also holds strings it did not flag are noise, and filtered out.
lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check diary tests bench scripts
	set -o pipefail; .venv/bin/bandit -q -r diary scripts 2>&1 | { grep -v "nosec encountered" || true; }

format:
	.venv/bin/ruff format diary tests bench scripts
	.venv/bin/ruff check --fix .

# Every benchmark in bench/, one after another; results in bench/results/ (see docs/benchmarks.md).
bench:
	.venv/bin/python bench/run_all.py

# The README's pictures (docs/screenshot-*.png), from a fresh demo diary; commit them after.
screenshots:
	.venv/bin/python scripts/screenshots.py
