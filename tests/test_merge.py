"""The pure sync rules: every branch of merge.decide, and replays never conflict."""

from hypothesis import given
from hypothesis import strategies as st

from diary.sync.merge import (
    APPLIED,
    CONFLICT,
    DUPLICATE,
    REJECTED,
    ServerState,
    content_hash,
    decide,
)

A, B, C = (content_hash({"leg_pain": n}, False) for n in (1, 2, 3))


def test_new_id_is_created_as_version_1():
    assert decide(None, None, False, A) == decide(None, None, False, A)
    assert decide(None, None, False, A).status == APPLIED
    assert decide(None, None, False, A).version == 1


def test_edit_or_delete_of_an_unknown_id_is_rejected():
    assert decide(None, 3, False, A).status == REJECTED
    assert decide(None, 3, False, A).reason == "version_ahead"
    assert decide(None, None, True, None).reason == "not_found"


def test_same_content_is_a_duplicate_whatever_the_base():
    server = ServerState(version=2, hashes={1: A, 2: B})
    for base in (None, 1, 2, 7):
        decision = decide(server, base, False, B)
        assert (decision.status, decision.version) == (DUPLICATE, 2)


def test_a_replayed_change_is_a_duplicate_not_a_conflict():
    server = ServerState(version=3, hashes={1: A, 2: B, 3: C})
    create_again = decide(server, None, False, A)
    edit_again = decide(server, 1, False, B)
    assert (create_again.status, create_again.version) == (DUPLICATE, 1)
    assert (edit_again.status, edit_again.version) == (DUPLICATE, 2)


def test_edit_from_the_current_version_applies():
    decision = decide(ServerState(version=2, hashes={1: A, 2: B}), 2, False, C)
    assert (decision.status, decision.version) == (APPLIED, 3)


def test_edit_from_an_older_version_conflicts():
    decision = decide(ServerState(version=2, hashes={1: A, 2: B}), 1, False, C)
    assert (decision.status, decision.version) == (CONFLICT, 2)
    assert decide(ServerState(version=1, hashes={1: A}), None, False, B).status == CONFLICT


def test_base_ahead_of_the_server_is_rejected():
    decision = decide(ServerState(version=2, hashes={1: A, 2: B}), 5, False, C)
    assert (decision.status, decision.reason) == (REJECTED, "version_ahead")


def test_content_hash_ignores_key_order_but_not_deletion():
    assert content_hash({"a": 1, "b": 2}, False) == content_hash({"b": 2, "a": 1}, False)
    assert content_hash({"a": 1}, False) != content_hash({"a": 1}, True)


@given(st.lists(st.integers(0, 10), min_size=1, max_size=8), st.data())
def test_replaying_any_prefix_of_a_chain_never_conflicts(values, data):
    hashes = {}
    server = None
    for version, value in enumerate(values, start=1):
        incoming = content_hash({"v": value, "n": version}, False)
        decision = decide(server, version - 1 or None, False, incoming)
        assert decision.status == APPLIED
        hashes[version] = incoming
        server = ServerState(version=version, hashes=dict(hashes))
    replay = data.draw(st.integers(1, len(values)))
    incoming = hashes[replay]
    decision = decide(server, replay - 1 or None, False, incoming)
    assert (decision.status, decision.version) == (DUPLICATE, replay)


def test_content_hash_is_the_same_text_as_the_revisions_stored_before():
    # Stored revisions keep the hash their version was written with: a replay after an
    # upgrade is recognised only if the same content still hashes the same (nested keys in
    # any order, text escaped as ASCII, compact separators).
    entry = {
        "day": "2025-06-01",
        "leg_pain": 5,
        "back_pain": None,
        "worst_leg_pain": None,
        "regions": {"l_calf_back": "pain", "c_low_back": "numb"},
        "activities": {"walking": 3, "sitting": 2},
        "sitting_tolerance_min": None,
        "walking_tolerance_min": None,
        "red_flags": ["saddle_numbness"],
        "note": 'Caminé "un poco"\n\u00a0😀',
    }
    assert content_hash(entry, False) == (
        "3a8db1caa55aab0e0b9d282485319729f58e3c57906f3b39af5c7e2d8fd42131"
    )
    assert content_hash(entry, True) == (
        "478e07e5e71b93bba97efb9f106c4a403353b2d4a901d70c1c707f44c31976ec"
    )
