"""The rounding rule as readers meet it (docs/clinical-method.md section 8): a figure with a
half in it reads rounded up, and the same figure reads the same in the API, the patient's
charts page, the physician's printable summary, the cohort page, its chart and its files.

One diary, through the real app: 8 days before an MSC injection scoring 5, 5, 5, 6, 4, 4,
3, 2 (mean 34 / 8 = 4.25) and 5 days after it scoring 4. Each day after is lower than 4 of
the days before and ties 2: NAP = 5 x (4 + 2 / 2) / 40 = 0.625. Python's round() would say
4.2 and 62; the rule says 4.3 and 63.
"""

import csv
import io
import json
import re
from datetime import timedelta
from html import unescape

import pytest

from tests.clock import TODAY
from tests.conftest import text_of
from tests.worked_example import around, post_all

T = TODAY - timedelta(days=40)
BEFORE = [5, 5, 5, 6, 4, 4, 3, 2]
AFTER = [4] * 5
KIND = "msc_injection"


def _diary(patient):
    """BEFORE ending the day before T, AFTER from T+8 (weeks 2-3, also the latest weeks)."""
    post_all(patient, "/api/v1/entries", around(T, BEFORE, AFTER))
    therapy = patient.post("/api/v1/therapies", {"kind": KIND, "start_day": T.isoformat()})
    assert therapy.status_code == 201
    return therapy.get_json()


