"""Every page of the app is checked by axe-core in Chromium, light and dark, on a phone.

The pages are read from ``app.url_map`` and the page templates from templates/, so a new page
fails here until a browser test runs axe on it and is named below: add the page to a test
that already has its user and data (tests/browser/test_pages_axe.py visits many pages with
one browser page), not a new browser session per page.
"""

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BROWSER_TESTS = ROOT / "tests" / "browser"

#: GET routes that answer with something other than a page, and what they answer.
NOT_PAGES = {
    "static": "stylesheets, scripts, icons and vendored libraries",
    "pwa.manifest": "the web app manifest (JSON)",
    "pwa.service_worker": "the service worker (JavaScript)",
    "viewlink.timeline": "the older days behind a view link's chart (JSON)",
}

PATIENT = "test_pages_axe.py::test_a_patients_pages_have_no_axe_violations"
ANYONE = (
    "test_pages_axe.py::test_the_pages_anyone_may_open_and_the_error_pages_have_no_axe_violations"
)
PHYSICIAN = (
    "test_sharing.py::"
    "test_a_physicians_list_empty_paged_and_searched_its_refusals_and_the_delete_page_pass_axe"
)
SHARING = "test_sharing.py::test_invite_accept_read_revoke_on_phones"
VIEW_LINK = "test_sharing.py::test_a_view_link_summary_prints_on_a4_and_letter"
ACCOUNTS = "test_accounts_flow.py::test_register_signout_signin_on_a_phone"
ACCOUNT = "test_account_settings.py::test_the_account_page_changes_name_and_time_zone"
RESET = "test_account_settings.py::test_a_forgotten_password_from_the_sign_in_page_to_a_new_one"
ENTRIES = "test_entry_flow.py::test_today_history_and_edit_have_no_axe_violations"
QUESTIONNAIRES = "test_questionnaires.py::test_the_questionnaire_pages_have_no_axe_violations"
COHORTS = "test_cohort_page.py::test_cohort_page_draws_means_with_error_bars_and_passes_axe"
EXPORTS = (
    "test_exports_flow.py::test_a_copy_comes_back_into_a_new_account_with_progress_and_a_summary"
)

#: Every route that answers a GET with a page (its endpoint), and a browser test that runs
#: axe on that page in the light and the dark scheme.
PAGES = {
    "auth.account": ACCOUNT,
    "auth.delete_account": PHYSICIAN,
    "auth.register": ACCOUNTS,
    "auth.signin": ACCOUNTS,
    "charts.index": PATIENT,
    "cohorts.index": COHORTS,
    "email_change.confirm": PATIENT,
    "entries.edit": ENTRIES,
    "entries.history": ENTRIES,
    "entries.today": PATIENT,
    "exports.index": EXPORTS,
    "medications.delete": PATIENT,
    "medications.edit": PATIENT,
    "medications.edit_dose": PATIENT,
    "medications.index": PATIENT,
    "medications.new": PATIENT,
    "pages.home": ACCOUNTS,
    "password_reset.forgot": RESET,
    "password_reset.reset": RESET,
    "physician.accept": SHARING,
    "physician.patient": SHARING,
    "physician.patients": PHYSICIAN,
    "physician.printable": SHARING,
    "pwa.offline": PATIENT,
    "questionnaires.delete": QUESTIONNAIRES,
    "questionnaires.edit": QUESTIONNAIRES,
    "questionnaires.index": QUESTIONNAIRES,
    "questionnaires.new": QUESTIONNAIRES,
    "sharing.index": PATIENT,
    "therapies.delete": PATIENT,
    "therapies.edit": PATIENT,
    "therapies.index": PATIENT,
    "therapies.new": PATIENT,
    "viewlink.charts": VIEW_LINK,
    "viewlink.summary": VIEW_LINK,
}

