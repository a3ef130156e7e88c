"""The scripts' modules form no cycle, counting the modules a script loads when a page needs
them (``import("./x.js")``) as well as its static imports: a module that loads another must
not be imported by it, or by anything it imports."""

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "static"
# import ... from "./x.js"; import "./x.js"; import("./x.js")
IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["']\./([\w-]+\.js)["']""")


def imports() -> dict[str, set[str]]:
    scripts = [*sorted((STATIC / "js").glob("*.js")), STATIC / "sw.js"]
    return {path.name: set(IMPORT.findall(path.read_text())) for path in scripts}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, done = [], set()

    def visit(name, path):
        for nxt in sorted(graph.get(name, ())):
            if nxt in path:
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in done:
                visit(nxt, [*path, nxt])
        done.add(name)

    for name in sorted(graph):
        visit(name, [name])
    return found


def test_the_reader_sees_static_and_lazy_imports():
    graph = imports()
    assert "outbox.js" in graph["sync.js"]  # import { Outbox } from "./outbox.js"
    assert "entry-queue.js" in graph["offline.js"]  # import("./entry-queue.js") when needed
    assert cycles({"a.js": {"b.js"}, "b.js": {"a.js"}}) == [["a.js", "b.js", "a.js"]]


def test_no_module_imports_one_that_loads_it():
    assert cycles(imports()) == []
