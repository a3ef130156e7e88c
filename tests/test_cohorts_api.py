"""The cohort table over HTTP: who counts, the numbers against numpy, the two files, the
consent switch and hostile queries (docs/cohorts.md)."""

import csv
import io
import re
from datetime import timedelta

import numpy as np
import pytest

from diary.db import get_db
from tests import cohort_world as world
from tests.conftest import insert_share
from tests.worked_example import post_all


def _sync(api, changes):
    response = api.post("/api/v1/sync", {"cursor": None, "changes": changes})
    assert response.status_code == 200, response.get_json()
    assert {r["status"] for r in response.get_json()["results"]} == {"applied"}


def _share(patient, physician):
    code = patient.post("/api/v1/shares").get_json()["code"]
    assert physician.post("/api/v1/shares/accept", {"code": code}).status_code == 200


@pytest.fixture
def app(app):
    # A clinic's worth of registrations from one address.
    app.config["REGISTRATION_LIMIT"] = "1000 per hour"
    return app


@pytest.fixture
def clinic(app, make_api):
    """The physician, the six patients counted and five who never are (cohort_world)."""
    doctor = make_api()
    doctor.user = doctor.register(email="doc@example.org", role="physician", name="Dr Lee")
    elsewhere = make_api()
    elsewhere.register(email="other@example.org", role="physician", name="Dr Other")
    patients = {}
    for reason, p in [*((None, p) for p in world.COUNTED), *world.NOT_COUNTED.items()]:
        api = make_api()
        api.user = api.register(email=p["email"], name=p["name"])
        _sync(api, world.sync_changes(p))
        if reason in (None, "opted_out"):
            _share(api, doctor)
        elif reason == "other_physician":
            _share(api, elsewhere)
        elif reason in ("revoked", "expired"):
            with app.app_context():
                insert_share(get_db(), api.user["id"], doctor.user["id"], **{reason: True})
        if reason == "opted_out":
            answer = api.put("/api/v1/users/me", {"in_cohorts": False})
            assert answer.status_code == 200 and answer.get_json()["in_cohorts"] is False
        patients[p["name"]] = api
    return {"doctor": doctor, "elsewhere": elsewhere, "patients": patients}


# ---- the numbers, worked out here with numpy -------------------------------------------------


def _window_means(p):
    """``{window: (leg, back)}`` for the windows where the patient has data: at least 5 days
    logged in a window that has ended by today."""
    logged = world.daily(p)
    start = world.start_day(p)
    out = {}
    for name, (first, last) in world.WINDOW_DAYS.items():
        inside = [logged[o] for o in range(first, last + 1) if o in logged]
        finished = (start - world.today()).days + last <= 0
        if finished and len(inside) >= 5:
            out[name] = tuple(float(np.mean([v[i] for v in inside])) for i in (0, 1))
    return out


def _responder(before, after):
    # CLINICAL.md: a reduction of at least 30% and at least 2 points.
    return before - after >= 2 - 1e-9 and 100 * (before - after) / before >= 30 - 1e-9


def _expected(plans, names):
    means = [_window_means(p) for p in plans]
    out = {}
    for name in names:
        here = [m[name] for m in means if name in m]
        leg = np.array([v[0] for v in here])
        back = np.array([v[1] for v in here])
        window = {
            "n": len(here),
            "n_without_data": len(plans) - len(here),
            "leg_mean": leg.mean() if len(leg) else None,
            "leg_sd": leg.std(ddof=1) if len(leg) > 1 else None,
            "back_mean": back.mean() if len(back) else None,
            "back_sd": back.std(ddof=1) if len(back) > 1 else None,
        }
        if name != "baseline":
            base = np.array([m["baseline"][0] for m in means if "baseline" in m])
            window["change_of_means"] = leg.mean() - base.mean() if len(leg) else None
            paired = [
                (m["baseline"][0], m[name][0]) for m in means if "baseline" in m and name in m
            ]
            window["mean_of_pct"] = (
                np.mean([100 * (b - a) / b for b, a in paired]) if paired else None
            )
            window["responders"] = sum(_responder(b, a) for b, a in paired)
            window["n_paired"] = len(paired)
        out[name] = window
    return out


