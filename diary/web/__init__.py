"""HTML pages for people: one blueprint per page family."""

from urllib.parse import urlsplit

from flask import request, url_for


def safe_next(default_endpoint="pages.home"):
    """The ``next`` target when it stays on this site, else the default page.

    A target with a control character is refused too: ``urlsplit`` drops tabs and line
    breaks before it looks (so ``/today`` plus a line break passed), and a header cannot
    hold them (the redirect then failed with a 500, after a sign-in had been written).
    """
    target = request.values.get("next", "")
    parts = urlsplit(target)
    if (
        target.startswith("/")
        and not target.startswith("//")
        and not parts.netloc
        and not parts.scheme
        and "\\" not in target
        and target.isprintable()
    ):
        return target
    return url_for(default_endpoint)


def register_blueprints(app):
    from diary.web import (
        auth,
        charts,
        cohorts,
        email_change,
        entries,
        exports,
        language,
        medications,
        pages,
        password_reset,
        physician,
        pwa,
        questionnaires,
        reminders,
        sharing,
        therapies,
        viewlink,
    )

    app.register_blueprint(auth.bp)
    app.register_blueprint(password_reset.bp)
    app.register_blueprint(email_change.bp)
    app.register_blueprint(entries.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(pwa.bp)
    app.register_blueprint(therapies.bp)
    app.register_blueprint(charts.bp)
    app.register_blueprint(sharing.bp)
    app.register_blueprint(physician.bp)
    app.register_blueprint(cohorts.bp)
    app.register_blueprint(viewlink.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(questionnaires.bp)
    app.register_blueprint(medications.bp)
    app.register_blueprint(reminders.bp)
    app.register_blueprint(language.bp)
