"""The suite's shared URL builders (tests/routing_memo.py) build what Werkzeug's own do."""

from flask import Flask, url_for
from werkzeug.routing import Rule

from diary import DiaryFlask, create_app
from tests.conftest import TEST_CONFIG
from tests.routing_memo import MemoRule


def _code(bound):
    code = bound.__func__.__code__
    return code.co_code, code.co_consts, code.co_varnames, code.co_names


def _rules(app):
    return {(rule.rule, rule.endpoint): rule for rule in app.url_map.iter_rules()}


def test_every_rule_gets_the_builders_werkzeug_compiles(tmp_path, monkeypatch):
    memo_app = create_app({**TEST_CONFIG, "DATABASE": str(tmp_path / "a.sqlite3")})
    monkeypatch.setattr(DiaryFlask, "url_rule_class", Rule)
    plain_app = create_app({**TEST_CONFIG, "DATABASE": str(tmp_path / "b.sqlite3")})
    memo, plain = _rules(memo_app), _rules(plain_app)

    assert memo.keys() == plain.keys() and len(memo) > 100
    for key, rule in memo.items():
        assert type(rule) is MemoRule and type(plain[key]) is Rule
        # The shared function runs on this app's rule (its converters), not the first app's.
        assert rule._build.__self__ is rule and rule._build_unknown.__self__ is rule
        assert _code(rule._build) == _code(plain[key]._build), key
        assert _code(rule._build_unknown) == _code(plain[key]._build_unknown), key
    for app in (memo_app, plain_app):
        app.extensions["diary.db"].close_all()


def test_urls_with_arguments_defaults_and_converters_are_built_alike():
    def make(rule_class):
        app = Flask(__name__)
        app.url_rule_class = rule_class
        app.add_url_rule("/d/<string(length=10):day>", "day", lambda day: "")

        def page(page):
            return ""

        app.add_url_rule("/p/", "page", page, defaults={"page": 1})
        app.add_url_rule("/p/<int:page>", "page", page)
        app.add_url_rule("/x/<path:rest>/end", "rest", lambda rest: "")
        return app

    def urls(app):
        with app.test_request_context():
            return [
                url_for("day", day="2026-12-06"),
                url_for("page"),
                url_for("page", page=3),
                url_for("page", page=1, q="a b"),
                url_for("rest", rest="a/b c", extra="é"),
            ]

    built = urls(make(MemoRule))
    assert built == urls(make(MemoRule)) == urls(make(Rule))
    assert built == ["/d/2026-12-06", "/p/", "/p/3", "/p/?q=a+b", "/x/a/b%20c/end?extra=%C3%A9"]
