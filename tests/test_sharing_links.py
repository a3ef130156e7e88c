"""View links: a read-only address for a physician without an account (DESIGN.md section 5).

At least 128 bits in the URL, only a hash stored, 1, 7 or 30 days, revocable, every use
in the patient's access log, and nothing but the summary and the charts behind it.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest

from diary.db import get_db, write
from diary.sharing import links
from tests.conftest import form_token


def _link(patient, days=7):
    response = patient.post("/api/v1/links", {"days": days})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _path(link):
    return re.sub(r"^https?://[^/]+", "", link["url"])


def test_a_link_carries_256_random_bits_and_only_its_hash_is_stored(app, patient):
    link = _link(patient)
    token = _path(link).removeprefix("/v/")
    assert links.TOKEN_RE.fullmatch(token)  # 43 URL-safe characters: 256 bits
    with app.app_context():
        dump = "\n".join(get_db().conn.iterdump())
    assert token not in dump and link["id"] in dump


@pytest.mark.parametrize("days", [1, 7, 30])
def test_the_patient_chooses_1_7_or_30_days(patient, days):
    link = _link(patient, days)
    lifetime = datetime.fromisoformat(link["expires_at"]) - datetime.now(UTC)
    assert timedelta(days=days) - timedelta(minutes=1) < lifetime <= timedelta(days=days)


@pytest.mark.parametrize("days", [0, 2, 31, 365, "7", None, 7.5, True])
def test_other_lifetimes_are_refused(patient, days):
    response = patient.post("/api/v1/links", {"days": days})
    assert response.status_code == 422
    assert "days" in response.get_json()["error"]["fields"]


def test_the_link_shows_the_summary_and_charts_read_only(patient, client):
    patient.post("/api/v1/entries", {"day": "2026-01-02", "leg_pain": 6, "note": "private"})
    path = _path(_link(patient))
    anonymous = client.__class__(client.application)  # a browser with no session at all
    summary = anonymous.get(path)
    assert summary.status_code == 200
    text = summary.get_data(as_text=True)
    assert "Pain diary summary: Pat" in text
    assert "private" not in text  # notes stay private unless the patient shares them
    assert 'class="main-nav"' not in text and "/today" not in text
    assert summary.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in summary.headers["X-Robots-Tag"]
    assert "no-store" in summary.headers["Cache-Control"]
    charts = anonymous.get(path + "/charts")
    assert charts.status_code == 200
    html = charts.get_data(as_text=True)
    assert "No therapy recorded yet." in html and 'id="timeline-chart"' in html
    assert "/therapies/" not in html and "<form" not in html  # nothing to change
    # Read-only: the link answers GET only.
    assert anonymous.post(path).status_code in (400, 405)


def test_every_use_is_logged_in_the_patients_words(patient, client):
    path = _path(_link(patient))
    holder = client.__class__(client.application)
    for _ in range(2):
        assert holder.get(path).status_code == 200
    assert holder.get(path + "/charts").status_code == 200
    log = patient.get("/api/v1/access-log").get_json()["access_log"]
    assert [e["what"] for e in log] == ["charts", "summary", "summary"]
    assert log[0]["words"] == "Someone with your view link viewed your charts"
    assert {e["viewer"] for e in log} == {"link"} and log[0]["physician"] is None
    listed = patient.get("/api/v1/links").get_json()["links"]
    assert listed[0]["uses"] == 3 and listed[0]["last_used_at"] == log[0]["at"]
    page = patient.client.get("/sharing/").get_data(as_text=True)
    assert "Someone with your view link viewed your printable summary on" in page
    assert "opened 3 times" in page


def test_a_turned_off_link_answers_404_at_once(patient, client):
    link = _link(patient)
    holder = client.__class__(client.application)
    assert holder.get(_path(link)).status_code == 200
    assert patient.delete(f"/api/v1/links/{link['id']}").status_code == 204
    gone = holder.get(_path(link))
    assert gone.status_code == 404
    assert "it may have expired or been turned off" in gone.get_data(as_text=True)
    assert holder.get(_path(link) + "/charts").status_code == 404
    assert patient.get("/api/v1/links").get_json()["links"][0]["live"] is False
    assert len(patient.get("/api/v1/access-log").get_json()["access_log"]) == 1


def test_an_expired_link_answers_404(app, patient, client):
    link = _link(patient, 1)
    with app.app_context():
        db = get_db()
        with write(db):
            db.execute(
                "UPDATE view_links SET expires_at = ? WHERE id = ?",
                [(datetime.now(UTC) - timedelta(seconds=1)).isoformat(), link["id"]],
            )
    assert client.get(_path(link)).status_code == 404
    assert client.get("/v/" + "A" * 43).status_code == 404  # a well-formed unknown token
    assert client.get("/v/short").status_code == 404


def test_another_patients_link_cannot_be_turned_off(patient, make_api):
    link = _link(patient)
    other = make_api()
    other.register(email="other@example.org")
    assert other.delete(f"/api/v1/links/{link['id']}").status_code == 404
    token = form_token(other.client, "/sharing/")
    refused = other.client.post(f"/sharing/links/{link['id']}/end", data={"csrf_token": token})
    assert refused.status_code == 404
    assert patient.get("/api/v1/links").get_json()["links"][0]["live"] is True


def test_the_sharing_page_makes_a_link_shown_once_with_a_qr_code(patient):
    token = form_token(patient.client, "/sharing/")
    page = patient.client.post("/sharing/links", data={"csrf_token": token, "days": "30"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    url = re.search(r'value="(http://localhost/v/[A-Za-z0-9_-]{43})"', html).group(1)
    assert 'class="qr"' in html and "30 days" in html
    listing = patient.client.get("/sharing/").get_data(as_text=True)
    assert "A view link" in listing and url not in listing


@pytest.mark.parametrize("days", ["5", "365", "", "seven", "9" * 5000])
def test_a_lifetime_not_offered_re_shows_the_sharing_page_naming_it(app, patient, days):
    token = form_token(patient.client, "/sharing/")
    refused = patient.client.post("/sharing/links", data={"csrf_token": token, "days": days})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Please fix the fields marked below." in html
    # The message is in the choice's group, which names it for a screen reader.
    group = re.search(r"<fieldset[^>]*>\s*<legend>The link works for</legend>", html).group(0)
    assert 'aria-describedby="f-days-error"' in group
    words = "Choose how long the link should work: 1, 7 or 30 days."
    assert f'<p class="error" id="f-days-error">{words}</p>' in html
    with app.app_context():
        assert get_db().execute("SELECT COUNT(*) FROM view_links").fetchone()[0] == 0


def _title(response):
    return re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S).group(1)


def test_a_links_pages_leave_the_name_out_of_their_title(patient, make_api):
    patient.post("/api/v1/entries", {"day": "2026-01-02", "leg_pain": 6})
    path = _path(_link(patient))
    holder = make_api().client
    summary, charts = holder.get(path), holder.get(path + "/charts")
    # A chat's preview card, the tabs and the history show the title; the heading keeps it.
    assert _title(summary) == "Pain diary summary · diary"
    assert _title(charts) == "Pain diary charts · diary"
    assert "<h1>Pain diary summary: Pat</h1>" in summary.get_data(as_text=True)
    assert "<h1>Charts: Pat</h1>" in charts.get_data(as_text=True)
    # On paper the name is in every page's margin (static/css/summary.css reads it here).
    assert 'data-print-name="Pat"' in summary.get_data(as_text=True)


def test_a_head_request_is_no_view(shared, make_api):
    patient, doctor = shared
    path = _path(_link(patient))
    checker = make_api().client  # a link checker, or a mail server's scanner
    assert checker.head(path).status_code == 200
    assert checker.head(path + "/charts").status_code == 200
    assert doctor.client.head(f"/patients/{patient.user['id']}/summary").status_code == 200
    assert doctor.client.head(f"/patients/{patient.user['id']}").status_code == 200
    assert patient.get("/api/v1/access-log").get_json()["access_log"] == []
    assert patient.get("/api/v1/links").get_json()["links"][0]["uses"] == 0


def test_the_patient_opening_their_own_link_is_no_view(patient, make_api):
    path = _path(_link(patient))
    # Checking what the physician will see: the page is theirs, not a visit by someone else.
    assert patient.client.get(path).status_code == 200
    assert patient.client.get(path + "/charts").status_code == 200
    assert patient.get("/api/v1/access-log").get_json()["access_log"] == []
    assert "opened 0 times" in patient.client.get("/sharing/").get_data(as_text=True)
    # Someone else, even signed in, is someone with the link.
    other = make_api()
    other.register(email="other@example.org")
    assert other.client.get(path).status_code == 200
    log = patient.get("/api/v1/access-log").get_json()["access_log"]
    words = "Someone with your view link viewed your printable summary"
    assert [e["words"] for e in log] == [words]


PREVIEW_FETCHERS = [
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "WhatsApp/2.23.20.0",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Mozilla/5.0 (compatible; Twitterbot/1.0)",
    "TelegramBot (like TwitterBot)",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
    "Mozilla/5.0 (compatible; Microsoft Outlook SafeLinks)",
    "Microsoft Office Word 2014",
]


@pytest.mark.parametrize("agent", PREVIEW_FETCHERS)
def test_a_link_preview_fetcher_gets_no_name_no_data_and_is_no_view(patient, make_api, agent):
    patient.post("/api/v1/entries", {"day": "2026-01-02", "leg_pain": 6, "note": "mine"})
    path = _path(_link(patient))
    fetcher = make_api().client
    for address in (path, path + "/charts", "/v/" + "A" * 43):  # a dead token answers alike
        answer = fetcher.get(address, headers={"User-Agent": agent})
        assert answer.status_code == 200, address
        html = answer.get_data(as_text=True)
        assert _title(answer) == "A diary shared with you · diary"
        assert "Open this link in a web browser to read it." in html
        assert "Pat" not in html and "chart-data" not in html
        assert '<meta name="robots" content="noindex, nofollow">' in html
        assert "noindex" in answer.headers["X-Robots-Tag"]
        assert answer.headers["Referrer-Policy"] == "no-referrer"
        assert "no-store" in answer.headers["Cache-Control"]
    assert patient.get("/api/v1/access-log").get_json()["access_log"] == []
    # A person's browser still opens it.
    browser = {"User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36"}
    assert "Pain diary summary: Pat" in fetcher.get(path, headers=browser).get_data(as_text=True)


def test_opened_counts_pages_not_the_days_the_charts_fetch(patient, make_api):
    path = _path(_link(patient))
    holder = make_api().client
    assert holder.get(path + "/charts").status_code == 200
    # "All" on the charts: the older days, as JSON, on the page already open.
    older = holder.get(path + "/timeline?to=2026-01-01", headers={"Accept": "application/json"})
    assert older.status_code == 200
    log = patient.get("/api/v1/access-log").get_json()["access_log"]
    assert [e["what"] for e in log] == ["timeline", "charts"]  # the patient sees both
    assert patient.get("/api/v1/links").get_json()["links"][0]["uses"] == 1
    page = patient.client.get("/sharing/").get_data(as_text=True)
    assert re.search(r"opened 1 time\b(?!s)", page)