def _check(table, expected):
    for window in table["windows"]:
        want = expected[window["name"]]
        where = window["name"]
        assert window["n"] == want["n"], where
        assert window["n_without_data"] == want["n_without_data"], where
        for side in ("leg", "back"):
            for stat in ("mean", "sd"):
                value = want[f"{side}_{stat}"]
                got = window[side][stat]
                assert (got is None) == (value is None), where
                if value is not None:
                    assert got == pytest.approx(value, abs=0.006), (where, side, stat)
        if where != "baseline":
            assert window["change_of_means"] == pytest.approx(want["change_of_means"], abs=0.006)
            assert window["mean_of_pct_changes"] == pytest.approx(want["mean_of_pct"], abs=0.06)
            assert window["responders"] == want["responders"], where
            assert window["n_paired"] == want["n_paired"], where


def test_the_table_matches_numpy_and_counts_only_patients_sharing_now(clinic):
    table = clinic["doctor"].get(f"/api/v1/cohorts?kind={world.KIND}").get_json()
    # Six counted: not the opted-out one, the revoked, expired or missing share, nor the
    # patient of another physician.
    assert table["patients"] == len(world.COUNTED) == 6
    assert [w["name"] for w in table["windows"]] == world.WINDOWS
    _check(table, _expected(world.COUNTED, world.WINDOWS))
    by_name = {w["name"]: w for w in table["windows"]}
    # At 3 months: the lost patient, the sparse one and the one still in the window have
    # no data; the one still in it is said to be.
    assert by_name["3m"]["n"] == 3 and by_name["3m"]["n_in_progress"] == 1
    assert by_name["12m"]["n_not_reached"] == 1
    assert table["with_other_therapies"] == 1  # the second injection of Finn Rask
    assert any("RESPINE" in line and "69%" in line for line in table["caution"])
    assert any("Completers are not everyone" in line for line in table["caution"])


def test_completers_keep_only_patients_with_data_at_every_window_shown(clinic):
    doctor = clinic["doctor"]
    table = doctor.get(f"/api/v1/cohorts?kind={world.KIND}&population=completers").get_json()
    completers = [p for p in world.COUNTED if set(_window_means(p)) == set(world.WINDOWS)]
    assert [p["name"] for p in completers] == ["Alma Quist", "Bruno Vale", "Cora Lindqvist"]
    assert table["patients"] == 3
    assert {w["n"] for w in table["windows"]} == {3}
    _check(table, _expected(completers, world.WINDOWS))
    # Everyone's baseline mean differs from the completers': the lost patient started worse.
    everyone = doctor.get(f"/api/v1/cohorts?kind={world.KIND}").get_json()
    assert everyone["windows"][0]["leg"]["mean"] != table["windows"][0]["leg"]["mean"]

    # Up to 6 weeks, the lost, the recent and the sparse patients complete too.
    short = doctor.get(f"/api/v1/cohorts?kind={world.KIND}&population=completers&through=6w")
    short = short.get_json()
    names = ["baseline", "2w", "6w"]
    assert short["patients"] == 6 and [w["name"] for w in short["windows"]] == names
    _check(short, _expected(world.COUNTED, names))


def test_questionnaires_use_the_response_inside_each_window(clinic):
    table = clinic["doctor"].get(f"/api/v1/cohorts?kind={world.KIND}").get_json()
    blocks = {
        q["questionnaire"]: {w["name"]: w for w in q["windows"]} for q in table["questionnaires"]
    }
    assert set(blocks) == {"rmdq", "odi", "pgic"}
    rmdq = blocks["rmdq"]
    assert rmdq["baseline"]["n"] == 2 and rmdq["baseline"]["mean"] == 12
    assert rmdq["baseline"]["sd"] == pytest.approx(np.std([14, 10], ddof=1), abs=0.006)
    assert rmdq["3m"]["mean"] == 7.5 and rmdq["3m"]["change_of_means"] == -4.5
    assert rmdq["3m"]["mean_of_pct_changes"] == pytest.approx((800 / 14 + 10) / 2, abs=0.06)
    # 14 -> 6 is important (5 points or 30%), 10 -> 9 is not.
    assert (rmdq["3m"]["responders"], rmdq["3m"]["n_paired"]) == (1, 2)
    assert rmdq["6m"]["n"] == 0 and rmdq["6m"]["n_without_data"] == 6
    assert "baseline" not in blocks["pgic"]  # a rating of change is asked after only
    assert (blocks["pgic"]["3m"]["responders"], blocks["pgic"]["3m"]["n_paired"]) == (1, 2)
    assert (blocks["odi"]["3m"]["responders"], blocks["odi"]["3m"]["change_of_means"]) == (1, -20)


