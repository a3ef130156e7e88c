"""The physician's list of patients in JSON: 50 a page like the HTML list, continued with
the previous page's ``next``, and only the patients shown computed and logged."""

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest

from diary.db import get_db
from diary.schemas import EntryData
from diary.sharing import dashboard
from diary.sync import store
from tests.conftest import insert_share, listed_in_logs, sharing_patients


def _pages(doctor, query=""):
    """Every page of the list asked for with ``query`` (sort, q), following ``next``; each
    page's answer in turn."""
    pages, after = [], None
    while True:
        cursor = f"&after={quote(after)}" if after else ""
        response = doctor.get(f"/api/v1/patients?{query}{cursor}")
        assert response.status_code == 200, response.get_json()
        pages.append(response.get_json())
        after = pages[-1]["next"]
        if after is None:
            return pages


def _names(page):
    return [row["name"] for row in page["patients"]]


def _add_entries(app, ids, entries):
    """``entries`` (name -> [(days ago, leg pain, red flags)]) into each patient's diary."""
    today = datetime.now(UTC).date()
    with app.app_context():
        db = get_db()
        for name, rows in entries.items():
            for ago, leg, flags in rows:
                day = (today - timedelta(days=ago)).isoformat()
                data = EntryData(day=day, leg_pain=leg, red_flags=flags)
                store.change(db, ids[name], "entry", None, None, False, data)


def test_the_list_comes_fifty_a_page_and_logs_only_the_page_shown(app, doctor):
    names = [f"Patient {n:03d}" for n in range(120)]
    ids = sharing_patients(app, doctor, names)
    first = doctor.get("/api/v1/patients?sort=name").get_json()
    assert _names(first) == names[:50]
    assert first["sharing"] == first["matching"] == 120 and first["next"]
    # Only the fifty shown were computed for and told they were listed.
    assert listed_in_logs(app) == {ids[name] for name in names[:50]}
    pages = _pages(doctor, "sort=name")
    assert [len(page["patients"]) for page in pages] == [50, 50, 20]
    assert sum((_names(page) for page in pages), []) == names
    assert listed_in_logs(app) == set(ids.values())
    # The same pages as the HTML list's.
    html = doctor.client.get("/patients/?sort=name&page=2").get_data(as_text=True)
    assert all(name in html for name in _names(pages[1]))
    assert names[49] not in html and names[100] not in html


def test_each_order_holds_across_pages(app, doctor):
    names = [f"Patient {n:02d}" for n in range(56)]
    ids = sharing_patients(app, doctor, names)
    # Warning signs for five patients whose names would put them on the second page; three
    # days of leg pain ending on various days for most; seven without entries.
    flagged = {names[n] for n in (50, 51, 52, 53, 55)}
    entries = {
        name: [
            (ago, (n * 7) % 11, ["leg_weakness"] if name in flagged else [])
            for ago in range(n % 5, n % 5 + 3)
        ]
        for n, name in enumerate(names)
        if n % 9
    }
    _add_entries(app, ids, entries)

    attention = sum((_names(page) for page in _pages(doctor)), [])
    assert attention == sorted(flagged) + [name for name in names if name not in flagged]

    rows = sum((page["patients"] for page in _pages(doctor, "sort=leg_pain")), [])
    assert sorted(row["name"] for row in rows) == names
    means = [row["leg_pain_7d"] for row in rows]
    known = [mean for mean in means if mean is not None]
    assert known == sorted(known, reverse=True) and means[len(known) :] == [None] * 7

    rows = sum((page["patients"] for page in _pages(doctor, "sort=last_entry")), [])
    days = [row["last_entry_day"] for row in rows]
    assert len(rows) == 56 and days[:49] == sorted(days[:49], reverse=True)
    assert days[49:] == [None] * 7


def test_a_name_search_is_paged_and_its_cursor_keeps_to_it(app, doctor):
    names = [f"García {n:02d}" for n in range(60)] + [f"Lee {n}" for n in range(10)]
    sharing_patients(app, doctor, names)
    pages = _pages(doctor, "sort=name&q=garcia")
    assert [_names(page) for page in pages] == [names[:50], names[50:60]]
    assert {(page["sharing"], page["matching"]) for page in pages} == {(70, 60)}
    # A cursor continues only the list it was given for: another q or order is refused,
    # not answered with patients skipped or repeated.
    after = quote(pages[0]["next"])
    for query in ("sort=name", "sort=attention&q=garcia", "sort=name&q=lee"):
        refused = doctor.get(f"/api/v1/patients?{query}&after={after}")
        assert refused.status_code == 422, query
        assert list(refused.get_json()["error"]["fields"]) == ["after"]
    # The same filter, whatever its case and accents.
    same = doctor.get(f"/api/v1/patients?sort=name&q=GARCÍA&after={after}").get_json()
    assert _names(same) == names[50:60]


def test_a_smaller_page_and_a_place_past_the_end(app, doctor):
    names = [f"Patient {n}" for n in range(7)]
    sharing_patients(app, doctor, names)
    pages = _pages(doctor, "sort=name&limit=3")
    assert [_names(page) for page in pages] == [names[:3], names[3:6], names[6:]]
    # A place past the end (the list grew shorter since) is an empty last page.
    beyond = quote(dashboard.cursor(10**17, "name", ""))
    past = doctor.get(f"/api/v1/patients?sort=name&after={beyond}").get_json()
    assert past["patients"] == [] and past["next"] is None and past["matching"] == 7


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("limit", "0"),
        ("limit", "-1"),
        ("limit", "51"),
        ("limit", "ten"),
        ("limit", "²"),
        ("limit", "9" * 40),
        ("limit", ""),
        ("after", "-1"),
        ("after", "50"),
        ("after", "abc"),
        ("after", ""),
        ("after", "9" * 40 + ".0123456789abcdef"),
        ("after", "-50.0123456789abcdef"),
        ("after", "50.0123456789abcdef"),  # well formed, but not a cursor of this list
        ("after", "50.0123456789ABCDEF"),
        ("after", "x" * 5000),
        ("sort", "age"),
        ("q", "a" * 101),
    ],
)
def test_bad_query_values_are_422_naming_the_parameter(app, doctor, parameter, value):
    sharing_patients(app, doctor, ["Ann Lee"])
    response = doctor.get(f"/api/v1/patients?{parameter}={quote(value)}")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and list(error["fields"]) == [parameter]
    assert listed_in_logs(app) == set()  # nothing was shown


def test_who_may_read_the_list(app, patient, doctor, make_api):
    assert make_api().get("/api/v1/patients").status_code == 401
    assert patient.get("/api/v1/patients").status_code == 403
    alone = doctor.get("/api/v1/patients").get_json()
    assert alone == {"patients": [], "next": None, "sharing": 0, "matching": 0}
    # Shares that ended or were revoked list nobody.
    with app.app_context():
        insert_share(get_db(), patient.user["id"], doctor.user["id"], revoked=True)
    other = make_api().register(email="other@example.org", name="Other")
    with app.app_context():
        insert_share(get_db(), other["id"], doctor.user["id"], expired=True)
    assert doctor.get("/api/v1/patients").get_json() == alone
