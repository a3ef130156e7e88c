"""The Spanish catalogue is complete and current: every string the code marks (Python,
templates, scripts) is translated, none fuzzy, every placeholder kept; the compiled
catalogue is rebuilt when its .po changes; the scripts get exactly their own strings."""

import os
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from diary.i18n import catalogues

ROOT = Path(__file__).resolve().parents[1]
SPANISH_PO = catalogues.po_path("es")
# Named placeholders: gettext's %(name)s, and str.format's {name} (the cohort pages' words).
PLACEHOLDER = re.compile(r"%\((\w+)\)s|\{(\w+)\}")


def pybabel(*args):
    CommandLineInterface().run(["pybabel", "-q", *args])


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The template as ``make i18n-extract`` makes it (same map, same keywords), and the
    Spanish catalogue updated against it, both in a temporary folder."""
    folder = tmp_path_factory.mktemp("i18n")
    pot = folder / "messages.pot"
    makefile = (ROOT / "Makefile").read_text()
    keywords = re.search(r"extract -F babel.cfg ((?:-k \S+ )+)", makefile).group(1).split()
    pybabel("extract", "-F", str(ROOT / "babel.cfg"), *keywords, "-o", str(pot), str(ROOT))
    updated = folder / "es" / "LC_MESSAGES" / "messages.po"
    updated.parent.mkdir(parents=True)
    shutil.copy(SPANISH_PO, updated)
    pybabel("update", "-i", str(pot), "-d", str(folder), "-l", "es", "--no-wrap")
    with pot.open("rb") as handle:
        template = read_po(handle)
    with updated.open("rb") as handle:
        spanish = read_po(handle)
    return template, spanish


def ids(catalogue):
    return {message.id for message in catalogue if message.id}


def names(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def strings(message):
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_extraction_finds_the_apps_strings_in_every_kind_of_file(extracted):
    template, _ = extracted
    where = {
        Path(path).resolve().relative_to(ROOT).parts[0]
        for message in template
        for path, _ in message.locations
    }
    assert {"diary", "templates", "static"} <= where
    found = ids(template)
    assert "How is your pain today?" in found  # a template
    assert "All synced" in found  # a script
    assert "Numbness between the legs or around the bottom (saddle area)" in found  # Python
    # Python's own "t" (a therapy in a loop) is not taken for the scripts' t("...").
    assert "id" not in found and "start_day" not in found


def test_every_string_is_in_the_committed_spanish_catalogue(extracted):
    template, _ = extracted
    with SPANISH_PO.open("rb") as handle:
        committed = read_po(handle)
    missing = sorted(map(str, ids(template) - ids(committed)))
    assert not missing, f"run make i18n and translate: {missing[:10]}"


def test_every_spanish_string_is_translated_and_none_is_fuzzy(extracted):
    _, spanish = extracted
    problems = [
        message.id
        for message in spanish
        if message.id and (message.fuzzy or not all(strings(message)))
    ]
    assert not problems, problems[:10]


def test_every_translation_keeps_the_placeholders_of_its_source(extracted):
    _, spanish = extracted
    for message in spanish:
        if not message.id:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = names(" ".join(sources))
        for text in strings(message):
            # A plural form may leave out the count it is chosen by (as English "one" may).
            assert names(text) | {"num"} >= wanted - {"num"}, message.id
            assert names(text) <= wanted | {"num"}, message.id
        # "%%" in a source stays "%%" (templates always format their messages).
        if any("%%" in s for s in sources):
            assert all("%%" in t for t in strings(message)), message.id


def test_spanish_uses_two_plural_forms_as_the_scripts_do():
    with SPANISH_PO.open("rb") as handle:
        spanish = read_po(handle)
    assert spanish.num_plurals == 2  # static/js/i18n.js knows one form for 1, one for the rest


def test_the_compiled_catalogue_is_rebuilt_when_its_source_changes(tmp_path):
    po = tmp_path / "es" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    shutil.copy(SPANISH_PO, po)
    assert catalogues.compile_stale(tmp_path) == [po.with_suffix(".mo")]
    assert catalogues.compile_stale(tmp_path) == []  # current: left alone
    po.write_text(po.read_text().replace('msgstr "Todo sincronizado"', 'msgstr "Todo al día"'))
    mo = po.with_suffix(".mo")
    os.utime(mo, (1, 1))  # older than its source
    assert catalogues.compile_stale(tmp_path) == [mo]
    assert "Todo al día".encode() in mo.read_bytes()


def test_the_scripts_get_their_own_strings_only():
    words = catalogues.js_messages("es")
    assert words["Keep mine"] == "Conservar la mía"
    assert "How is your pain today?" not in words  # a template's, not a script's
    assert catalogues.js_messages("en") == {}
