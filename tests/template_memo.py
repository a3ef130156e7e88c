"""Jinja's templates compiled once per test process, not once per app.

Each app has its own Jinja environment, and an environment compiles a template (lexing,
parsing, optimising, generating Python and ``compile()``) the first time it renders it.
The suite builds an app per test, so it compiled the same few dozen templates again for
every test that renders a page: about a quarter of the CPU of the tests outside the
browser. Jinja's own bytecode cache keeps the compiled code of each template keyed by its
name and file, and reuses it only while the template's source has the same checksum.
Here that cache is one dict per test process, shared by every app the suite builds
(``jinja_options``, Flask's hook for the environment's arguments). Every app is built by
``create_app``, so their environments have the same options and compile a template to the
same code. Production builds its app once and keeps Jinja's default (no bytecode cache).

Tested by ``tests/test_template_memo.py``.
"""

from jinja2 import BytecodeCache


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates in a dict, for as long as the process lives."""

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # left empty when the source has changed

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = MemoryBytecodeCache()
