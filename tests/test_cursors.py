"""Cursors: what the API hands out is what its pattern says, and older cursors still work."""

import base64
import json
import re

from diary.sync import cursors

DAY = "2026-01-05"


def legacy(values):
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def test_the_entries_next_cursor_matches_its_documented_pattern_and_pages_on(patient):
    made = [
        patient.post("/api/v1/entries", {"day": DAY, "leg_pain": n}).get_json() for n in range(3)
    ]
    first = patient.get("/api/v1/entries?limit=2").get_json()
    assert re.match(cursors.PAGE_CURSOR_PATTERN, first["next"])
    rest = patient.get(f"/api/v1/entries?limit=2&after={first['next']}").get_json()
    seen = [e["id"] for e in first["entries"] + rest["entries"]]
    assert sorted(seen) == sorted(e["id"] for e in made) and rest["next"] is None


def test_any_well_formed_position_is_a_place_to_continue_from(patient):
    patient.post("/api/v1/entries", {"day": "2026-01-04", "leg_pain": 1})
    later = patient.post("/api/v1/entries", {"day": "2026-01-06", "leg_pain": 2}).get_json()
    position = cursors.encode_page(
        DAY, "2026-01-05T00:00:00.000Z", "0" * 8 + "-0000-0000-0000-" + "0" * 12
    )
    older = patient.get(f"/api/v1/entries?after={position}").get_json()["entries"]
    assert [e["day"] for e in older] == ["2026-01-04"] and later["id"] not in str(older)


def test_the_sync_cursor_is_a_sequence_number_and_an_older_one_still_works(patient):
    patient.post("/api/v1/entries", {"day": DAY, "leg_pain": 4})
    answer = patient.post("/api/v1/sync", {"cursor": None, "changes": []}).get_json()
    assert re.match(cursors.SEQ_CURSOR_PATTERN, answer["cursor"]) and answer["cursor"] != "0"
    assert len(answer["changes"]) == 1
    # A phone that synced before this format keeps a base64 cursor in IndexedDB, or a bare
    # number (before sync epochs).
    seq = int(answer["cursor"].rpartition(".")[2])
    for cursor in (answer["cursor"], legacy([seq]), str(seq)):
        again = patient.post("/api/v1/sync", {"cursor": cursor, "changes": []})
        assert again.status_code == 200 and again.get_json()["changes"] == []
    from_start = patient.post("/api/v1/sync", {"cursor": legacy([0]), "changes": []}).get_json()
    assert len(from_start["changes"]) == 1


def test_an_older_history_link_still_opens_its_page(client, patient):
    entries = [
        patient.post("/api/v1/entries", {"day": DAY, "leg_pain": n}).get_json() for n in range(2)
    ]
    newest = patient.get("/api/v1/entries?limit=1").get_json()["entries"][0]
    old_link = legacy([newest["day"], newest["created_at"], newest["id"]])
    response = client.get(f"/history?after={old_link}")
    assert response.status_code == 200
    other = next(e for e in entries if e["id"] != newest["id"])
    assert f'data-entry-id="{other["id"]}"' in response.get_data(as_text=True)
