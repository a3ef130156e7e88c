"""A diary of years on the read-only charts of a physician and of a view link: as on the
patient's own page, the page carries its last year of single days and weekly averages
before it, and "All" fetches and draws the older single days, under the share or the link."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import NO_WORKER, assert_no_axe_violations, page_only, register_via_api
from tests.browser.long_diary import CHART, YEARS, js_day

pytestmark = page_only


@pytest.fixture
def reader(browser):
    """A second browser, for whoever reads the patient's diary."""
    context = browser.new_context(**NO_WORKER)
    yield context.new_page()
    context.close()


def all_draws_the_older_days(reader, older_path, diary):
    """On a charts page just opened: the last year from the page alone, then every day of
    the three years of ``diary`` once "All" has fetched the older ones from ``older_path``
    (once)."""
    fetched = []
    reader.on("request", lambda r: fetched.append(r.url) if older_path in r.url else None)
    reader.wait_for_function("() => window.Chart && Chart.getChart('timeline-chart')")
    shown = reader.evaluate(CHART)
    assert shown["pressed"] == "365" and shown["older"] == "weeks", shown
    assert shown["min"] == js_day(diary.today - timedelta(days=364)), shown
    carried = reader.evaluate(
        "() => JSON.parse(document.getElementById('chart-data').dataset.chart)"
    )
    assert carried["timeline"]["day"][0] == (diary.today - timedelta(days=365)).isoformat()
    assert len(carried["older"]["weeks"]["day"]) >= 52 * (YEARS - 1)
    assert fetched == []

    reader.get_by_role("button", name="All").click()
    expect(reader.locator("[data-chart-area][data-older=days]")).to_be_attached()
    drawn = reader.evaluate(CHART)
    assert drawn["min"] == drawn["firstDot"] == drawn["firstMean"] == js_day(diary.first), drawn
    assert drawn["dots"] == 365 * YEARS, drawn
    assert len(fetched) == 1 and "to=" in fetched[0], fetched
    expect(reader.locator("[data-older-note]")).to_be_hidden()
    assert_no_axe_violations(reader)


def test_all_on_the_physicians_page_draws_the_older_days(
    long_diary,
    page,
    live_server,
    new_user,
    reader,
):
    url = live_server.url
    token = page.request.get(url + "/api/v1/session").json()["csrf_token"]
    code = page.request.post(url + "/api/v1/shares", headers={"X-CSRFToken": token}).json()
    register_via_api(reader, url, new_user("physician"))
    token = reader.request.get(url + "/api/v1/session").json()["csrf_token"]
    accepted = reader.request.post(
        url + "/api/v1/shares/accept", data={"code": code["code"]}, headers={"X-CSRFToken": token}
    )
    assert accepted.ok, accepted.text()
    reader.goto(f"{url}/patients/{long_diary.id}")
    all_draws_the_older_days(reader, f"/api/v1/patients/{long_diary.id}/timeline", long_diary)

    # A tab left open when the patient stops sharing: "All" is refused (404), and the page
    # says so rather than promising the days "when you are online".
    stale = reader.context.new_page()
    stale.goto(f"{url}/patients/{long_diary.id}")
    stale.wait_for_function("() => window.Chart && Chart.getChart('timeline-chart')")
    token = page.request.get(url + "/api/v1/session").json()["csrf_token"]
    ended = page.request.delete(f"{url}/api/v1/shares/{code['id']}", headers={"X-CSRFToken": token})
    assert ended.status == 204, ended.text()
    stale.get_by_role("button", name="All").click()
    expect(stale.get_by_text("This diary is not shared with you any more.")).to_be_visible()
    expect(stale.locator("[data-older-note]")).to_be_hidden()
    expect(stale.locator("[data-chart-area][data-older=weeks]")).to_be_attached()


def test_all_on_a_view_links_charts_draws_the_older_days(
    long_diary,
    page,
    live_server,
    reader,
):
    url = live_server.url
    token = page.request.get(url + "/api/v1/session").json()["csrf_token"]
    link = page.request.post(
        url + "/api/v1/links", data={"days": 7}, headers={"X-CSRFToken": token}
    ).json()["url"]
    reader.goto(link + "/charts")  # someone without an account
    all_draws_the_older_days(reader, link.split(url, 1)[1] + "/timeline", long_diary)
    # The patient sees both reads in their access log, as the link's.
    log = page.request.get(url + "/api/v1/access-log").json()
    words = [event["words"] for event in log["access_log"]]
    assert words == [
        "Someone with your view link read your daily leg and back pain",
        "Someone with your view link viewed your charts",
    ], words
