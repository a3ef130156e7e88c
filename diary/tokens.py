"""Secrets the server hands out, kept only as their SHA-256.

Session tokens, password-reset, email-change and view links, and invite codes reach their
holder once; the database keeps their digest and finds them by it, so a copy of the database
(a backup, a stolen disk) opens no session, link or invite. The links' secrets stay out of
the logs too.
"""

import hashlib
import logging
import re


def digest(secret: str) -> str:
    """What the database keeps of ``secret``, and looks it up by."""
    return hashlib.sha256(secret.encode()).hexdigest()


# Out of the logs: the path of a view, password-reset or email-change link holds its secret
# (the link is the key), and access logs keep every path. Every route with a <token> in its path
# is one of these (tests/test_tokens.py checks the app's routes against this pattern).
_TOKEN_IN_PATH = re.compile(r"(/(?:v|reset|email)/)[^/?#\s\"]+")
HIDDEN = "[token]"


def redact(text: str) -> str:
    """``text`` with the secret of every link in it replaced by ``HIDDEN``."""
    if "/v/" not in text and "/reset/" not in text and "/email/" not in text:
        return text  # the common case, without the regex
    return _TOKEN_IN_PATH.sub(r"\1" + HIDDEN, text)


class Redacted(logging.Filter):
    """A logging filter that takes link secrets out of a record's message and arguments."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, dict):  # gunicorn's access log: a dict of atoms
            record.args = {k: _redacted(v) for k, v in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_redacted(v) for v in record.args)
        return True


def _redacted(value):
    return redact(value) if isinstance(value, str) else value


def keep_out_of_logs(*loggers: logging.Logger):
    """Add the ``Redacted`` filter to each logger (once, however often this is called)."""
    for logger in loggers:
        if not any(isinstance(f, Redacted) for f in logger.filters):
            logger.addFilter(Redacted())
