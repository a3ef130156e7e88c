"""Static files at addresses that name their version, so browsers keep them for good.

``url_for("static", filename="js/app.js")`` gives ``/static/<version>/js/app.js``, where the
version is a hash of every file under ``static/``. A deploy that changes any of them
changes every address, so the files at an address never change and are sent with a year's
``immutable`` caching: a page opened again asks for none of its twenty-odd scripts and
stylesheets, where ``no-cache`` had it ask for each again (a round trip each on a phone's
network, for a physician's pages and for any page before the service worker is installed).

The scripts import each other by relative address ("./outbox.js"), which the browser
resolves against the importing file's own address: the whole module graph carries the
version without an import map or a build step.

Two other addresses answer with today's file and ``no-cache``, as every static file was
sent before: the plain one (``/static/js/app.js``, which the service worker's own imports
and anything written down elsewhere use) and one naming another version (a page kept from
before a deploy). Neither may be kept for good: its content changes with the next deploy.
"""

import functools
import hashlib
from pathlib import Path

from flask import current_app
from werkzeug.routing import BaseConverter

#: A year: the longest lifetime HTTP caches are commonly asked to keep a file for.
FOREVER = 365 * 24 * 3600


class VersionConverter(BaseConverter):
    """The version part of a static address: 16 hex digits, never a directory's name."""

    regex = "[0-9a-f]{16}"


def tree_hash(root: Path) -> str:
    """A short hash of every file under ``root``: names and contents."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def version(app=None) -> str:
    """This deploy's version of the static files (read once per process)."""
    return _version_of((app or current_app).static_folder)


@functools.cache
def _version_of(folder: str) -> str:
    # The files do not change while the app runs: a deploy restarts it (and the debug
    # server restarts itself). Every app a process builds on the folder reads it once.
    return tree_hash(Path(folder))


def prefix(app=None) -> str:
    """The address every static file of this version lies under: ``/static/<version>``."""
    app = app or current_app
    return f"{app.static_url_path}/{version(app)}"


def keep_for_good(app, response, asked_version: str | None):
    """Give a static file's ``response`` a year's immutable caching when it was asked for at
    this version's address; any other address keeps Flask's ``no-cache``."""
    # Not while developing (``flask run --debug``): the version is read once, at start,
    # and an edited script would stay at the same address.
    if asked_version is not None and asked_version == version(app) and not app.debug:
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = FOREVER
        response.cache_control.immutable = True
    return response


def init_app(app):
    """Route ``/static/<version>/<path>`` to the static files and make ``url_for`` use it."""
    app.url_map.converters["asset_version"] = VersionConverter
    # The same view as Flask's own static route (DiaryFlask.send_static_file takes the
    # version), so the endpoint stays "static" for the access and header rules.
    app.add_url_rule(
        f"{app.static_url_path}/<asset_version:version>/<path:filename>",
        endpoint="static",
        view_func=app.view_functions["static"],
    )

    @app.url_defaults
    def versioned(endpoint, values):
        if endpoint == "static" and "version" not in values:
            values["version"] = version(app)