#: Every page template, and a browser test that runs axe on a page made from it, light and
#: dark: this also holds the pages no GET route shows as such (a form's answer, an error).
TEMPLATES = {
    "auth/account.html": ACCOUNT,
    "auth/delete.html": PHYSICIAN,
    "auth/email_confirm.html": PATIENT,
    "auth/forgot.html": RESET,
    "auth/register.html": ACCOUNTS,
    "auth/register_closed.html": ANYONE,
    "auth/reset.html": RESET,
    "auth/reset_gone.html": RESET,
    "auth/signin.html": ACCOUNTS,
    "charts/index.html": PATIENT,
    "cohorts/index.html": COHORTS,
    "entries/delete.html": PATIENT,
    "entries/edit.html": ENTRIES,
    "entries/history.html": ENTRIES,
    "entries/today.html": PATIENT,
    "errors/csrf.html": ANYONE,
    "errors/error.html": ANYONE,  # 404; 403 in PATIENT; 429 and "not shared" in PHYSICIAN
    "exports/data.html": EXPORTS,  # with the import's answer too
    "medications/delete.html": PATIENT,
    "medications/dose.html": PATIENT,
    "medications/form.html": PATIENT,
    "medications/index.html": PATIENT,
    "pages/welcome.html": ACCOUNTS,
    "physician/accept.html": SHARING,
    "physician/patient.html": SHARING,
    "physician/patients.html": PHYSICIAN,
    "pwa/offline.html": PATIENT,
    "questionnaires/delete.html": QUESTIONNAIRES,
    "questionnaires/form.html": QUESTIONNAIRES,
    "questionnaires/index.html": QUESTIONNAIRES,
    "sharing/index.html": PATIENT,
    "sharing/invite.html": SHARING,
    "sharing/link.html": VIEW_LINK,
    "summary/summary.html": SHARING,
    "therapies/delete.html": PATIENT,
    "therapies/form.html": PATIENT,
    "therapies/index.html": PATIENT,
    "therapies/kind.html": PATIENT,
    "viewlink/charts.html": VIEW_LINK,
    "viewlink/preview.html": VIEW_LINK,
}


def page_endpoints(app):
    """The endpoints of the GET routes that are neither the JSON API nor in NOT_PAGES."""
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and not rule.endpoint.startswith("api.")
        and rule.endpoint not in NOT_PAGES
    }


def page_templates():
    """The templates that make a whole page: those that extend a layout."""
    folder = ROOT / "templates"
    return {
        str(path.relative_to(folder))
        for path in folder.rglob("*.html")
        if "{% extends " in path.read_text()
    }


@cache
def functions_of(file_name):
    """The test functions of a browser test module, by name: their source."""
    source = (BROWSER_TESTS / file_name).read_text()
    return {
        node.name: ast.get_source_segment(source, node)
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    }


def test_every_page_is_under_axe(app):
    unlisted = sorted(page_endpoints(app) - set(PAGES))
    assert unlisted == [], (
        f"pages no browser test runs axe on: {unlisted}. Run axe on each, light and dark "
        "(assert_no_axe_violations_light_and_dark), and name the test in PAGES here; or, "
        "if it answers something other than a page, add it to NOT_PAGES."
    )
    assert sorted(set(PAGES) - page_endpoints(app)) == []  # no route left behind
    assert sorted(set(NOT_PAGES) - {r.endpoint for r in app.url_map.iter_rules()}) == []


def test_every_page_template_is_under_axe():
    unlisted = sorted(page_templates() - set(TEMPLATES))
    assert unlisted == [], (
        f"page templates no browser test runs axe on: {unlisted}. Run axe on a page made "
        "from each, light and dark, and name the test in TEMPLATES here."
    )
    assert sorted(set(TEMPLATES) - page_templates()) == []


def test_each_test_named_runs_axe_light_and_dark():
    named = set(PAGES.values()) | set(TEMPLATES.values())
    missing, without_axe = [], []
    for name in sorted(named):
        file_name, function = name.split("::")
        source = functions_of(file_name).get(function)
        if source is None:
            missing.append(name)
        elif "assert_no_axe_violations_light_and_dark(" not in source:
            without_axe.append(name)
    assert missing == []
    assert without_axe == []
