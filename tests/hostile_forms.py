"""Hostile input for HTML forms and pages: the values, how a body is built from a form as
its page shows it, the sweeps every route and page gets, and hypothesis' strategies for
the rest (tests/test_forms_fuzz.py sends them)."""

import functools
import json
from dataclasses import dataclass
from urllib.parse import quote

from hypothesis import strategies as st

LONG = "A long day, sitting hurt. " * 4000  # 104,000 characters
CONTROLS = ("\x00", "\x1b[31mred\x1b[0m", "\r\n", "\x07\x08\x0b\x0c", "\u202eevil", "\x85\x9b")
#: "9" * 4400 is past the 4,300 digits int() reads from text (a ValueError of its own).
NUMBERS = (
    "²",
    "1e309",
    "-0",
    "9" * 400,
    "NaN",
    "٣",
    "9" * 4400,
    "inf",
    "-1",
    "0x1F",
    "1_0",
    " 7 ",
    "3.5",
)
DATES = (
    "2026-02-30",
    "0000-01-01",
    "99999-01-01",
    "0001-01-01",
    "9999-12-31",
    "2026-13-01",
    "2026-1-1",
    "25:61",
    "24:00",
    "23:59:60",
    "2026-03-29T02:30",
)
#: Wire bytes, put in the body as they are: not UTF-8, a lone surrogate (encoded as UTF-8
#: would if it could), an overlong slash, a NUL, broken percent escapes.
RAW = (b"\xff\xfe", b"%ED%A0%80", b"%C0%AF", b"\xed\xa0\x80", b"%00", b"%", b"%zz", b"\x80abc")
INJECTIONS = (
    "<script>alert(1)</script>",
    '"><img src=x>',
    "{{7*7}}{% raw %}",
    "' OR 1=1 --",
    "%s%n%x",
    "../../etc/passwd",
    "//evil.example/",
    "javascript:alert(1)",
    "\r\nSet-Cookie: x=1",
    "\ud800",  # a lone surrogate in a field (it goes out as the bytes in RAW say)
    "😀\u200b\ufeffe\u0301",
    "null",
    "[]",
    "{}",
    "true",
)
HOSTILE = ("", " ", LONG, *CONTROLS, *NUMBERS, *DATES, *RAW, *INJECTIONS)
#: Field names no form has.
UNKNOWN = (
    "__proto__",
    "answers.999",
    "activities.flying",
    "regions[]",
    "id[]",
    "x" * 1000,
    "na\x00me",
    b"\xff\xfe",
    "",
)
FILES = (
    b"",
    b"{",
    b"\xff\xfe\x00",
    b'{"format": "\\ud800"}',
    b"[" * 5000,
    b'{"a": 1e309, "b": NaN}',
    LONG.encode(),
)
FILE_NAMES = ("copy.json", "", "../../etc/passwd", "x" * 1000, "a\x00b.json", "😀.json")
QUERIES = (
    ("next", "//evil.example/"),
    ("next", "https://evil.example/"),
    ("next", "/today\r\nSet-Cookie: x=1"),
    ("next", "javascript:alert(1)"),
    ("kind", "surgery\x00"),
    ("code", LONG[:3000]),
    ("after", "%"),
    ("schedule", b"\xff"),
)
#: Headers and cookies the app reads, each hostile.
HEADERS = (
    ("User-Agent", LONG[:8000]),
    ("Accept-Language", "es"),  # the pages in the other language, with its plural rules
    ("User-Agent", "Mozilla/5.0 \x1b[31m\x00"),
    ("Accept-Language", "es;q=NaN, *;q=1e309, ,,;"),
    ("Accept-Language", "x" * 4000),
)
COOKIES = (
    ("diary_lang", "\x00es"),
    ("diary_lang", "../../etc"),
    ("diary_reminders", "1~rmdq.0000-01-01~rmdq.99999-01-01~..~"),
    ("diary_reminders", "~" * 3000),
    ("diary_reminders", "1~pgic.x.y.z~rmdq.2026-02-30~\u202e"),
    ("diary_user", "1.1e309"),
)
ENCODINGS = ("urlencoded", "urlencoded", "urlencoded", "multipart", "json", "text")
#: A field just over the largest body an HTML form may send (config MAX_CONTENT_LENGTH).
TOO_LARGE = "x" * (2 * 1024 * 1024 + 64 * 1024 + 1)


