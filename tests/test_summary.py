"""The printable summary and the read-only pages: the charts' numbers, a timeline that
prints, and notes only when the patient shares them."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape

from diary import accounts, demo
from diary.sharing import summary, timeline_svg
from tests.clock import TODAY
from tests.conftest import form_token, text_of
from tests.worked_example import post_all


def _rows(values, first="2026-01-01"):
    start = datetime.fromisoformat(first).date()
    return [
        {
            "day": (start + timedelta(days=i)).isoformat(),
            "leg": leg,
            "back": None if leg is None else leg / 2,
            "leg_avg7": leg,
            "back_avg7": None if leg is None else leg / 2,
        }
        for i, leg in enumerate(values)
    ]


def test_the_timeline_is_drawn_as_lines_with_gaps_kept():
    svg = timeline_svg.render(_rows([8, 7, 6, None, None, 3, 2, 2]), [], title="Pain", ident="t")
    legs = re.findall(r'<polyline class="tl-leg" points="([^"]+)"/>', svg)
    assert [len(points.split()) for points in legs] == [3, 3]  # two runs: the gap stays open
    assert svg.count('class="tl-dot"') == 6
    # Higher pain is higher on the drawing (a smaller y).
    ys = [float(p.split(",")[1]) for p in legs[0].split()]
    assert ys == sorted(ys)
    assert timeline_svg.render([], [], title="Pain", ident="t") == ""


def test_therapy_starts_are_marked_and_every_text_is_escaped():
    therapies = [{"start_day": "2026-01-05", "name": "<script>alert(1)</script> & co"}]
    svg = timeline_svg.render(_rows([5] * 10), therapies, title='A "title" <b>', ident="t")
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in svg
    assert "&lt;b&gt;" in svg and 'class="tl-start"' in svg
    outside = [{"start_day": "2025-01-01", "name": "Long ago"}]
    assert "Long ago" not in timeline_svg.render(_rows([5] * 10), outside, title="x", ident="t")


def test_months_are_labelled():
    svg = timeline_svg.render(_rows([5] * 150, first="2025-11-20"), [], title="x", ident="t")
    labels = re.findall(r'<text class="tl-tick"[^>]*text-anchor="middle">([^<]+)</text>', svg)
    assert labels == ["Dec", "Jan 2026", "Feb", "Mar", "Apr"]


def _seed_demo(patient):
    today = datetime.now(UTC).date()
    for entry in demo.diary_entries(today):
        assert patient.post("/api/v1/entries", entry).status_code == 201
    for therapy in demo.therapies(today):
        assert patient.post("/api/v1/therapies", therapy).status_code == 201


def test_the_summary_says_the_categories_and_the_means(shared):
    patient, doctor = shared
    _seed_demo(patient)
    pid = patient.user["id"]
    html = doctor.client.get(f"/patients/{pid}/summary").get_data(as_text=True)
    comparison = patient.get(
        f"/api/v1/therapies/{patient.get('/api/v1/therapies').get_json()['therapies'][0]['id']}"
        "/comparison"
    ).get_json()
    windows = {w["name"]: w for w in comparison["windows"]}
    assert f"<td>{windows['baseline']['leg']['mean']:.1f}</td>" in html
    assert f"<td>{windows['latest']['leg']['mean']:.1f}</td>" in html
    assert "substantial improvement" in html
    assert "Pain diary summary: Pat" in html and "<polyline" in html
    assert 'class="main-nav"' not in html  # nothing to navigate on paper
    assert "Keep in mind" in html and "Where it hurt" in html
    assert "Warning signs (red flags)" in html and "None reported." in html


def test_notes_stay_private_until_the_patient_shares_them(shared):
    patient, doctor = shared
    pid = patient.user["id"]
    patient.post("/api/v1/entries", {"day": "2026-02-01", "leg_pain": 4, "note": "slept badly"})
    patient.post(
        "/api/v1/therapies",
        {"kind": "surgery", "start_day": "2026-01-20", "notes": "the surgeon's name"},
    )
    tid = patient.get("/api/v1/therapies").get_json()["therapies"][0]["id"]

    def seen():
        entries = doctor.get(f"/api/v1/patients/{pid}/entries").get_json()["entries"]
        therapies = doctor.get(f"/api/v1/patients/{pid}/therapies").get_json()["therapies"]
        compared = doctor.get(f"/api/v1/patients/{pid}/therapies/{tid}/comparison").get_json()
        pages = doctor.client.get(f"/patients/{pid}").get_data(as_text=True)
        pages += doctor.client.get(f"/patients/{pid}/summary").get_data(as_text=True)
        return (
            entries[0]["note"],
            therapies[0]["notes"],
            compared["therapy"]["notes"],
            "slept badly" in pages,
            "the surgeon" in pages,
        )

    assert seen() == ("", "", "", False, False)
    assert patient.get("/api/v1/session").get_json()["user"]["share_notes"] is False
    turned_on = patient.put("/api/v1/users/me", {"share_notes": True})
    assert turned_on.status_code == 200 and turned_on.get_json()["share_notes"] is True
    assert seen() == ("slept badly", "the surgeon's name", "the surgeon's name", True, True)
    # The Sharing page's form turns it off again (an unticked box sends nothing).
    token = form_token(patient.client, "/sharing/")
    patient.client.post("/sharing/notes", data={"csrf_token": token})
    assert seen() == ("", "", "", False, False)


def test_account_fields_are_validated(patient):
    assert patient.put("/api/v1/users/me", {"share_notes": "yes"}).status_code == 422
    assert patient.put("/api/v1/users/me", {"time_zone": "Mars/Olympus"}).status_code == 422
    assert patient.put("/api/v1/users/me", {"colour": "blue"}).status_code == 422
    renamed = patient.put("/api/v1/users/me", {"name": "  Pat Smith ", "time_zone": "Europe/Paris"})
    assert renamed.get_json()["name"] == "Pat Smith"
    assert renamed.get_json()["time_zone"] == "Europe/Paris"
    assert patient.put("/api/v1/users/me", {}).get_json()["name"] == "Pat Smith"


def test_the_focus_is_the_latest_therapy_with_data_on_both_sides():
    def panel(start, before, after):
        return {
            "therapy": {"start_day": start},
            "baseline": {"enough_data": before},
            "latest": {"enough_data": after},
        }

    panels = [panel("2026-01-01", True, True), panel("2026-03-01", True, False)]
    assert summary.focus_panel(panels) is panels[0]
    assert summary.focus_panel([panel("2026-01-01", False, True)]) is None


def test_the_patient_page_offers_the_files_for_the_physicians_records(shared):
    patient, doctor = shared
    pid = patient.user["id"]
    patient.post("/api/v1/entries", {"day": "2026-02-01", "leg_pain": 4, "note": "slept badly"})
    html = doctor.client.get(f"/patients/{pid}").get_data(as_text=True)
    links = re.findall(r'href="(/api/v1/patients/\d+/export[^"]*)" download', html)
    assert links == [
        f"/api/v1/patients/{pid}/export.fhir.json",
        f"/api/v1/patients/{pid}/export.csv",
        f"/api/v1/patients/{pid}/export.csv?table=therapies",
        f"/api/v1/patients/{pid}/export.csv?table=medications",
        f"/api/v1/patients/{pid}/export.csv?table=dose_changes",
        f"/api/v1/patients/{pid}/export.csv?table=doses",
        f"/api/v1/patients/{pid}/export.csv?table=responses",
    ]
    assert "Notes are left out: the patient does not share them." in html
    for link in links:
        assert doctor.client.get(link).status_code == 200


def test_warning_signs_of_any_day_and_the_eight_newest_notes_are_shown(app, shared):
    patient, _ = shared
    pid = patient.user["id"]
    first = datetime(2025, 1, 1).date()
    for i in range(12):
        day = (first + timedelta(days=30 * i)).isoformat()
        patient.post("/api/v1/entries", {"day": day, "leg_pain": 5, "note": f"note of {day}"})
    # A warning sign a year and a half ago still shows; a deleted entry's never does.
    patient.post(
        "/api/v1/entries",
        {"day": "2024-06-03", "leg_pain": 8, "red_flags": ["saddle_numbness"]},
    )
    gone = patient.post(
        "/api/v1/entries",
        {"day": "2025-12-01", "leg_pain": 8, "red_flags": ["bladder_bowel"], "note": "gone"},
    ).get_json()
    assert patient.delete(f"/api/v1/entries/{gone['id']}").status_code == 204
    patient.put("/api/v1/users/me", {"share_notes": True})
    db = app.extensions["diary.db"].get()
    view = summary.patient_view(db, accounts.get_user(db, pid), today=first + timedelta(days=400))
    assert [(f["flag"], f["days"], f["first"], f["latest"]) for f in view["red_flags"]] == [
        ("saddle_numbness", 1, "2024-06-03", "2024-06-03")
    ]
    expected = [(first + timedelta(days=30 * i)).isoformat() for i in range(11, 3, -1)]
    assert [n["day"] for n in view["notes"]] == expected
    assert [n["note"] for n in view["notes"]] == [f"note of {day}" for day in expected]
    assert view["period"] == {
        "first": "2024-06-03",
        "last": (first + timedelta(days=330)).isoformat(),
        "days_logged": 13,
        "printed_from": view["period"]["printed_from"],
    }


def _section(page, first, after):
    """The words of ``page`` from its heading with id ``first`` to the one with ``after``."""
    html = page.get_data(as_text=True)
    begin = html.rindex("<", 0, html.index(f'id="{first}"'))  # the heading's own tag
    part = html[begin : html.rindex("<", 0, html.index(f'id="{after}"'))]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", part))).strip()


def test_a_baseline_with_too_few_days_says_so_and_never_prints_none(shared, client):
    # The audit's diary: one day before the injection, ten in weeks 2-3 and ten in 5-8.
    patient, doctor = shared
    start = TODAY - timedelta(days=60)
    rows = [{"day": (start - timedelta(days=3)).isoformat(), "leg_pain": 8, "back_pain": 4}]
    rows += [
        {"day": (start + timedelta(days=offset + i)).isoformat(), "leg_pain": leg, "back_pain": 3}
        for offset, leg in ((9, 4), (30, 3))
        for i in range(10)
    ]
    post_all(patient, "/api/v1/entries", rows)
    therapy = {"kind": "epidural_steroid", "start_day": start.isoformat()}
    assert patient.post("/api/v1/therapies", therapy).status_code == 201
    link = patient.post("/api/v1/links", {"days": 7}).get_json()
    anonymous = client.__class__(client.application)
    pages = {
        "physician": doctor.client.get(f"/patients/{patient.user['id']}/summary"),
        "view link": anonymous.get(re.sub(r"^https?://[^/]+", "", link["url"])),
    }
    for who, page in pages.items():
        assert page.status_code == 200, who
        words = _section(page, "s-compare", "s-timeline")
        assert "None" not in words, who
        assert "Before this therapy: not enough data (1 of 5 days)." in words, who
        # The baseline keeps its row, with words instead of a number; nothing is compared.
        assert "1 of 28 not enough data (1 of 5 days) (before) –" in words, who
        assert "Weeks 2-3" in words and "10 of 14 4.0 3.0 – –" in words, who
        assert "lower" not in words and "improvement" not in words, who


def test_warning_signs_are_grouped_by_kind_with_the_last_four_weeks_day_by_day(shared, client):
    # A chronic weakness ticked every ninth day for 500 days (56 days), and saddle numbness
    # twice long ago: two lines, not 58, and the weakness's days of the last 4 weeks listed.
    patient, doctor = shared
    weak = [TODAY - timedelta(days=ago) for ago in range(0, 500, 9)]
    rows = [{"day": day.isoformat(), "leg_pain": 5, "red_flags": ["leg_weakness"]} for day in weak]
    rows += [
        {"day": (TODAY - timedelta(days=ago)).isoformat(), "leg_pain": 6, "red_flags": [flag]}
        for ago, flag in ((600, "saddle_numbness"), (640, "saddle_numbness"))
    ]
    post_all(patient, "/api/v1/entries", rows)
    link = patient.post("/api/v1/links", {"days": 7}).get_json()
    anonymous = client.__class__(client.application)
    pages = {
        "summary": doctor.client.get(f"/patients/{patient.user['id']}/summary"),
        "charts": doctor.client.get(f"/patients/{patient.user['id']}"),
        "view link": anonymous.get(re.sub(r"^https?://[^/]+", "", link["url"])),
    }

    def day(value):
        return f"{value.day} {value.strftime('%b')} {value.year}"

    recent = ", ".join(day(d) for d in weak if d > TODAY - timedelta(days=28))
    assert recent.count(",") == 3  # 0, 9, 18 and 27 days ago
    weakness = (
        f"New weakness in a leg or foot: reported on 56 days, first {day(weak[-1])}, "
        f"latest {day(TODAY)}. In the last 4 weeks: {recent}."
    )
    numbness = (
        "Numbness between the legs or around the bottom (saddle area): reported on 2 days, "
        f"first {day(TODAY - timedelta(days=640))}, latest {day(TODAY - timedelta(days=600))}. "
        "None in the last 4 weeks."
    )
    for who, page in pages.items():
        html = page.get_data(as_text=True)
        assert html.count("<li data-flag=") == 2, who
        html = re.sub(r"</?strong>", "", html)  # the sign's name is bold in its line
        words = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
        assert weakness in words and numbness in words, who
        assert words.index(weakness) < words.index(numbness), who  # the latest first


def test_with_three_therapies_the_earlier_tables_print_their_headline_row(shared):
    # Leg pain 8, then 6, 4 and 2 after each of three therapies: each has a baseline and
    # follow-ups. On paper only the latest keeps every period; the two earlier keep their
    # baseline and the period their sentence is about, so the summary stays short.
    patient, doctor = shared
    starts = (300, 200, 100)
    rows = []
    for ago in range(400, -1, -1):
        leg = 8 - 2 * sum(ago < start for start in starts)
        rows.append({"day": (TODAY - timedelta(days=ago)).isoformat(), "leg_pain": leg})
    post_all(patient, "/api/v1/entries", rows)
    for kind, ago in zip(
        ("physiotherapy", "epidural_steroid", "msc_injection"), starts, strict=True
    ):
        therapy = {"kind": kind, "start_day": (TODAY - timedelta(days=ago)).isoformat()}
        assert patient.post("/api/v1/therapies", therapy).status_code == 201
    page = doctor.client.get(f"/patients/{patient.user['id']}/summary")
    html = page.get_data(as_text=True)
    tables = re.findall(r'<table class="summary-table">.*?</table>', html, flags=re.S)[1:]
    periods = [re.findall(r'<th scope="row">([^<]+)<br>', table) for table in tables]
    assert periods[0] == ["Before", "Latest 4 weeks"]
    assert periods[1] == ["Before", "Latest 4 weeks"]
    assert periods[2][0] == "Before" and len(periods[2]) >= 4  # every period of the latest
    assert "For the earlier therapies, only the 4 weeks before each" in text_of(page)
    # The charts page keeps every period of every therapy.
    charts = doctor.client.get(f"/patients/{patient.user['id']}").get_data(as_text=True)
    assert charts.count("Weeks 2-3") >= 3
