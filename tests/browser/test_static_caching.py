"""Static files at their version's address: a page opened again fetches none of them, and
offline the worker finds a shell file at any of its addresses (diary/assets.py)."""

from diary import assets
from tests.browser.conftest import ROOT, flushed, page_only, register_via_api

# What the page loaded from this origin's static files: address and bytes over the network
# (transferSize is 0 for a file the browser had kept; a revalidation's 304 is not 0).
STATIC_LOADED = """(origin) => performance.getEntriesByType("resource")
    .filter((e) => e.name.startsWith(origin + "/static/"))
    .map((e) => ({address: e.name.slice(origin.length), sent: e.transferSize}))"""


@page_only
def test_a_page_opened_again_fetches_none_of_its_scripts_and_styles(page, live_server, new_user):
    url = live_server.url
    prefix = f"/static/{assets.tree_hash(ROOT / 'static')}/"
    register_via_api(page, url, new_user())
    page.goto(url + "/today")
    flushed(page)  # its scripts have run: the ones they import are loaded
    first = page.evaluate(STATIC_LOADED, url)
    # A new browser: they came over the network (a file a page asks for twice is counted
    # again, from the page's own memory, with nothing sent).
    assert sum(f["sent"] > 0 for f in first) > 10, first
    page.goto(url + "/history")
    page.goto(url + "/today")
    flushed(page)
    again = page.evaluate(STATIC_LOADED, url)
    assert len(again) > 10
    # Every one from the browser's cache: no request, not even "changed?".
    assert [f for f in again if f["sent"] != 0] == []
    # Every one at this version's address, the modules a script imports too.
    assert all(f["address"].startswith(prefix) for f in again), again
    assert any(f["address"].endswith("/js/outbox.js") for f in again)  # imported, not linked


def test_offline_the_worker_finds_a_shell_file_at_any_of_its_addresses(patient_page):
    page, _user, _server = patient_page()
    current = page.evaluate(
        "() => document.querySelector('script[src*=\"/js/offline.js\"]').getAttribute('src')"
    )
    page.context.set_offline(True)
    try:
        answers = page.evaluate(
            """async (addresses) => Promise.all(addresses.map(async (address) => {
                try {
                    const response = await fetch(address);
                    return [response.status, await response.text()];
                } catch { return ["failed", ""]; }
            }))""",
            [
                current,
                "/static/js/offline.js",  # the plain address
                "/static/0123456789abcdef/js/offline.js",  # a page kept from another version
                "/static/js/not-in-the-shell.js",
            ],
        )
    finally:
        page.context.set_offline(False)
    (status, text), plain, older, missing = answers
    assert status == 200 and "import" in text
    assert plain == [200, text] and older == [200, text]
    assert missing == ["failed", ""]
