"""The scripts' modules form no cycle, counting the modules a script loads when a page needs
them (``import("./x.js")``) as well as its static imports: a module that loads another must
not be imported by it, or by anything it imports."""

import re
from pathlib import Path

from tests.import_graph import cycles

STATIC = Path(__file__).resolve().parents[1] / "static"
# import ... from "./x.js"; import "./x.js"; import("./x.js")
IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["']\./([\w-]+\.js)["']""")


def imports() -> dict[str, set[str]]:
    scripts = [*sorted((STATIC / "js").glob("*.js")), STATIC / "sw.js"]
    return {path.name: set(IMPORT.findall(path.read_text())) for path in scripts}


def test_the_reader_sees_static_and_lazy_imports():
    graph = imports()
    assert "outbox.js" in graph["sync.js"]  # import { Outbox } from "./outbox.js"
    assert "entry-queue.js" in graph["offline.js"]  # import("./entry-queue.js") when needed
    assert cycles({"a.js": {"b.js"}, "b.js": {"a.js"}}) == [["a.js", "b.js", "a.js"]]


def test_no_module_imports_one_that_loads_it():
    assert cycles(imports()) == []
