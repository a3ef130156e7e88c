"""Who may see what: one mechanism for every route, HTML and API.

Each view declares a policy with ``@allow(...)``; one ``before_request`` hook enforces it,
and ``check_every_route`` refuses to start an app with an undeclared route, so a new
route cannot forget its check.
"""

from functools import wraps

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_login import current_user

from diary.errors import ApiError, wants_json
from diary.i18n.text import gettext as _
from diary.i18n.text import lazy_gettext as _l
from diary.sharing import invites, links, log, previews

POLICIES = {
    "anyone",  # public pages, the session endpoints, static files
    "signed_in",  # any role
    "patient",  # the signed-in patient's own data
    "physician",  # the physician's own lists
    "physician_of_patient",  # a physician with an active share from <patient_id>
    "view_link",  # anyone holding the live view link <token> (read-only pages, no API)
}
#: Policies that show a patient's diary to someone else: each such route names what it
#: shows, and every use is written to the patient's access log.
LOGGED = {"physician_of_patient", "view_link"}


def allow(policy, *, shows=None):
    """Declare who may call the decorated view (one of POLICIES).

    A LOGGED policy also says what the view ``shows`` (a subject of
    ``diary.sharing.log.WHAT``), which is what the patient's access log will say.
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown access policy {policy!r}")
    if (policy in LOGGED) != (shows is not None):
        raise ValueError(f"policy {policy!r} {'needs' if policy in LOGGED else 'takes no'} shows=")
    if shows is not None and shows not in log.WHAT:
        raise ValueError(f"unknown access-log subject {shows!r}")

    def decorate(view):
        view.access_policy = policy
        view.access_shows = shows
        return view

    return decorate


def policy_of(view):
    return getattr(view, "access_policy", None)


def active_share_exists(db, patient_id, physician_id):
    """True when the patient shares with the physician now (accepted, not revoked or expired)."""
    return invites.is_active(db, patient_id, physician_id)


def _refuse_anonymous():
    if wants_json():
        raise ApiError(401)
    return redirect(url_for("auth.signin", next=request.full_path.rstrip("?")))


def enforce():
    """before_request: apply the current endpoint's policy."""
    if request.endpoint is None:
        return None  # the router answers 404/405 itself
    view = current_app.view_functions[request.endpoint]
    policy = "anyone" if request.endpoint == "static" else policy_of(view)
    if policy == "anyone":
        return None
    if policy == "view_link":
        return _enter_by_link()
    user = current_user._get_current_object()  # one lookup, not one per question below
    if not user.is_authenticated:
        return _refuse_anonymous()
    if policy == "signed_in":
        return None
    if policy == "patient" and not user.is_patient:
        _forbid(_("Only patients keep a diary."))
    if policy == "physician" and not user.is_physician:
        _forbid(_("Only physicians can see this."))
    if policy == "physician_of_patient":
        from diary.db import get_db

        patient_id = (request.view_args or {}).get("patient_id")
        if not user.is_physician or not active_share_exists(get_db(), patient_id, user.id):
            # Not 403: whether the patient exists is not the caller's business. A physician
            # is told what to do next, in words that fit an unknown patient as well as an
            # ended share, so they reveal nothing more than a bare 404.
            _not_found(NOT_SHARED if user.is_physician else None)
        g.viewer = log.Viewer(
            patient_id=patient_id,
            physician_id=user.id,
            physician_name=user.name,
        )
    return None


def _enter_by_link():
    # Whoever holds a live link may read, signed in or not; any other token is simply not
    # found (unknown, turned off and expired answer alike).
    from diary.db import get_db

    # The address is the secret: keep it out of caches, referrers and search engines,
    # whatever the answer (log_view adds the headers).
    g.private = True
    g.link_page = True
    if previews.is_preview_fetcher(request.user_agent.string):
        # A chat or mail program drawing a preview card, not a person: a page without the
        # patient's name or data, the same for every token, and nothing in the log.
        return render_template("viewlink/preview.html")
    link = links.find_live(get_db(), (request.view_args or {}).get("token"))
    if link is None:
        _not_found(LINK_GONE)
    g.viewer = log.Viewer(patient_id=link.patient_id, link_id=link.id)
    g.view_link = link
    return None


def viewer():
    """Who is reading another person's diary in this request (a log.Viewer), or None."""
    return g.get("viewer")


def log_view(response):
    """after_request: record what a physician or a view link saw of a patient's diary.

    Every LOGGED route is logged here, by the same mechanism that let the reader in, so no
    view can forget it. Refused or failed requests showed nothing. A page or a download is
    one event each; repeated identical data reads (JSON) within a few minutes are one
    (sharing/log.py). Not logged: a HEAD request (a link checker; nobody saw a page) and
    the patient opening their own view link.
    """
    if g.get("link_page"):
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    reader = g.pop("viewer", None)
    if reader is None or response.status_code >= 400 or request.method == "HEAD":
        return response
    if (
        reader.kind == "link"
        and current_user.is_authenticated
        and current_user.id == reader.patient_id
    ):
        return response  # the patient checking what the physician will see: no visit
    from diary.db import get_db

    # A view may say more exactly what it showed (which table of a download).
    shows = g.pop("access_shows", None) or current_app.view_functions[request.endpoint].access_shows
    # Data reads (the API, and a view link's JSON behind its charts' "All") collapse: the
    # days a chart fetches are part of the view its page logged a moment before. A download
    # never does: each file taken away is the patient's to know about.
    data = request.path.startswith("/api/") or response.mimetype == "application/json"
    download = "attachment" in response.headers.get("Content-Disposition", "")
    log.record(get_db(), reader, shows, collapse=data and not download)
    return response


def _forbid(message):
    if wants_json():
        raise ApiError(403, "forbidden", message)
    abort(403)


LINK_GONE = _l(
    "This link does not open a diary: it may have expired or been turned off, or it was "
    "copied incompletely. Ask the patient for a new one."
)
NOT_SHARED = _l(
    "This diary is not shared with you now. If it should be, ask the patient for a new invite code."
)


def _not_found(message=None):
    if wants_json():
        raise ApiError(404, message=message)
    abort(404, message)


def check_every_route(app):
    """Refuse to run when any route has no declared policy."""
    missing = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and policy_of(app.view_functions[rule.endpoint]) is None
    )
    if missing:
        raise RuntimeError(f"routes without an access policy: {', '.join(missing)}")
    for rule in app.url_map.iter_rules():
        policy = policy_of(app.view_functions.get(rule.endpoint))
        if policy == "view_link" and ("token" not in rule.arguments or rule.methods - SAFE):
            raise RuntimeError(f"{rule.rule}: a view link reads only, through its <token>")
        if policy == "physician_of_patient" and "patient_id" not in rule.arguments:
            raise RuntimeError(f"{rule.rule}: a physician's read names its <patient_id>")


SAFE = {"GET", "HEAD", "OPTIONS"}


def init_app(app):
    app.before_request(enforce)
    app.after_request(log_view)


__all__ = ["allow", "enforce", "check_every_route", "wraps"]
