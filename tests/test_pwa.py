"""The installable app's server side: the worker script, the manifest, the offline page."""

import json
import re
from pathlib import Path
from types import SimpleNamespace

from diary import assets, create_app
from diary.web import pwa
from tests.conftest import TEST_CONFIG


def build_of(text):
    match = re.search(r"const BUILD = (\{.*?\});", text)
    assert match, "the BUILD block was not replaced"
    return json.loads(match.group(1))


def test_service_worker_is_served_at_the_root_with_its_headers(client):
    r = client.get("/sw.js")
    assert r.status_code == 200
    assert r.mimetype == "text/javascript"
    assert r.headers["Service-Worker-Allowed"] == "/"
    assert r.headers["Cache-Control"] == "no-cache"
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp
    assert "unsafe" not in csp


def test_service_worker_carries_the_version_and_the_shell(client, app):
    build = build_of(client.get("/sw.js").get_data(as_text=True))
    assert re.fullmatch(r"[0-9a-f]{16}", build["version"])
    # The static files at the addresses the pages ask for: this version's (diary/assets.py).
    static = build["assets"]
    assert static == assets.prefix(app) and re.fullmatch(r"/static/[0-9a-f]{16}", static)
    shell = set(build["shell"])
    for path in [
        f"{static}/css/app.css",
        f"{static}/js/app.js",
        f"{static}/js/offline.js",
        f"{static}/js/outbox.js",
        f"{static}/js/sync.js",
        f"{static}/icons/icon-192.png",
        "/offline",
        "/manifest.webmanifest",
    ]:
        assert path in shell, path
    assert f"{static}/sw.js" not in shell
    assert not [path for path in shell if path.startswith("/static/js/")]
    # Every precached URL answers, or the worker would fail to install.
    for path in shell:
        assert client.get(path).status_code == 200, path


def test_version_changes_when_a_static_file_or_a_template_changes(tmp_path):
    def deploy(name, css="body { color: black }", page="<p>{{ _('Today') }}</p>"):
        (tmp_path / name / "static").mkdir(parents=True)
        (tmp_path / name / "templates").mkdir()
        (tmp_path / name / "static" / "app.css").write_text(css)
        (tmp_path / name / "templates" / "today.html").write_text(page)
        # What shell_version reads of an app: its two folders.
        app = SimpleNamespace(
            static_folder=str(tmp_path / name / "static"),
            template_folder=str(tmp_path / name / "templates"),
        )
        return pwa.shell_version(app)

    first = deploy("first")
    assert deploy("same") == first  # the same files elsewhere: the same version
    assert deploy("css", css="body { color: navy }") != first
    assert deploy("page", page="<p>{{ _('History') }}</p>") != first


def test_a_salt_gives_a_new_version(tmp_path):
    apps = [
        create_app(
            {**TEST_CONFIG, "DATABASE": str(tmp_path / f"{salt}.db"), "PWA_VERSION_SALT": salt}
        )
        for salt in ("", "second deploy")
    ]
    versions = [pwa.build_info(a)["version"] for a in apps]
    assert versions[0] != versions[1]
    for a in apps:
        a.extensions["diary.db"].close_all()


def test_manifest_makes_the_app_installable(client, app):
    r = client.get("/manifest.webmanifest")
    assert r.status_code == 200
    assert r.mimetype == "application/manifest+json"
    manifest = r.get_json(force=True)
    assert manifest["start_url"] == "/today"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["name"] and manifest["short_name"]
    assert manifest["theme_color"].startswith("#") and manifest["background_color"].startswith("#")
    icons = {(i["src"], i["sizes"], i["purpose"]) for i in manifest["icons"]}
    static = assets.prefix(app)
    assert (f"{static}/icons/icon-192.png", "192x192", "any") in icons
    assert (f"{static}/icons/icon-512.png", "512x512", "any") in icons
    assert (f"{static}/icons/maskable-512.png", "512x512", "maskable") in icons
    for src, _, _ in icons:
        assert client.get(src).status_code == 200


def test_every_page_links_the_manifest_and_the_offline_script(client, app):
    html = client.get("/signin").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert f'src="{assets.prefix(app)}/js/offline.js"' in html


def test_offline_page_is_public_and_holds_nothing_personal(client):
    # The worker precaches it without cookies, as here: the cached copy names nobody.
    r = client.get("/offline")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "You are offline" in html
    assert 'href="/today"' in html
    assert "data-user-id" not in html and "X-Diary-User" not in r.headers


def test_pages_name_their_user_for_the_worker(patient):
    r = patient.client.get("/account")
    assert r.headers["X-Diary-User"] == str(patient.user["id"])
    assert "X-Diary-User" not in patient.client.get("/api/v1/session").headers


def test_anonymous_pages_name_nobody(client):
    assert "X-Diary-User" not in client.get("/signin").headers


def test_shell_files_skip_the_worker_itself():
    static = Path(__file__).resolve().parents[1] / "static"
    names = {p.name for p in pwa.shell_files(static)}
    assert "sw.js" not in names
    assert "app.css" in names


def offline_pages_of(html):
    match = re.search(r'data-offline-pages="([^"]*)"', html)
    return match.group(1).split() if match else []


def test_a_patients_pages_list_what_the_worker_keeps_offline(patient):
    # The navigation, and the therapy list and forms, which the navigation does not link to.
    pages = offline_pages_of(patient.client.get("/account").get_data(as_text=True))
    assert {"/today", "/history", "/charts", "/therapies/", "/therapies/new"} <= set(pages)
    assert "/therapies/new?kind=msc_injection" in pages
    assert "/therapies/new?kind=physiotherapy" in pages


def test_nobody_else_has_pages_kept_offline(client, make_api):
    assert offline_pages_of(client.get("/signin").get_data(as_text=True)) == []
    physician = make_api()
    physician.register(email="doc@example.org", role="physician")
    html = physician.client.get("/account").get_data(as_text=True)
    assert "data-user-id" in html and offline_pages_of(html) == []
