"""diary: a pain diary for sciatica. ``create_app`` builds the Flask application."""

import os
from pathlib import Path

from flask import Flask
from flask_compress import Compress

from diary import config as config_module

compress = Compress()


class DiaryFlask(Flask):
    """Flask, remembering which hooks and views are plain functions.

    Flask asks ``inspect`` whether each of them is a coroutine every time it calls one (15
    times for a save); the answer cannot change for a given function. The memory is
    bounded in case something hands Flask a new function per request.
    """

    MEMORY = 4096

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sync_versions = {}

    def send_static_file(self, filename, version=None):
        """Flask's static view, also behind ``/static/<version>/`` (diary/assets.py)."""
        from diary import assets

        return assets.keep_for_good(self, super().send_static_file(filename), version)

    def ensure_sync(self, func):
        try:
            return self._sync_versions[func]
        except KeyError:
            pass
        except TypeError:  # an unhashable callable
            return super().ensure_sync(func)
        sync = super().ensure_sync(func)
        if len(self._sync_versions) < self.MEMORY:
            self._sync_versions[func] = sync
        return sync


def create_app(test_config=None):
    """Build the app: defaults, then ``instance/config.py``, then ``DIARY_*`` variables.

    ``test_config`` (a dict) is applied last, for tests.
    """
    root = Path(__file__).resolve().parent.parent
    app = DiaryFlask(
        __name__,
        instance_path=os.environ.get("DIARY_INSTANCE_PATH", str(root / "instance")),
        instance_relative_config=True,
        static_folder=str(root / "static"),
        template_folder=str(root / "templates"),
    )
    app.config.from_mapping(config_module.DEFAULTS)
    app.config["DATABASE"] = str(Path(app.instance_path) / "diary.sqlite3")
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_pyfile("config.py", silent=True)
    config_module.apply_environment(app.config)
    if test_config:
        app.config.from_mapping(test_config)
    config_module.check(app.config)
    app.config["SECRET_KEY"] = config_module.ensure_secret_key(app.config, app.instance_path)

    if app.config["PROXY_FIX"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    from diary import (
        access,
        accounts,
        assets,
        cli,
        db,
        errors,
        i18n,
        inputs,
        reminders,
        security,
        templating,
    )

    # Before any route is added: every <int:...> in a URL is one SQLite can look up.
    app.url_map.converters["int"] = inputs.BoundedIntConverter
    assets.init_app(app)

    # The order of the request hooks: an address too long to read is refused first; then
    # the access check, so that anyone not signed in hears "sign in" (401) rather than
    # "CSRF token missing"; then the CSRF check on every state-changing request.
    # The translations first: an upgrade's migration may write words in a user's language.
    i18n.init_app(app)
    db.init_app(app)
    reminders.init_app(app)
    errors.init_app(app)
    compress.init_app(app)
    security.init_app(app)
    access.init_app(app)
    app.before_request(security.check_csrf)
    app.extensions["diary.hasher"] = accounts.make_hasher(app.config)
    # A database restored from a copy holds the accounts deleted since the copy was made.
    restored = accounts.delete_restored_in(app.config["DATABASE"])
    if restored:
        app.logger.warning(
            "Deleted again %d account(s) deleted before the database was restored.",
            len(restored),
        )

    @security.login_manager.user_loader
    def load_user(session_id):
        return accounts.load_user(db.get_db(), session_id, app.config)

    from diary.api import bp as api_bp
    from diary.web import register_blueprints

    app.register_blueprint(api_bp)
    register_blueprints(app)
    templating.init_app(app)
    cli.init_app(app)
    access.check_every_route(app)
    return app
