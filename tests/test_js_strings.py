"""No English a reader would see is written into the scripts outside t(), tn() or tNodes():
such a string is never extracted into the catalogue, so a Spanish page shows it in English
(docs/translations.md). A small JavaScript tokenizer finds every string literal of
static/js/ and static/sw.js (comments, regular expressions and the code inside a template's
${...} told apart), and a literal fails the test when it reads as prose or lands where the
reader sees it (textContent, a dialog's title, a chart's label...) without going through
the catalogue."""

import re
from dataclasses import dataclass
from pathlib import Path

from diary.i18n import catalogues

STATIC = Path(__file__).resolve().parents[1] / "static"

#: English that stays English on purpose, by file and text, each with its reason. Keep short.
ALLOWED = {
    # The worker's last resort when a push carries no words and no page has told it the
    # reader's language yet (the words the pages give it come from the catalogue).
    ("sw.js", "Time for your diary"),
    ("sw.js", "Tap to add today's entry."),
}

# Where the text of a literal is only for the code: selectors, events, attribute names,
# errors for the console.
CODE_ONLY = re.compile(
    r"""(?:console\.\w+|new\s+\w*Error|querySelector(?:All)?|closest|matches|addEventListener
    |removeEventListener|getAttribute|hasAttribute|removeAttribute|import|getElementById
    |setAttribute)\(\s*$|\bfrom\s*$|\bimport\s*$""",
    re.X,
)
# The catalogue's own calls: the literal is the message (tn's plural is its second argument).
# (Not a method of the same name: x.t(...); a spread, ...tNodes(...), is the function.)
NAME = r"(?<![\w$])(?<![\w$)\]]\.)"
MARKED = re.compile(rf"""{NAME}(?:t|tNodes|tn)\(\s*$|{NAME}tn\(\s*"[^"]*"\s*,\s*$""")
# Where a literal is shown as it is: a property or option the reader sees, a text node.
SHOWN = re.compile(
    r"""(?:\.(?:textContent|innerText|title|placeholder|alt)\s*=
    |\b(?:textContent|innerText|title|label|text|yes|no|content|body|placeholder|alt)\s*:
    |\.(?:append|prepend|before|after|replaceChildren|showNotification|setCustomValidity)\(
    |\b(?:alert|confirm|prompt|createTextNode)\(
    |setAttribute\(\s*"(?:aria-label|aria-description|title|placeholder|alt)"\s*,
    )\s*$""",
    re.X,
)
STOPWORDS = {
    *("a", "an", "the", "to", "of", "in", "on", "at", "for", "with", "and", "or", "not", "no"),
    *("is", "are", "was", "were", "be", "been", "it", "its", "this", "that", "your", "you"),
    *("here", "now", "yet", "there", "than", "then", "from", "by", "as"),
}
WORD = re.compile(r"""[(“‘"']?[A-Za-z][a-z']*[)”’"'.,:;?!…]*""")
PLACEHOLDER = "\x00"


@dataclass(frozen=True)
class Literal:
    text: str  # a template's ${...} parts as PLACEHOLDER
    line: int
    before: str  # the code just before it (other literals quoted, comments dropped)


class Scanner:
    """Walks a script once: string and template literals, comments and regular expressions."""

    def __init__(self, source: str):
        self.src, self.i, self.code, self.found = source, 0, [], []

    def scan(self, *, until_brace: bool = False) -> None:
        src, depth = self.src, 0
        while self.i < len(src):
            c = src[self.i]
            if c in "\"'":
                self.string(c)
            elif c == "`":
                self.template()
            elif src.startswith("//", self.i):
                end = src.find("\n", self.i)
                self.i = len(src) if end < 0 else end
            elif src.startswith("/*", self.i):
                self.i = src.index("*/", self.i) + 2
                self.code.append(" ")
            elif c == "/" and self.regex_may_start():
                self.regex()
            else:
                if until_brace and c == "{":
                    depth += 1
                elif until_brace and c == "}":
                    if depth == 0:
                        self.i += 1
                        return
                    depth -= 1
                self.code.append(c)
                self.i += 1

    def regex_may_start(self) -> bool:
        code = "".join(self.code[-20:]).rstrip()
        return not code or code[-1] in "(,=:[!&|?{};+-*%<>~^" or bool(re.search(r"\breturn$", code))

    def regex(self) -> None:
        src, i, in_class = self.src, self.i + 1, False
        while src[i] != "/" or in_class:
            if src[i] == "\\":
                i += 1
            elif src[i] == "[":
                in_class = True
            elif src[i] == "]":
                in_class = False
            i += 1
        self.i = i + 1
        self.code.append("/re/")

    def record(self, text: str, start: int) -> None:
        before = "".join(self.code)[-400:]
        self.found.append(Literal(text, self.src.count("\n", 0, start) + 1, before))
        self.code.append('"' + text.replace('"', "'").replace(PLACEHOLDER, "") + '"')

    def string(self, quote: str) -> None:
        src, start, i, out = self.src, self.i, self.i + 1, []
        while src[i] != quote:
            if src[i] == "\\":
                out.append(src[i + 1])
                i += 2
                continue
            out.append(src[i])
            i += 1
        self.i = i + 1
        self.record("".join(out), start)

    def template(self) -> None:
        src, start, out = self.src, self.i, []
        self.i += 1
        while src[self.i] != "`":
            if src[self.i] == "\\":
                out.append(src[self.i + 1])
                self.i += 2
            elif src.startswith("${", self.i):
                # The expression is code: its own literals are found on their own.
                self.i += 2
                mark = len(self.code)
                self.scan(until_brace=True)
                del self.code[mark:]
                out.append(PLACEHOLDER)
            else:
                out.append(src[self.i])
                self.i += 1
        self.i += 1
        self.record("".join(out), start)


