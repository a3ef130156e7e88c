"""The physician's cohort page in Chromium: three patients shared through the API, the chart
drawn under the strict CSP with its error bars and one line per patient, the patient's
name only in the physician's tooltip, no axe violation in light and dark."""

from playwright.sync_api import expect

from tests import cohort_world as world
from tests.browser.conftest import (
    assert_no_axe_violations_light_and_dark,
    page_only,
    period_names_at,
    register_via_api,
)

pytestmark = page_only


def _patient_sharing_with(playwright, url, user, plan, accept):
    api = playwright.request.new_context(base_url=url)
    try:
        token = api.get("/api/v1/session").json()["csrf_token"]
        made = api.post(
            "/api/v1/users", data={**user, "time_zone": "UTC"}, headers={"X-CSRFToken": token}
        )
        assert made.status == 201, made.text()
        token = made.json()["csrf_token"]
        headers = {"X-CSRFToken": token}
        synced = api.post(
            "/api/v1/sync",
            data={"cursor": None, "changes": world.sync_changes(plan)},
            headers=headers,
        )
        assert synced.ok, synced.text()
        accept(api.post("/api/v1/shares", headers=headers).json()["code"])
    finally:
        api.dispose()


def test_cohort_page_draws_means_with_error_bars_and_passes_axe(
    page, live_server, new_user, playwright
):
    url = live_server.url
    register_via_api(page, url, new_user("physician"))
    token = page.request.get(url + "/api/v1/session").json()["csrf_token"]

    def accept(code):
        answer = page.request.post(
            url + "/api/v1/shares/accept", data={"code": code}, headers={"X-CSRFToken": token}
        )
        assert answer.ok, answer.text()

    names = []
    for plan in world.COUNTED[:3]:
        user = {**new_user(), "name": plan["name"]}
        names.append(plan["name"])
        _patient_sharing_with(playwright, url, user, plan, accept)

    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + "/clinic/cohorts")
    page.get_by_label("Therapy", exact=True).select_option(world.KIND)
    page.get_by_role("button", name="Show the table").click()
    page.wait_for_url("**/clinic/cohorts?kind=msc_injection*")
    expect(page.locator("[data-cohort-caution]")).to_contain_text("RESPINE")
    expect(page.locator("[data-cohort-table] [data-row='leg'] td").first).to_have_text(
        "6.9 ± 1.0 (3)"
    )
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('cohort-chart'))"
    )
    drawn = page.evaluate(
        """() => {
            const canvas = document.getElementById('cohort-chart');
            const chart = Chart.getChart(canvas);
            const patients = chart.data.datasets.filter((d) => d.patientName !== undefined);
            const index = chart.data.datasets.indexOf(patients[0]);
            chart.tooltip.setActiveElements([{ datasetIndex: index, index: 1 }], { x: 0, y: 0 });
            chart.update();
            return {
                width: canvas.width,
                bars: chart.$errorBars,
                withBars: chart.data.datasets
                    .filter((d) => d.errorBars)
                    .map((d) => d.errorBars.length),
                labels: patients.map((d) => d.label).sort(),
                tooltip: chart.tooltip.body.map((b) => b.lines.join(' ')).join(' '),
                title: chart.tooltip.title.join(' '),
            };
        }"""
    )
    assert drawn["width"] > 0
    # Leg and back means, six windows each, every one with a spread (3 patients everywhere).
    assert drawn["withBars"] == [6, 6] and drawn["bars"] == 12
    assert drawn["labels"] == ["P1", "P2", "P3"]
    assert any(name in drawn["tooltip"] for name in names), drawn["tooltip"]
    # The tooltip names its period on one line, though the axis draws it on two.
    assert drawn["title"] == "2 weeks", drawn["title"]
    # Six periods on a phone: every name shown, none drawn over its neighbour.
    chart = page.locator("#cohort-chart").element_handle()
    for width in (390, 320):
        names_drawn = period_names_at(page, chart, width)
        assert names_drawn["touching"] == [], (width, names_drawn)
    assert_no_axe_violations_light_and_dark(page)
    assert errors == []
