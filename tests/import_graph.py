"""Cycles in a graph of imports (the scripts' modules, the Python package's)."""


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each cycle found, as the path that closes it (``[a, b, a]``); empty when none."""
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
