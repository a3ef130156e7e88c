"""Werkzeug's URL builders compiled once per test process, not once per app.

Werkzeug compiles two Python functions for every rule (``Rule._compile_builder``: an AST
built, walked and passed to ``compile()``) each time a rule is added to a map: about 40 ms
of every ``create_app`` for this app's rules, which the suite calls once per test. The
function depends only on the rule's parsed parts, its defaults and whether unknown
arguments are appended (the converters are looked up through the bound rule when it
runs), so the suite's apps share one per distinct rule. Production builds its app once
and keeps Werkzeug's own class.

Tested by ``tests/test_routing_memo.py``: every rule builds the same URLs either way.
"""

from werkzeug.routing import Rule

_builders: dict = {}


class MemoRule(Rule):
    def _compile_builder(self, append_unknown: bool = True):
        defaults = self.defaults or {}
        key = (
            self.rule,
            tuple(self._trace),
            tuple(sorted((name, repr(value)) for name, value in defaults.items())),
            append_unknown,
        )
        try:
            return _builders[key]
        except KeyError:
            builder = _builders[key] = super()._compile_builder(append_unknown)
            return builder