@dataclass(frozen=True)
class Body:
    """What one request sends, as changes to a form as its page shows it.

    ``changes`` are ``("set", name, value)``, ``("drop", name)``, ``("repeat", name, value)``,
    ``("file", name, content, filename)`` and ``("clear",)`` (no field at all).
    """

    changes: tuple = ()
    #: "urlencoded", "multipart", "json", "text", or None: as the form itself sends.
    encoding: str | None = None
    query: tuple = ()
    #: Request headers and cookies the app reads (its language, its dismissed cards).
    headers: tuple = ()
    cookies: tuple = ()
    #: Which of the route's forms (a page may hold several posting to one route).
    form: int = 0


@functools.lru_cache(maxsize=512)
def _wire(value) -> bytes:
    if isinstance(value, bytes):
        return value  # already wire bytes: sent as they are
    # surrogatepass: a lone surrogate goes out as the bytes a careless encoder would send.
    return quote(value.encode("utf-8", "surrogatepass"), safe="").encode()


def urlencoded(pairs) -> bytes:
    """``pairs`` as a query string or a form body; bytes go as they are."""
    return b"&".join(_wire(name) + b"=" + _wire(value) for name, value in pairs)


def _as_bytes(value) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


BOUNDARY = b"fuzzfuzzfuzz"


def _multipart(pairs, files) -> bytes:
    parts = []
    for name, value in pairs:
        head = b'Content-Disposition: form-data; name="' + _as_bytes(name) + b'"'
        parts.append(head + b"\r\n\r\n" + _as_bytes(value))
    for name, content, filename in files:
        head = b'Content-Disposition: form-data; name="%s"; filename="%s"' % (
            _as_bytes(name),
            _as_bytes(filename),
        )
        parts.append(head + b"\r\nContent-Type: application/json\r\n\r\n" + content)
    body = b"".join(b"--" + BOUNDARY + b"\r\n" + part + b"\r\n" for part in parts)
    return body + b"--" + BOUNDARY + b"--\r\n"


def _text(value) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def encode(body: Body, fields: list, files: list, enctype: str):
    """``(bytes, content type)``: ``body``'s changes made to a form's ``fields`` as shown
    (``[(name, value)]``) and ``files`` (``[(name, content, filename)]``), encoded as the
    body says or, by default, as the form's ``enctype`` does."""
    fields, files = list(fields), list(files)
    for verb, *rest in body.changes:
        if verb == "clear":
            fields, files = [], []
        elif verb == "drop":
            fields = [(n, v) for n, v in fields if n != rest[0]]
            files = [f for f in files if f[0] != rest[0]]
        elif verb == "set":
            name, value = rest
            fields = [(n, v) for n, v in fields if n != name] + [(name, value)]
        elif verb == "repeat":
            fields.append(tuple(rest))
        elif verb == "file":
            name, content, filename = rest
            fields = [(n, v) for n, v in fields if n != name]
            files = [f for f in files if f[0] != name] + [(name, content, filename)]
    encoding = body.encoding or ("multipart" if "multipart" in enctype else "urlencoded")
    if encoding == "multipart":
        return _multipart(fields, files), "multipart/form-data; boundary=" + BOUNDARY.decode()
    if encoding == "json":
        return json.dumps({_text(n): _text(v) for n, v in fields}).encode(), "application/json"
    if encoding == "text":
        return b"\n".join(_as_bytes(n) + b"=" + _as_bytes(v) for n, v in fields), "text/plain"
    return urlencoded(fields), "application/x-www-form-urlencoded"


