"""The installable, offline-capable app: service worker, web manifest and offline page.

The service worker is ``static/sw.js`` with its build block replaced by the shell version
and the list of files to precache. The version is a hash of every static file and template,
computed once when the app starts, so any deploy that changes what a page looks like
installs a new worker and a new cache, and the old cache is deleted when it activates.
"""

import hashlib
import json
import re
from datetime import datetime
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import force_locale
from flask_login import current_user

from diary import assets, i18n
from diary.access import allow
from diary.i18n.text import gettext as _

bp = Blueprint("pwa", __name__)

#: Static files the app shell needs offline (the worker's own file is not one of them).
SHELL_SUFFIXES = {".js", ".css", ".png", ".svg"}
SHELL_EXCLUDE = {"sw.js"}
BUILD_BLOCK = re.compile(r"/\*BUILD\*/.*?/\*END\*/", re.S)

# The worker runs with its own policy: it fetches only its own origin and imports only
# its own scripts (the outbox and sync modules for Background Sync).
SW_CSP = "default-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'"

THEME = "#1f4e5f"
BACKGROUND = "#fbfaf7"


def shell_files(static_dir: Path) -> list[Path]:
    """The static files to precache, in a stable order."""
    return sorted(
        p
        for p in static_dir.rglob("*")
        if p.is_file() and p.suffix in SHELL_SUFFIXES and p.name not in SHELL_EXCLUDE
    )


def shell_version(app) -> str:
    """A short hash of the app's static files and templates (names and contents): a change
    to either is a new shell. The static files' hash is the one their addresses carry
    (diary/assets.py), read once per process."""
    hashes = [assets.version(app), assets.tree_hash(Path(app.template_folder))]
    return hashlib.sha256("".join(hashes).encode()).hexdigest()[:16]


def build_info(app) -> dict:
    """The version and the precache list, computed once per process.

    The shell's files are listed at this version's addresses (diary/assets.py), the ones
    its pages ask for; the worker answers a shell file asked for at another address from
    the same list (static/sw.js).
    """
    info = app.extensions.get("diary.pwa")
    if info is None:
        static_dir = Path(app.static_folder)
        salt = str(app.config.get("PWA_VERSION_SALT") or "")
        version = shell_version(app)
        if salt:
            version = hashlib.sha256((version + salt).encode()).hexdigest()[:16]
        prefix = assets.prefix(app)
        files = [
            prefix + "/" + p.relative_to(static_dir).as_posix() for p in shell_files(static_dir)
        ]
        info = {"version": version, "assets": prefix, "files": files}
        app.extensions["diary.pwa"] = info
    return info


@bp.get("/sw.js")
@allow("anyone")
def service_worker():
    info = build_info(current_app)
    source = (Path(current_app.static_folder) / "sw.js").read_text()
    # The offline page and the manifest in every language: an offline Spanish reader
    # stays in Spanish (static/sw.js picks by the language its last pages were in).
    offline = {code: _in_language("pwa.offline", code) for code in i18n.SUPPORTED}
    manifests = [_in_language("pwa.manifest", code) for code in i18n.SUPPORTED]
    build = {
        "version": info["version"],
        "assets": info["assets"],
        "shell": [*info["files"], *offline.values(), *manifests],
        "offline": offline,
    }
    body = BUILD_BLOCK.sub(lambda _m: json.dumps(build), source, count=1)
    response = Response(body, mimetype="text/javascript")
    # The browser checks for a new worker on every navigation; no-cache makes it ask us.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Content-Security-Policy"] = SW_CSP
    return response


@bp.get("/manifest.webmanifest")
@allow("anyone")
def manifest():
    def icon(name, size, purpose="any"):
        return {
            "src": url_for("static", filename=f"icons/{name}"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": purpose,
        }

    # One manifest per language (?lang=es, linked from each page in its language); the id
    # stays the same, so an installed app remains one app whatever language it speaks.
    code = i18n.supported(request.args.get("lang")) or i18n.DEFAULT
    with force_locale(code):
        words = {
            "name": _("diary: a pain diary for sciatica"),
            "short_name": _("Pain diary"),
            "description": _("Log leg and back pain in seconds, even offline."),
        }
    body = {
        **words,
        "lang": code,
        "id": "/today",
        "start_url": "/today",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME,
        "background_color": BACKGROUND,
        "icons": [
            icon("icon-192.png", 192),
            icon("icon-512.png", 512),
            icon("maskable-512.png", 512, "maskable"),
        ],
    }
    response = Response(
        json.dumps(body, indent=1, ensure_ascii=False), mimetype="application/manifest+json"
    )
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
@allow("anyone")
def offline():
    # Precached without cookies so it holds nothing of any user, once per language (English
    # at /offline, the others at ?lang=es), never by the precaching browser's Accept-Language:
    # see static/sw.js.
    code = i18n.supported(request.args.get("lang")) or i18n.DEFAULT
    with force_locale(code):
        response = current_app.make_response(render_template("pwa/offline.html"))
    # The page's language, not the request's (static/sw.js reads it to pick its cache).
    response.headers["Content-Language"] = code
    return response


def _in_language(endpoint: str, code: str) -> str:
    # English at the plain address (?lang= for the others): what a page in English links.
    return url_for(endpoint) if code == i18n.DEFAULT else url_for(endpoint, lang=code)


@bp.after_app_request
def name_the_user(response):
    """Tell the service worker whose page this is (it caches pages per user) and until when."""
    user = current_user._get_current_object()
    if response.mimetype == "text/html" and user.is_authenticated:
        response.headers["X-Diary-User"] = str(user.id)
        if user.session is not None:
            # Offline, the worker stops serving these pages once the session has expired.
            expires = datetime.fromisoformat(user.session.expires_at)
            response.headers["X-Diary-Session-Expires"] = str(int(expires.timestamp()))
    return response
