"""The charts page in Chromium on a phone: demo-like data sent through the API, charts drawn
under the strict CSP with no console error, no axe violation, and the change in words."""

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from diary import demo
from tests.browser.conftest import (
    api_post,
    assert_no_axe_violations,
    charts_drawn,
    page_only,
    period_names_at,
    register_via_api,
    scripted,
    seed_demo_diary,
)
from tests.test_rounding_shown import AFTER, BEFORE
from tests.worked_example import around

pytestmark = page_only


def _watch_errors(page):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def _drawn_charts(page):
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('canvas'))"
        ".filter((c) => window.Chart && window.Chart.getChart(c)).length"
    )


def _questionnaire_answers_read_whole(page):
    """The panel's table of questionnaires holds sentences: each cell wraps into a column
    narrower than the phone, so an answer is read without scrolling sideways through it."""
    table = page.locator(".questionnaire-table").first
    table.scroll_into_view_if_needed()
    cells = table.locator("td")
    assert cells.count() >= 5
    answered = table.locator("td", has_text=re.compile(r"\d+ of 24 on "))
    assert answered.count() >= 2  # the demo's RMDQ before and after the injection
    viewport = page.viewport_size["width"]
    for n in range(cells.count()):
        box = cells.nth(n).bounding_box()
        assert box["width"] < viewport * 0.7, (cells.nth(n).inner_text(), box["width"])
    first = answered.first.bounding_box()
    assert first["height"] > 30  # a sentence on more than one line


def test_charts_page_draws_demo_data_on_a_phone(page, live_server, new_user):
    url = live_server.url
    register_via_api(page, url, new_user())
    seed_demo_diary(page, url)
    errors = _watch_errors(page)

    page.goto(url + "/charts")
    # The timeline at once; each therapy's chart once it comes near the screen.
    try:
        charts_drawn(page)
    except PlaywrightTimeoutError:
        raise AssertionError(f"charts not drawn; console errors: {errors}") from None
    assert _drawn_charts(page) == 3
    # Drawing the charts moved nothing: their boxes had their size from the first paint.
    shift = page.evaluate(
        """() => new Promise((done) => {
            let total = 0;
            new PerformanceObserver((list) => {
                for (const entry of list.getEntries()) total += entry.value;
            }).observe({ type: "layout-shift", buffered: true });
            setTimeout(() => done(total), 0);
        })"""
    )
    assert shift < 0.01, shift
    sentence = page.locator("[data-change-sentence]").first
    expect(sentence).to_be_visible()
    expect(sentence).to_contain_text("lower than before the injection")
    expect(page.get_by_text("50 of 100 would mean no change")).to_have_count(2)
    expect(page.get_by_text("Pain now stops above the knee").first).to_be_visible()

    # The range buttons say which span is shown, and the chart holds only that span's days
    # (and the one before it, so a line enters from the edge).
    shown = """() => {
        const chart = Chart.getChart(document.getElementById('timeline-chart'));
        const min = chart.options.scales.x.min;
        const days = chart.data.datasets[0].data;
        return {
            pressed: document.querySelector('[data-range-days][aria-pressed=true]')
                ?.dataset.rangeDays,
            spanDays: Math.round((Date.now() - min) / 86400000),
            before: days.filter((p) => p.x < min).length,
        };
    }"""
    first = page.evaluate(shown)
    assert first["pressed"] in ("365", "all") and first["before"] <= 1, first
    three_months = page.get_by_role("button", name="3 months")
    three_months.click()
    expect(three_months).to_have_attribute("aria-pressed", "true")
    after = page.evaluate(shown)
    assert after["pressed"] == "91" and after["before"] <= 1, after
    assert 89 <= after["spanDays"] <= 92, after
    expect(page.get_by_role("button", name="All")).to_have_attribute("aria-pressed", "false")

    assert_no_axe_violations(page)
    page.get_by_text("Numbers for each period").first.click()
    expect(page.get_by_role("rowheader", name=re.compile("^Weeks 5-8")).first).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_text("Numbers for each period").first.click()

    page.get_by_role("button", name="All").click()
    expect(page.get_by_role("button", name="All")).to_have_attribute("aria-pressed", "true")
    _questionnaire_answers_read_whole(page)
    # Each period of each therapy's chart is named, none over its neighbour, on a narrow
    # phone (the demo's physiotherapy has a period still running: "3 months (so far)").
    charts_drawn(page)
    charts = page.locator("[data-windows-chart]").element_handles()
    assert len(charts) == 2
    for width in (390, 320):
        for number, periods in enumerate(charts, 1):
            names_drawn = period_names_at(page, periods, width)
            assert names_drawn["touching"] == [], (width, number, names_drawn)
    assert errors == []