def _injected_patient(doctor, make_api, name, start, spans):
    """A patient sharing with ``doctor``, given an MSC injection on ``start``, with ten days
    of leg pain from each ``(offset from start, leg pain)`` of ``spans``."""
    patient = make_api()
    patient.user = patient.register(email=f"{name}@example.org", name=name)
    _share(patient, doctor)
    therapy = {"kind": "msc_injection", "start_day": start.isoformat()}
    assert patient.post("/api/v1/therapies", therapy).status_code == 201
    rows = [
        {"day": (start + timedelta(days=offset + i)).isoformat(), "leg_pain": leg}
        for offset, leg in spans
        for i in range(10)
    ]
    post_all(patient, "/api/v1/entries", rows)
    return patient


def test_the_mean_of_each_patients_improvement_counts_the_patients_it_averages(doctor, make_api):
    # RMDQ 10 -> 4 (60% better) and 0 -> 2 (a baseline of 0 has no percent): the mean of
    # each patient's improvement rests on one patient, not on the two compared.
    start = world.today() - timedelta(days=120)
    for k, (before, after) in enumerate([(10, 4), (0, 2)]):
        patient = _injected_patient(doctor, make_api, f"p{k}", start, ((-20, 7), (80, 3)))
        for offset, score in ((-5, before), (90, after)):
            answer = {"questionnaire": "rmdq", "day": (start + timedelta(days=offset)).isoformat()}
            response = patient.post("/api/v1/responses", {**answer, "answers": world.rmdq(score)})
            assert response.status_code == 201, response.get_json()
    query = "kind=msc_injection&through=3m"
    table = doctor.get(f"/api/v1/cohorts?{query}").get_json()
    (rmdq,) = [q for q in table["questionnaires"] if q["questionnaire"] == "rmdq"]
    three_months = {w["name"]: w for w in rmdq["windows"]}["3m"]
    assert three_months["mean_of_pct_changes"] == 60.0
    assert (three_months["n_pct"], three_months["n_paired"]) == (1, 2)
    html = doctor.client.get(f"/clinic/cohorts?{query}").get_data(as_text=True)
    row = re.search(r"RMDQ, mean of each patient&#39;s improvement.*?</tr>", html, re.S)[0]
    assert "60.0% (1)" in row and "(2)" not in row
    # The file leaving the clinic suppresses the cell: it rests on fewer than 5.
    _, rows = _rows(doctor.get(f"/api/v1/cohorts/table.csv?{query}").get_data(as_text=True))
    (cells,) = [r for r in rows if r[0] == "RMDQ, mean of each patient's improvement (%, n)"]
    assert cells[-1] == "fewer than 5"


def test_a_patient_who_opts_out_or_stops_sharing_stops_counting(app, clinic):
    doctor = clinic["doctor"]
    alma = clinic["patients"]["Alma Quist"]
    assert alma.put("/api/v1/users/me", {"in_cohorts": False}).status_code == 200
    assert doctor.get(f"/api/v1/cohorts?kind={world.KIND}").get_json()["patients"] == 5
    # The Sharing page's switch (a CSRF form) turns it back on.
    page = alma.client.get("/sharing/").get_data(as_text=True)
    assert "Your numbers are left out of it now." in page
    assert "combined with other patients" not in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "in_cohorts": "on"}
    assert alma.client.post("/sharing/cohorts", data=form).status_code == 302
    assert alma.client.post("/sharing/cohorts", data={"in_cohorts": "on"}).status_code == 400
    assert doctor.get(f"/api/v1/cohorts?kind={world.KIND}").get_json()["patients"] == 6
    assert "Your numbers count in it now" in alma.client.get("/sharing/").get_data(as_text=True)
    share = alma.get("/api/v1/shares").get_json()["shares"][0]["id"]
    assert alma.delete(f"/api/v1/shares/{share}").status_code == 204
    assert doctor.get(f"/api/v1/cohorts?kind={world.KIND}").get_json()["patients"] == 5


