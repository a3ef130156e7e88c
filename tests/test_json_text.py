"""The reusable encoders write exactly what json.dumps writes: stored JSON columns and the
content hashes of revisions depend on it."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diary import json_text

OPTIONS = [{}, {"sort_keys": True, "separators": (",", ":")}, {"ensure_ascii": False}]
VALUES = [
    {"b": 1, "a": [True, False, None], "c": {"z": "zed", "y": 2.5}},
    {"note": 'Caminé "un poco"\n\t\u00a0\u2028😀\x00\x7f\\/'},
    [1e100, -0.0, 0.1, 2**70, -(2**63)],
    "only text ü",
    7,
    None,
    {},
    [],
    {"\u00e9": 1, "e": 2, "E": 3, "": 4},
]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("value", VALUES)
def test_the_same_text_as_json_dumps(options, value):
    assert json_text.encoder(**options)(value) == json.dumps(value, **options)


@pytest.mark.parametrize("options", OPTIONS)
@given(value=JSON_VALUES)
def test_the_same_text_as_json_dumps_for_any_json_value(options, value):
    assert json_text.encoder(**options)(value) == json.dumps(value, **options)


def test_what_json_refuses_is_refused():
    dumps = json_text.encoder()
    with pytest.raises(TypeError):
        dumps({"day": object()})
    assert dumps(float("nan")) == json.dumps(float("nan"))
    with pytest.raises(ValueError):
        json_text.encoder(allow_nan=False)(float("inf"))


def _other_arguments(*args):
    raise TypeError("make_encoder() takes other arguments")


@pytest.mark.parametrize("make", [None, _other_arguments])
def test_without_the_c_encoder_the_text_is_the_same(monkeypatch, make):
    # Another Python may not have it, or may call it differently: json.JSONEncoder then.
    cases = [(options, value) for options in OPTIONS for value in VALUES]
    expected = [json.dumps(value, **options) for options, value in cases]
    monkeypatch.setattr(json_text._json_encoder, "c_make_encoder", make)
    encoders = [json_text.encoder(**options) for options, _value in cases]
    monkeypatch.undo()  # json.dumps, which JSONEncoder.encode runs, uses it too
    assert [dumps(value) for dumps, (_o, value) in zip(encoders, cases, strict=True)] == expected