# The first therapy's before/after chart: the tooltip of its first bar (leg pain, before).
FIRST_BAR_TOOLTIP_JS = """() => {
    const chart = Chart.getChart(document.querySelector('[data-windows-chart]'));
    chart.tooltip.setActiveElements([{ datasetIndex: 0, index: 0 }], { x: 0, y: 0 });
    chart.update();
    return chart.tooltip.body.map((b) => b.lines.join(' ')).join(' ');
}"""


def test_the_periods_chart_says_the_figures_of_its_table(page, live_server, new_user):
    """The tooltip writes the quartiles as the table below the chart rounds them, halves
    up from the 2 decimals the API publishes: 3.75 is 3.8 in both, never "3.75"."""
    url = live_server.url
    register_via_api(page, url, new_user())
    start = datetime.now(UTC).date() - timedelta(days=40)
    for entry in around(start, BEFORE, AFTER):
        api_post(page, url, "/api/v1/entries", entry)
    therapy = {"kind": "msc_injection", "start_day": start.isoformat()}
    api_post(page, url, "/api/v1/therapies", therapy)
    page.goto(url + "/charts")
    charts_drawn(page)
    tooltip = page.evaluate(FIRST_BAR_TOOLTIP_JS)
    table = page.locator("details", has_text="Numbers for each period").first
    table.locator("summary").click()
    row = table.get_by_role("row", name=re.compile("^Before"))
    assert row.get_by_role("cell").nth(2).inner_text() == "4.5 (3.8–5.0)"
    assert tooltip == "Leg pain: median 4.5, middle half 3.8 to 5.0"


def test_charts_page_empty_states(page, live_server, new_user):
    url = live_server.url
    register_via_api(page, url, new_user())
    errors = _watch_errors(page)
    page.goto(url + "/charts")
    expect(page.get_by_role("heading", name="Nothing to chart yet")).to_be_visible()
    assert_no_axe_violations(page)

    today = datetime.now(UTC).date()
    token = page.request.get(url + "/api/v1/session").json()["csrf_token"]
    for entry in demo.diary_entries(today)[-10:]:
        page.request.post(url + "/api/v1/entries", data=entry, headers={"X-CSRFToken": token})
    page.goto(url + "/charts")
    expect(page.get_by_text("Add a therapy to compare before and after.")).to_be_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector('canvas'))")
    assert_no_axe_violations(page)
    # Recording a therapy (queued through the outbox, then synced), then back on the charts.
    page.get_by_role("link", name="Add a therapy").click()
    expect(page.get_by_role("heading", name="Add a therapy")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Physiotherapy").click()
    expect(page.get_by_label("End day (optional)")).to_be_visible()
    scripted(page, "[data-therapy-form]")
    page.get_by_label("Start day").fill("2999-01-01")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Start day is in the future")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Start day").fill(demo.diary_entries(today)[-5]["day"])
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved: Physiotherapy.")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="See your charts").click()
    expect(page.get_by_role("heading", name="Physiotherapy")).to_be_visible()
    expect(page.get_by_text("After this therapy: not reached yet.")).to_be_visible()
    assert_no_axe_violations(page)
    # The script refused the future day before anything was sent: no 422 from the server.
    assert errors == []