def literals(source: str) -> list[Literal]:
    scanner = Scanner(source)
    scanner.scan()
    return scanner.found


def reads_as_prose(text: str) -> bool:
    """A sentence ("Copied.", "Delete “…”?", "Today:") or words a person reads ("Time for
    your diary"), not a class list, an event name or a date pattern."""
    words_only = " ".join(text.replace(PLACEHOLDER, " ").split())
    if re.match(r"^\W*[A-Z][a-z]+\b", words_only) and re.search(r"[.:?!…][”’\"')]*$", words_only):
        return True
    tokens = words_only.split()
    words = [token for token in tokens if WORD.fullmatch(token)]
    if len(words) < 2 or len(words) * 2 < len(tokens):
        return False
    bare = [word.strip("()“‘”’\"'.,:;?!…").lower() for word in words]
    return words[0][0].isupper() or any(word in STOPWORDS for word in bare)


def unmarked(source: str) -> list[Literal]:
    """The literals of a script a reader would see in English."""
    found = []
    for literal in literals(source):
        if MARKED.search(literal.before) or CODE_ONLY.search(literal.before):
            continue
        shown = SHOWN.search(literal.before) and re.search(
            r"[A-Z][a-z]+|[a-z]{2,}\s+[a-z]{2,}", literal.text
        )
        if shown or reads_as_prose(literal.text):
            found.append(literal)
    return found


def scripts() -> list[Path]:
    return [*sorted((STATIC / "js").glob("*.js")), STATIC / "sw.js"]


def test_the_scanner_finds_english_outside_the_catalogue():
    source = """
      import { t } from "./i18n.js"; // "A comment, not a string."
      const pattern = /"Not a string," it said/g;
      status.textContent = "Copied.";
      ask({ title: `Delete “${name(data, "for the title")}”?`, yes: t("Delete it") });
      el("span", { className: "muted" }, "Today:");
      Object.assign(p, { textContent: "This medicine was deleted, here or on another device." });
      button.textContent = "Reload";
      notify(message.title || "Time for your diary");
      store.t("Not the catalogue's t.");
    """
    assert [literal.text for literal in unmarked(source)] == [
        "Copied.",
        "for the title",
        f"Delete “{PLACEHOLDER}”?",
        "Today:",
        "This medicine was deleted, here or on another device.",
        "Reload",
        "Time for your diary",
        "Not the catalogue's t.",
    ]


def test_the_scanner_lets_the_catalogue_and_the_code_alone():
    source = """
      status.textContent = t("Copied.");
      const n = tn("%(num)s change needs your choice", "%(num)s changes need your choice", k);
      text.append(...tNodes("Open %(link)s to see them.", { link }));
      console.warn("could not send it, trying again later");
      throw new Error("The outbox is not open yet.");
      document.querySelector("[data-copy-status] .muted");
      button.className = "button primary";
      swatch.className = `bodymap-swatch is-${state}`;
      const format = "d MMM yyyy";
      if (event.key === "Escape") close();
    """
    assert unmarked(source) == []


def test_the_scanner_reads_every_script_whole():
    # Each message pybabel took from the scripts is a literal the scanner saw inside t(),
    # tn() or tNodes(): a regular expression or a comment misread would hide some.
    catalogue = catalogues.read_catalogue(catalogues.po_path("es"))
    extracted = {
        text
        for message in catalogue
        if message.id and any(file.startswith("static/") for file, _line in message.locations)
        for text in (message.id if isinstance(message.id, tuple) else (message.id,))
    }
    marked = {
        literal.text
        for path in scripts()
        for literal in literals(path.read_text())
        if MARKED.search(literal.before)
    }
    assert len(extracted) > 200
    assert extracted - marked == set()


def test_no_script_shows_english_outside_the_catalogue():
    found = [
        f"{path.relative_to(STATIC)}:{literal.line}: {literal.text!r}"
        for path in scripts()
        for literal in unmarked(path.read_text())
        if (path.name, literal.text) not in ALLOWED
    ]
    assert found == []


def test_every_allowed_string_is_still_there():
    # An allow-list entry outlives its string only by mistake.
    texts = {
        (path.name, literal.text) for path in scripts() for literal in literals(path.read_text())
    }
    assert texts >= ALLOWED
