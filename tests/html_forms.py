"""The forms of an HTML page as a browser without JavaScript would send them, and the
query parameters its links carry."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Form:
    """One ``<form>``: where it goes, how, and what it holds."""

    #: The ``action`` attribute as written (None: the page's own address).
    action: str | None
    enctype: str
    method: str = "get"
    #: What the form sends as shown: ``(name, value)`` pairs in page order (checked boxes and
    #: radios, selected options, text and hidden fields; no button, no file).
    sent: list = field(default_factory=list)
    #: Every value a field offers: its own, its options', its radios' and buttons' values.
    offered: dict = field(default_factory=dict)
    #: The names of its file fields, and of its hidden ones (which no one types into).
    files: set = field(default_factory=set)
    hidden: set = field(default_factory=set)

    @property
    def names(self) -> set:
        """Every field name of the form, buttons and unticked boxes included."""
        return set(self.offered) | self.files

    def offer(self, name, value):
        values = self.offered.setdefault(name, [])
        if value not in values:
            values.append(value)


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.links = {}
        self._form = None
        self._textarea = None
        self._select = None  # (name, [values], selected value or None)

    def handle_starttag(self, tag, attrs):
        attrs = {name: "" if value is None else value for name, value in attrs}
        if tag == "form":
            method = attrs.get("method", "get").lower()
            self._form = Form(attrs.get("action"), attrs.get("enctype", ""), method)
            self.forms.append(self._form)
            return
        if tag == "a" and "?" in attrs.get("href", ""):
            href = urlsplit(attrs["href"])
            names = {name for name, _value in parse_qsl(href.query, keep_blank_values=True)}
            self.links.setdefault(href.path, set()).update(names)
        form, name = self._form, attrs.get("name")
        if form is None:
            return
        if tag == "option" and self._select is not None:
            # An option without a value sends its text; none here has one, and a value is
            # all the fuzzer needs.
            self._select[1].append(attrs.get("value", ""))
            if "selected" in attrs:
                self._select[2] = attrs.get("value", "")
        if not name:
            return
        kind = attrs.get("type", "text").lower() if tag == "input" else tag
        value = attrs.get("value", "on" if kind in ("checkbox", "radio") else "")
        if kind == "file":
            form.files.add(name)
        elif kind in ("submit", "button", "image", "reset"):
            form.offer(name, value)
        elif kind in ("checkbox", "radio"):
            form.offer(name, value)
            if "checked" in attrs:
                form.sent.append((name, value))
        elif tag == "textarea":
            self._textarea = [name, ""]
        elif tag == "select":
            self._select = [name, [], None]
        elif tag == "input":
            form.offer(name, value)
            form.sent.append((name, value))
            if kind == "hidden":
                form.hidden.add(name)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        form = self._form
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and form is not None:
            name, text = self._textarea
            # The parser keeps the line break that follows <textarea>; a browser drops it.
            text = text.removeprefix("\n")
            form.offer(name, text)
            form.sent.append((name, text))
            self._textarea = None
        elif tag == "select" and self._select is not None and form is not None:
            name, values, selected = self._select
            for value in values:
                form.offer(name, value)
            if values:
                form.sent.append((name, values[0] if selected is None else selected))
            self._select = None


def _read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader


def forms_on(html: str, method: str = "post") -> list[Form]:
    """The forms of ``html`` that send with ``method``, in page order."""
    return [form for form in _read(html).forms if form.method == method]


def link_queries(html: str) -> dict[str, set]:
    """The query parameters the links of ``html`` carry: ``{path: {name}}``."""
    return _read(html).links
