.PHONY: run test lint format bench

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check diary tests

format:
	.venv/bin/ruff format diary tests
	.venv/bin/ruff check --fix .

bench:
	.venv/bin/python bench/run_all.py
