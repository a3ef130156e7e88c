"""A diary of years on the charts page: the page carries its last year of single days and
weekly averages before it; "All" fetches the older single days, keeps them for offline use,
and falls back to the weekly averages (saying so) when it cannot have them."""

import uuid
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_no_axe_violations,
    page_only,
    poll,
    ready,
    register_via_api,
)
from tests.browser.long_diary import CHART, YEARS, js_day


@page_only
def test_all_fetches_the_older_single_days_the_page_does_not_carry(long_diary, page, live_server):
    today, first = long_diary.today, long_diary.first
    fetched = []
    page.on("request", lambda r: fetched.append(r.url) if "/api/v1/timeline" in r.url else None)
    page.goto(live_server.url + "/charts")
    page.wait_for_function("() => window.Chart && Chart.getChart('timeline-chart')")
    shown = page.evaluate(CHART)
    # The last year first, from the page alone: nothing fetched for it.
    assert shown["pressed"] == "365" and shown["older"] == "weeks", shown
    assert shown["min"] == js_day(today - timedelta(days=364)), shown
    assert fetched == []
    carried = page.evaluate("() => JSON.parse(document.getElementById('chart-data').dataset.chart)")
    assert carried["timeline"]["day"][0] == (today - timedelta(days=365)).isoformat()
    assert len(carried["older"]["weeks"]["day"]) >= 52 * (YEARS - 1)

    page.get_by_role("button", name="All").click()
    expect(page.locator("[data-chart-area][data-older=days]")).to_be_attached()
    drawn = page.evaluate(CHART)
    # Every day of the three years: single days and their 7-day means from the first on.
    assert drawn["min"] == drawn["firstDot"] == drawn["firstMean"] == js_day(first), drawn
    assert drawn["dots"] == 365 * YEARS, drawn
    assert len(fetched) == 1 and "to=" in fetched[0]
    expect(page.locator("[data-older-note]")).to_be_hidden()

    # Back to 3 months and to All again: the days are had, nothing more is fetched.
    page.get_by_role("button", name="3 months").click()
    page.get_by_role("button", name="All").click()
    assert page.evaluate(CHART)["dots"] == 365 * YEARS and len(fetched) == 1


@page_only
def test_without_the_older_days_all_shows_weekly_averages_and_says_so(
    long_diary, page, live_server
):
    today, first = long_diary.today, long_diary.first
    # The whole context: once the service worker controls the page, the fetch is the
    # worker's, which a page's route never sees.
    page.context.route("**/api/v1/timeline*", lambda route: route.abort("internetdisconnected"))
    page.goto(live_server.url + "/charts")
    page.wait_for_function("() => window.Chart && Chart.getChart('timeline-chart')")
    note = page.locator("[data-older-note]")
    expect(note).to_be_hidden()

    page.get_by_role("button", name="All").click()
    expect(page.locator("[data-chart-area][data-older=weeks]")).to_be_attached()
    expect(note).to_be_visible()
    expect(note).to_contain_text("weekly averages")
    drawn = page.evaluate(CHART)
    # The 7-day mean runs back to the first week (its Sunday); single days only where the
    # page has them.
    assert drawn["pressed"] == "all" and drawn["min"] == js_day(first), drawn
    first_sunday = first + timedelta(days=6 - first.weekday())
    assert drawn["firstMean"] == js_day(first_sunday), drawn
    assert drawn["firstDot"] == js_day(today - timedelta(days=365)), drawn
    assert_no_axe_violations(page)

    # Online again, All tries once more and the note goes.
    page.context.unroute("**/api/v1/timeline*")
    page.get_by_role("button", name="1 year").click()
    page.get_by_role("button", name="All").click()
    expect(page.locator("[data-chart-area][data-older=days]")).to_be_attached()
    expect(note).to_be_hidden()


def test_older_days_seen_once_are_shown_offline(long_diary, page, live_server):
    url = live_server.url
    page.goto(url + "/today")
    ready(page, long_diary.id)
    page.goto(url + "/charts")  # under the worker's control: kept for offline use
    page.get_by_role("button", name="All").click()
    expect(page.locator("[data-chart-area][data-older=days]")).to_be_attached()
    poll(
        page,
        f"""caches.open('diary-pages-{long_diary.id}').then(async (c) =>
            !!(await c.match('/charts')) && (await c.keys()).some(
                (r) => r.url.includes('/api/v1/timeline')))""",
    )

    page.context.set_offline(True)
    try:
        page.reload()
        page.wait_for_function("() => window.Chart && Chart.getChart('timeline-chart')")
        page.get_by_role("button", name="All").click()
        expect(page.locator("[data-chart-area][data-older=days]")).to_be_attached()
        assert page.evaluate(CHART)["dots"] == 365 * YEARS
        expect(page.locator("[data-older-note]")).to_be_hidden()
    finally:
        page.context.set_offline(False)


@page_only
def test_a_diary_with_no_day_in_the_last_year_opens_on_all_of_it(page, live_server, new_user):
    url = live_server.url
    register_via_api(page, url, new_user())
    token = page.request.get(url + "/api/v1/session").json()["csrf_token"]
    start = datetime.now(UTC).date() - timedelta(days=700)  # the test users live in UTC
    changes = [
        {
            "kind": "entry",
            "id": str(uuid.uuid4()),
            "base_version": None,
            "data": {"day": (start + timedelta(days=n)).isoformat(), "leg_pain": 6},
        }
        for n in range(60)
    ]
    response = page.request.post(
        url + "/api/v1/sync",
        data={"cursor": None, "changes": changes},
        headers={"X-CSRFToken": token},
    )
    assert response.ok, response.text()
    page.goto(url + "/charts")
    expect(page.locator("[data-chart-area][data-older=days]")).to_be_attached()
    drawn = page.evaluate(CHART)
    assert drawn["pressed"] == "all" and drawn["dots"] == 60, drawn
    assert drawn["min"] == drawn["firstDot"] == js_day(start), drawn
