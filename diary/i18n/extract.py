"""pybabel's Python extractor without the scripts' keywords (babel.cfg, ``make i18n``).

The scripts mark their text with ``t("...")``, ``tn(...)`` and ``tNodes(...)``; pybabel's
keywords apply to every file, and in Python ``t`` is a common name (``t["id"]`` for a
therapy), which the stock extractor would take for a message. Registered as the
``diary_python`` extraction method in setup.cfg.
"""

from babel.messages.extract import extract_python

SCRIPT_KEYWORDS = {"t", "tn", "tNodes"}


def python(fileobj, keywords, comment_tags, options):
    """Extract from Python source as pybabel does, minus the scripts' keywords."""
    # pybabel hands the keywords' names over (the specs are applied after extraction).
    own = [name for name in keywords if name not in SCRIPT_KEYWORDS]
    return extract_python(fileobj, own, comment_tags, options)
