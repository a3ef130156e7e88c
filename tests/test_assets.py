"""Static files at addresses that name their version, kept by browsers for good."""

import re

from diary import assets, create_app
from tests.conftest import TEST_CONFIG


def static_addresses(html):
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)


def test_every_page_asks_for_its_files_at_this_versions_address(api, app):
    prefix = assets.prefix(app)
    assert re.fullmatch(r"/static/[0-9a-f]{16}", prefix)
    pages = [(app.test_client(), "/signin"), (app.test_client(), "/offline")]
    api.register()
    pages += [(api.client, path) for path in ("/today", "/charts", "/medications/")]
    for client, path in pages:
        found = static_addresses(client.get(path).get_data(as_text=True))
        assert found, path
        assert all(address.startswith(prefix + "/") for address in found), (path, found)


def test_this_versions_address_is_kept_for_a_year_and_the_others_are_asked_again(client, app):
    current = client.get(f"{assets.prefix(app)}/js/outbox.js")
    assert current.status_code == 200
    cache = current.headers["Cache-Control"]
    assert "immutable" in cache and "max-age=31536000" in cache and "no-cache" not in cache
    # The plain address and another version's answer with the same file, to be asked again:
    # what they hold changes with the next deploy.
    for address in ("/static/js/outbox.js", "/static/0123456789abcdef/js/outbox.js"):
        other = client.get(address)
        assert other.status_code == 200, address
        assert other.get_data() == current.get_data(), address
        assert other.headers["Cache-Control"] == "no-cache", address
        assert "immutable" not in other.headers["Cache-Control"], address


def test_what_is_not_a_static_file_stays_missing_at_any_address(client, app):
    prefix = assets.prefix(app)
    for address in (
        f"{prefix}/js/nothing-here.js",
        f"{prefix}/../diary/__init__.py",
        f"{prefix}/%2e%2e/wsgi.py",
        "/static/0123456789ABCDEF/js/outbox.js",  # not a version: a directory that is not there
        "/static/012345678/js/outbox.js",
    ):
        response = client.get(address)
        assert response.status_code == 404, address
        assert "immutable" not in response.headers.get("Cache-Control", ""), address


def test_a_changed_file_changes_every_address(tmp_path):
    static = tmp_path / "static"
    (static / "js").mkdir(parents=True)
    (static / "js" / "app.js").write_text("export const a = 1;")
    (static / "app.css").write_text("body { color: black }")
    before = assets.tree_hash(static)
    assert assets.tree_hash(static) == before
    (static / "app.css").write_text("body { color: navy }")
    after_edit = assets.tree_hash(static)
    assert after_edit != before
    (static / "js" / "app.js").rename(static / "js" / "main.js")  # a rename alone too
    assert assets.tree_hash(static) not in (before, after_edit)


def test_while_developing_nothing_is_kept_for_good(tmp_path):
    app = create_app({**TEST_CONFIG, "DATABASE": str(tmp_path / "d.sqlite3"), "DEBUG": True})
    try:
        # The version is read once, when the app starts: an edited script keeps its address.
        response = app.test_client().get(f"{assets.prefix(app)}/js/outbox.js")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache"
    finally:
        app.extensions["diary.db"].close_all()
