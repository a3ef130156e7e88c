"""The layers of ``diary/``, read from its source: the HTML blueprints never import the JSON
ones, nothing below the blueprints imports one, the pure domain modules never reach Flask
(through any module of the app), and the modules form no cycle at import time."""

import ast
from pathlib import Path

import pytest

from tests.import_graph import cycles

ROOT = Path(__file__).resolve().parents[1]
FLASK = ("flask", "flask_babel", "flask_compress", "flask_limiter", "flask_login", "flask_wtf")

# Statistics, the sync rules, the clinical and body-map catalogues, request input, rounding,
# days, the questionnaires' scoring, the cohort statistics and the words they are said in:
# tested without an app.
PURE = [
    "diary.clinical",
    "diary.clinical.analysis",
    "diary.clinical.comparison",
    "diary.clinical.comparison_words",
    "diary.clinical.regions",
    "diary.cohorts.stats",
    "diary.days",
    "diary.i18n.text",
    "diary.inputs",
    "diary.questionnaires.engine",
    "diary.rounding",
    "diary.sync.merge",
]


def modules() -> dict[str, Path]:
    found = {}
    for path in (ROOT / "diary").rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = modules()


def imported(name: str, *, top_level_only: bool = False) -> set[str]:
    """What ``name`` imports: a module of the app by its full name (``from diary.i18n
    import text`` is ``diary.i18n.text``), anything else by what the statement names.
    ``top_level_only``: only what runs on import (not an import inside a function)."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(), str(path))
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    nodes = tree.body if top_level_only else ast.walk(tree)
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # from . import x, from ..sync import y
                base = ".".join(package[: len(package) - node.level + 1] + [base]).strip(".")
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in MODULES else base)
    return found


def reached(name: str) -> set[str]:
    """Everything ``name`` imports, and what those modules of the app import, and so on."""
    seen, todo = set(), [name]
    while todo:
        for target in imported(todo.pop()):
            if target not in seen:
                seen.add(target)
                if target in MODULES:
                    todo.append(target)
    return seen


def test_the_source_is_read_whole():
    assert {"diary", "diary.web.entries", "diary.api.sync", "diary.clinical.analysis"} <= set(
        MODULES
    )
    assert "diary.db" in imported("diary.sync.store")
    assert "diary.clinical.analysis" in reached("diary.web.charts")


def test_html_blueprints_never_import_json_blueprints():
    found = {
        (name, target)
        for name in MODULES
        if name.startswith("diary.web")
        for target in imported(name)
        if target.startswith("diary.api")
    }
    assert found == set()


def test_nothing_below_the_blueprints_imports_one():
    below = [m for m in MODULES if m != "diary" and not m.startswith(("diary.web", "diary.api"))]
    found = {
        (name, target)
        for name in below
        for target in imported(name)
        if target.startswith(("diary.web", "diary.api"))
    }
    assert found == set()


@pytest.mark.parametrize("name", PURE)
def test_pure_domain_modules_never_reach_flask(name):
    assert name in MODULES
    assert sorted(t for t in reached(name) if t.split(".")[0] in FLASK) == []


def test_the_modules_form_no_cycle_at_import_time():
    graph = {
        name: {t for t in imported(name, top_level_only=True) if t in MODULES} for name in MODULES
    }
    assert cycles(graph) == []
