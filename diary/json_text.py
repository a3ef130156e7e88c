"""JSON text exactly as ``json.dumps`` writes it, from encoders built once.

``json.dumps`` sets up a new encoder on every call (and, given options, a new JSONEncoder
as well). A 1,000-change sync writes four JSON texts a row (three JSON columns and the
content hash), so the setting up cost more than some of the encoding. The encoders here are
set up once, with the C encoder ``json.dumps`` itself uses, and write the same text
(tests/test_json_text.py); where that C encoder is missing or takes other arguments, they
fall back to ``json.JSONEncoder``.
"""

import json
from collections.abc import Callable
from json import encoder as _json_encoder


def encoder(**options) -> Callable[[object], str]:
    """A function returning ``json.dumps(value, **options)`` (any options but ``indent``).

    Meant for parsed and validated JSON values, which hold no cycles: a cycle is not
    looked for and ends in a RecursionError rather than json's ValueError.
    """
    if options.get("indent") is not None:
        raise ValueError("indented JSON is not made here: use json.dumps")
    settings = json.JSONEncoder(**options)
    make = getattr(_json_encoder, "c_make_encoder", None)
    if make is None:
        return settings.encode
    strings = (
        _json_encoder.encode_basestring_ascii
        if settings.ensure_ascii
        else _json_encoder.encode_basestring
    )
    try:
        iterencode = make(
            None,  # no cycle check (see above)
            settings.default,
            strings,
            None,
            settings.key_separator,
            settings.item_separator,
            settings.sort_keys,
            settings.skipkeys,
            settings.allow_nan,
        )
    except TypeError:  # a Python whose C encoder takes other arguments
        return settings.encode

    def dumps(value) -> str:
        return "".join(iterencode(value, 0))

    return dumps