def _cells(html, row):
    """The words of each cell of the first table row that starts with ``row`` (a regex of
    its opening: ``<tr data-row="leg">``, or its header's first words)."""
    found = re.search(rf"{row}.*?</tr>", html, re.S)[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", found, re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in cells]


def _chart_data(html):
    """The JSON a page gives its chart script (what its tooltips write)."""
    return json.loads(unescape(re.search(r"data-chart='([^']*)'", html)[1]))


def test_a_nap_of_0_625_reads_63_in_the_api_and_on_the_pages(shared):
    patient, doctor = shared
    therapy = _diary(patient)
    body = patient.get(f"/api/v1/therapies/{therapy['id']}/comparison").get_json()
    windows = {w["name"]: w for w in body["windows"]}
    change = windows["2w"]["change"]
    assert change["nap"] == 0.63 and change["nap_band"] == "weak"
    # The physician reads the same figure through their own route.
    theirs = doctor.get(
        f"/api/v1/patients/{patient.user['id']}/therapies/{therapy['id']}/comparison"
    ).get_json()
    assert {w["name"]: w for w in theirs["windows"]}["2w"]["change"]["nap"] == 0.63
    charts = text_of(patient.client.get("/charts"))
    assert "On 63 of 100 pairs of days (one before, one after), the later day hurt less" in charts
    assert "On 62 of 100" not in charts


def test_a_mean_of_4_25_reads_4_3_on_the_charts_page_and_the_summary(shared):
    patient, doctor = shared
    therapy = _diary(patient)
    body = patient.get(f"/api/v1/therapies/{therapy['id']}/comparison").get_json()
    baseline = {w["name"]: w for w in body["windows"]}["baseline"]
    # The API publishes 2 decimals; the pages show 1, rounded from it.
    assert baseline["leg"]["mean"] == 4.25
    assert baseline["leg"]["q1"] == 3.75  # 3 + 0.75 x (4 - 3), sorted days 2 and 3
    charts_html = patient.client.get("/charts").get_data(as_text=True)
    assert "Average leg pain: <strong>4.3</strong> before, <strong>4.0</strong>" in charts_html
    # "Numbers for each period": days, average, median (quartiles), days at 7 or more.
    before = _cells(charts_html, '<th scope="row">Before')
    assert before[:3] == ["8 of 28", "4.3", "4.5 (3.8–5.0)"]
    # The chart's tooltip says the quartiles from the data the page gives it: the same.
    drawn = _chart_data(charts_html)["therapies"][0]["windows"][0]["leg"]
    assert drawn == {"median": 4.5, "q1": 3.8, "q3": 5.0}
    summary = doctor.client.get(f"/patients/{patient.user['id']}/summary")
    summary_html = summary.get_data(as_text=True)
    assert _cells(summary_html, '<th scope="row">Before')[1] == "4.3"
    assert "4.2" not in text_of(summary) and "4.2" not in text_of(patient.client.get("/charts"))


def test_the_table_holds_the_back_pain_medians_the_bar_chart_draws(shared):
    # The bar chart's label says its numbers are in the table below: back pain's median and
    # middle half were drawn but not listed.
    patient, _doctor = shared
    rows = [{**row, "back_pain": row["leg_pain"] - 1} for row in around(T, BEFORE, AFTER)]
    post_all(patient, "/api/v1/entries", rows)
    patient.post("/api/v1/therapies", {"kind": KIND, "start_day": T.isoformat()})
    charts_html = patient.client.get("/charts").get_data(as_text=True)
    # Before: back pain 4, 4, 4, 5, 3, 3, 2, 1: median 3.5, quartiles 2.75 and 4.
    drawn = _chart_data(charts_html)["therapies"][0]["windows"][0]["back"]
    assert drawn == {"median": 3.5, "q1": 2.8, "q3": 4.0}
    before = _cells(charts_html, '<th scope="row">Before')
    assert before[4:6] == ["3.3", "3.5 (2.8–4.0)"]  # the average (3.25), then what is drawn


@pytest.fixture
def clinic(app, make_api):
    """Five patients with the diary above, sharing with one physician: the fewest whose
    cells a cohort file shows."""
    app.config["REGISTRATION_LIMIT"] = "1000 per hour"
    doctor = make_api()
    doctor.user = doctor.register(email="doc@example.org", role="physician", name="Dr Lee")
    for n in range(5):
        patient = make_api()
        patient.user = patient.register(email=f"p{n}@example.org", name=f"Patient {n}")
        _diary(patient)
        code = patient.post("/api/v1/shares").get_json()["code"]
        assert doctor.post("/api/v1/shares/accept", {"code": code}).status_code == 200
    return doctor


def _csv_rows(text):
    lines = [line for line in text.lstrip("\ufeff").split("\r\n") if line and line[0] != "#"]
    return list(csv.reader(io.StringIO("\r\n".join(lines))))


def test_a_group_mean_of_4_25_reads_4_3_in_the_cohort_table_chart_and_files(clinic):
    doctor = clinic
    query = f"kind={KIND}&through=2w"
    table = doctor.get(f"/api/v1/cohorts?{query}").get_json()
    baseline, weeks = table["windows"]
    assert (baseline["leg"]["mean"], baseline["leg"]["sd"], baseline["n"]) == (4.25, 0.0, 5)
    assert weeks["change_of_means"] == -0.25
    html = doctor.client.get(f"/clinic/cohorts?{query}").get_data(as_text=True)
    page_leg = _cells(html, '<tr data-row="leg">')
    assert page_leg[0].startswith("4.3 ± 0.0") and page_leg[1].startswith("4.0 ± 0.0")
    # -0.25 points, away from zero.
    assert _cells(html, '<tr data-row="leg_change_of_means">')[1] == "\u22120.3"
    # The chart's tooltips write what the page gives them: the table's figure, not 4.25.
    data = _chart_data(html)
    assert data["leg"]["mean"] == [4.3, 4.0]
    assert {tuple(p["leg"]) for p in data["patients"]} == {(4.3, 4.0)}
    # The table's file says what the page says; the research file, the published 4.25.
    rows = _csv_rows(doctor.get(f"/api/v1/cohorts/table.csv?{query}").get_data(as_text=True))
    by_label = {row[0]: row[1:] for row in rows}
    leg_row = next(cells for label, cells in by_label.items() if label.startswith("Leg pain"))
    assert leg_row[0] == page_leg[0] and leg_row[1] == page_leg[1]
    research = doctor.get(f"/api/v1/cohorts/patients.csv?{query}").get_data(as_text=True)
    header, *body = _csv_rows(research)
    window, mean = header.index("window"), header.index("leg_pain_mean")
    assert {row[mean] for row in body if row[window] == "baseline"} == {"4.25"}