def test_another_physician_sees_only_their_own_patients(clinic):
    table = clinic["elsewhere"].get(f"/api/v1/cohorts?kind={world.KIND}").get_json()
    assert table["patients"] == 1  # Kai Elsewhere
    assert clinic["elsewhere"].get("/api/v1/cohorts?kind=surgery").get_json()["patients"] == 0


def test_each_patient_counted_sees_it_in_their_access_log(clinic):
    doctor = clinic["doctor"]
    doctor.get(f"/api/v1/cohorts?kind={world.KIND}")
    for name, api in clinic["patients"].items():
        words = [e["words"] for e in api.get("/api/v1/access-log").get_json()["access_log"]]
        counted = name in {p["name"] for p in world.COUNTED}
        assert any("counted you in their table" in w for w in words) == counted, name


@pytest.mark.parametrize(
    "query, field",
    [
        ("", "kind"),
        ("?kind=", "kind"),
        ("?kind=stem_cells", "kind"),
        ("?kind=msc_injection%27%3B%20DROP%20TABLE%20users%3B--", "kind"),
        ("?kind=msc_injection&kind=surgery", "kind"),
        ("?kind=%00%ff%fe", "kind"),
        ("?kind=msc_injection&population=everyone", "population"),
        ("?kind=msc_injection&population=", "population"),
        ("?kind=msc_injection&through=24m", "through"),
        ("?kind=msc_injection&through=" + "9" * 1500, "through"),
    ],
)
def test_hostile_queries_are_refused_naming_the_parameter(doctor, query, field):
    for path in ("/api/v1/cohorts", "/api/v1/cohorts/table.csv", "/api/v1/cohorts/patients.csv"):
        response = doctor.get(path + query)
        assert response.status_code == 422, (path, query)
        assert field in response.get_json()["error"]["fields"], (path, query)
    page = doctor.client.get("/clinic/cohorts" + query)
    if query in ("", "?kind="):  # without a kind the page offers the choice
        assert page.status_code == 200 and b"Choose a therapy" in page.data
    else:
        assert page.status_code == 422 and b"aria-invalid" in page.data


def test_patients_are_refused_the_cohorts(patient):
    assert patient.get(f"/api/v1/cohorts?kind={world.KIND}").status_code == 403
    assert patient.client.get("/clinic/cohorts").status_code == 403


# ---- the page and the files ---------------------------------------------------------------


def _rows(text):
    assert text.startswith("\ufeff")
    lines = text[1:].split("\r\n")
    comments = [line for line in lines if line.startswith("# ")]
    body = [line for line in lines if line and not line.startswith("# ")]
    return comments, list(csv.reader(io.StringIO("\r\n".join(body))))


def test_the_page_shows_the_table_without_javascript_and_the_cautions(clinic):
    html = clinic["doctor"].client.get(f"/clinic/cohorts?kind={world.KIND}").get_data(as_text=True)
    assert "<table" in html and "Responders" in html and "3 months" in html
    assert "RESPINE" in html and "Completers are not everyone" in html
    assert "is not the mean of each patient" in html
    assert "<script>" not in html and "data-chart=" in html
    assert "Patients counted: 6" in html
    start = clinic["doctor"].client.get("/clinic/cohorts").get_data(as_text=True)
    assert "Stem-cell (MSC) injection</a>: 6 patients" in start


def test_the_table_file_suppresses_cells_resting_on_fewer_than_5(clinic):
    doctor = clinic["doctor"]
    text = doctor.get(f"/api/v1/cohorts/table.csv?kind={world.KIND}").get_data(as_text=True)
    comments, rows = _rows(text)
    assert any("RESPINE" in c for c in comments) and any("fewer than 5" in c for c in comments)
    headings = ["Baseline", "2 weeks", "6 weeks", "3 months", "6 months", "12 months"]
    assert rows[0] == ["Measure", *headings]
    leg = next(r for r in rows if r[0].startswith("Leg pain (0-10)"))
    # 6 patients at baseline to 6 weeks (shown), 3 at 3 to 12 months (suppressed).
    assert leg[1].endswith("(6)") and leg[3].endswith("(6)")
    assert leg[4:] == ["fewer than 5"] * 3
    for row in rows[1:]:
        for cell in row[1:]:
            numbers = re.findall(r"\((\d+)\)", cell) + re.findall(r" of (\d+)", cell)
            assert all(int(n) >= 5 for n in numbers), (row[0], cell)
    completers = doctor.get(
        f"/api/v1/cohorts/table.csv?kind={world.KIND}&population=completers"
    ).get_data(as_text=True)
    assert "Patients counted: fewer than 5" in completers