def sweeps(typed: list, hidden: list, ids: list, files: dict) -> list[Body]:
    """A body per kind of hostile value, each ``typed`` field given one of that kind; the
    ``hidden`` fields stay as shown (an id, a version, a kind chosen on the page before:
    changed, they refuse the form before its typed fields are read) but for sweeps of
    their own, unless the form has no other fields. ``ids``: real ids (another patient's,
    another kind's), each field given one. ``files``: for each file field, the contents to
    send once each."""
    if not typed:
        typed, hidden = hidden, []

    def every(values, names=typed, limit=None, verb="set"):
        return tuple((verb, name, values[i % len(values)]) for i, name in enumerate(names[:limit]))

    repeats = (*NUMBERS[:3], *DATES[:3], "", LONG[:100])
    everything = typed + hidden
    # A form without fields makes many sweeps one body: each is sent once.
    return list(
        dict.fromkeys(
            [
                # 15 fields of 100 KB each: under the 2 MB limit, so the form is read.
                Body(every((LONG,), limit=15)),
                Body(every((*CONTROLS, *INJECTIONS))),
                Body(every(NUMBERS)),
                Body(every(DATES)),
                Body(every(RAW)),
                Body(every(RAW), encoding="multipart"),
                Body(every((*RAW[:2], *NUMBERS[:4], "", LONG[:500]), names=hidden)),
                Body(every(ids, names=everything)),
                Body(every(repeats, names=everything, verb="repeat")),
                Body((("clear",),)),
                Body(tuple(("set", name, "1") for name in UNKNOWN)),
                Body(every(("",), names=everything)),
                Body(query=QUERIES),
                Body(headers=HEADERS[:2], cookies=COOKIES),
                Body(encoding="json"),
                Body((("set", "note", TOO_LARGE),)),
                *(
                    Body((("file", name, content, "diary.json"),))
                    for name, contents in files.items()
                    for content in contents
                ),
            ]
        )
    )


def bodies(names: list, offered: list, forms: int, files=FILES) -> st.SearchStrategy:
    """Hypothesis' mixes: one to four changes to one of a route's ``forms`` as shown (its
    fields ``names``, the values it ``offered``; any field may be sent as one of the
    ``files``), maybe with a hostile query, headers or cookies, in any encoding."""
    name = st.sampled_from(names + list(UNKNOWN))
    value = st.sampled_from(HOSTILE) | st.sampled_from(offered or [""])
    change = st.one_of(
        st.tuples(st.just("set"), name, value),
        st.tuples(st.just("drop"), name),
        st.tuples(st.just("repeat"), name, value),
        st.tuples(st.just("file"), name, st.sampled_from(files), st.sampled_from(FILE_NAMES)),
    )
    query = st.lists(st.tuples(st.sampled_from([*names, "next"]), value), max_size=2)
    return st.builds(
        Body,
        changes=st.lists(change, min_size=1, max_size=4).map(tuple),
        encoding=st.sampled_from(ENCODINGS),
        query=query.map(tuple),
        headers=st.lists(st.sampled_from(HEADERS), max_size=1).map(tuple),
        cookies=st.lists(st.sampled_from(COOKIES), max_size=2).map(tuple),
        form=st.integers(0, forms - 1),
    )


def query_sweeps(names: list) -> list[tuple]:
    """Hostile query strings for a page that reads ``names``: each name given a number, a
    date or wire bytes, markup or control characters, each name twice; and each name on
    its own given more digits than int() reads (an address holds one such value)."""

    def every(values):
        return tuple((name, values[i % len(values)]) for i, name in enumerate(names))

    short = [v for v in NUMBERS if len(v) < 1000]
    texts = tuple(v for v in (*INJECTIONS, *CONTROLS) if len(v) < 100)
    return [
        every(short),
        every((*DATES, *RAW)),
        every(texts) + every(("", " ", "-1")),
        *(((name, "9" * 4400),) for name in names),
    ]


def queries(names: list, offered: list) -> st.SearchStrategy:
    """Hypothesis' hostile query strings: one to four of ``names`` (or unknown ones), each
    given a hostile value or one the page's links or forms ``offered``."""
    short = [v for v in (*HOSTILE, *offered) if len(v) < 4500]
    pair = st.tuples(st.sampled_from(names + list(UNKNOWN)), st.sampled_from(short))
    return st.lists(pair, min_size=1, max_size=4).map(tuple)
