"""The suite's shared compiled templates (tests/template_memo.py) render what Jinja's own
compilation does, and never outlive a change to the template's source."""

import re

from jinja2 import Environment, FileSystemLoader

from diary import DiaryFlask, create_app
from tests.conftest import TEST_CONFIG
from tests.template_memo import TEMPLATES, MemoryBytecodeCache

PAGES = ("errors/error.html", "pwa/offline.html", "auth/signin.html", "entries/today.html")
PATHS = ("/", "/signin", "/register", "/nothing-here", "/offline?lang=es")


def _app(tmp_path, name):
    return create_app({**TEST_CONFIG, "DATABASE": str(tmp_path / f"{name}.sqlite3")})


def _compiled(monkeypatch):
    compiled = []
    compile_ = Environment.compile

    def counting(self, source, name=None, filename=None, *args, **kwargs):
        compiled.append(name)
        return compile_(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(Environment, "compile", counting)
    return compiled


def test_a_second_app_compiles_no_template_the_first_compiled(tmp_path, monkeypatch):
    first = _app(tmp_path, "first")
    assert first.jinja_env.bytecode_cache is TEMPLATES
    for page in PAGES:
        first.jinja_env.get_template(page)
    compiled = _compiled(monkeypatch)
    second = _app(tmp_path, "second")
    for page in PAGES:
        template = second.jinja_env.get_template(page)
        assert template is not first.jinja_env.get_template(page)
    assert compiled == []
    for app in (first, second):
        app.extensions["diary.db"].close_all()


def _page(app, path):
    body = app.test_client().get(path).get_data(as_text=True)
    return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token"', body)


def test_pages_render_alike_with_and_without_the_shared_templates(tmp_path, monkeypatch):
    shared = _app(tmp_path, "shared")
    for path in PATHS:  # compiled into the shared cache, if no earlier test did
        shared.test_client().get(path)
    monkeypatch.setattr(DiaryFlask, "jinja_options", {})
    own = _app(tmp_path, "own")
    assert own.jinja_env.bytecode_cache is None
    for path in PATHS:
        page = _page(shared, path)
        assert page == _page(own, path) and "<html" in page, path
    for app in (shared, own):
        app.extensions["diary.db"].close_all()


def test_a_changed_template_is_compiled_again(tmp_path):
    cache = MemoryBytecodeCache()
    (tmp_path / "page.html").write_text("Hello {{ name }}")

    def render():
        environment = Environment(
            loader=FileSystemLoader(tmp_path), bytecode_cache=cache, autoescape=True
        )
        return environment.get_template("page.html").render(name="Ana")

    assert render() == "Hello Ana"
    assert len(cache.code) == 1
    assert render() == "Hello Ana"  # from the cache
    (tmp_path / "page.html").write_text("Goodbye {{ name }}")
    assert render() == "Goodbye Ana"