def test_the_research_file_carries_nothing_that_leads_back(app, clinic):
    doctor = clinic["doctor"]
    response = doctor.get(f"/api/v1/cohorts/patients.csv?kind={world.KIND}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = response.get_data(as_text=True)
    comments, rows = _rows(text)
    header, body = rows[0], rows[1:]
    assert "patient" in header
    assert not {"id", "patient_id", "name", "email", "day", "note"} & set(header)
    assert len(body) == 6 * len(world.WINDOWS)
    labels = {row[header.index("patient")] for row in body}
    assert labels == {f"P{n}" for n in range(1, 7)}
    # Field by field: nothing a patient wrote or is known by, no id of ours, no date.
    with app.app_context():
        db = get_db()
        secrets = [r[0] for r in db.execute("SELECT name FROM users")]
        secrets += [r[0] for r in db.execute("SELECT email FROM users")]
        secrets += [str(r[0]) for r in db.execute("SELECT id FROM entries")]
        secrets += [str(r[0]) for r in db.execute("SELECT id FROM therapies")]
        secrets += [str(r[0]) for r in db.execute("SELECT id FROM responses")]
        secrets += [r[0] for r in db.execute("SELECT label FROM therapies WHERE label != ''")]
        secrets += [r[0] for r in db.execute("SELECT notes FROM therapies WHERE notes != ''")]
        secrets += [r[0] for r in db.execute("SELECT DISTINCT note FROM entries")]
        secrets += [r[0] for r in db.execute("SELECT DISTINCT day FROM entries")]
        secrets += [r[0] for r in db.execute("SELECT start_day FROM therapies")]
    assert len(secrets) > 100
    for secret in secrets:
        assert secret not in text, secret
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # no calendar day
    assert not re.search(r"\b(19|20)\d\d\b", text)  # no year at all (no birth year either)
    for row in body:
        for column, cell in zip(header, row, strict=True):
            if column in ("patient", "therapy_kind", "window", "status", "leg_category"):
                assert re.fullmatch(r"P\d+|[a-z0-9_]*", cell), (column, cell)
            else:
                assert re.fullmatch(r"(-?\d+(\.\d+)?|yes|no|)", cell), (column, cell)
    # Days from the therapy day, and the pseudonyms drawn again for every file.
    baseline = next(row for row in body if row[header.index("window")] == "baseline")
    assert baseline[header.index("first_day")] == "-28"
    firsts = set()
    for _ in range(8):
        again = doctor.get(f"/api/v1/cohorts/patients.csv?kind={world.KIND}").get_data(as_text=True)
        _comments, rows = _rows(again)
        p1 = [r for r in rows[1:] if r[0] == "P1"]
        firsts.add(tuple(r[header.index("leg_pain_mean")] for r in p1))
    assert len(firsts) > 1


def test_a_research_file_of_fewer_than_5_patients_is_not_made(clinic):
    elsewhere = clinic["elsewhere"]
    response = elsewhere.get(f"/api/v1/cohorts/patients.csv?kind={world.KIND}")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "too_few_patients"
    page = elsewhere.client.get(f"/clinic/cohorts?kind={world.KIND}").get_data(as_text=True)
    assert "A research file needs at least 5 patients" in page
    assert "patients.csv" not in page and "table.csv" in page


def test_a_worsening_reads_with_its_sign_in_a_language_writing_decimal_commas(doctor, make_api):
    """Spanish writes 2,0: the sign of a change must come from the number, not its text
    (the page answered 500 to a Spanish reader whenever pain had got worse)."""
    start = world.today() - timedelta(days=60)
    for k in range(5):
        _injected_patient(doctor, make_api, f"worse{k}", start, ((-20, 4), (8, 6)))
    query = "kind=msc_injection&through=2w"
    english = doctor.client.get(f"/clinic/cohorts?{query}")
    assert english.status_code == 200
    assert "+2.0" in english.get_data(as_text=True)
    assert doctor.put("/api/v1/users/me", {"locale": "es"}).status_code == 200
    spanish = doctor.client.get(f"/clinic/cohorts?{query}")
    assert spanish.status_code == 200
    assert "+2,0" in spanish.get_data(as_text=True)
