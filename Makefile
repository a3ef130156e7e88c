.PHONY: run test lint format bench screenshots i18n i18n-extract i18n-update i18n-compile

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

# Translations (docs/translations.md). i18n-extract collects every marked string of diary/,
# templates/ and static/js/ (t("...") and tn("...", "...", n) there) into messages.pot;
# i18n-update merges it into each language's .po; i18n-compile builds the .mo files
# (git-ignored: the app also builds them when it starts, if missing or older than the .po).
I18N_DIR := diary/translations
PYBABEL := .venv/bin/pybabel

i18n: i18n-extract i18n-update i18n-compile

i18n-extract:
	$(PYBABEL) -q extract -F babel.cfg -k lazy_gettext -k _l -k N_ -k t -k tn:1,2 -k tNodes \
		--add-comments=Translators: --sort-by-file --no-wrap \
		--project=diary --copyright-holder="diary contributors" \
		-o $(I18N_DIR)/messages.pot .

i18n-update:
	$(PYBABEL) -q update -i $(I18N_DIR)/messages.pot -d $(I18N_DIR) --no-wrap --ignore-obsolete

i18n-compile:
	$(PYBABEL) compile --statistics -d $(I18N_DIR)
