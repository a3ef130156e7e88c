"""Who may see what: one mechanism for every route, HTML and API.

Each view declares a policy with ``@allow(...)``; one ``before_request`` hook enforces it,
and ``check_every_route`` refuses to start an app with an undeclared route, so a new
route cannot forget its check.
"""

from functools import wraps

from flask import abort, current_app, g, redirect, request, url_for
from flask_login import current_user

from diary.errors import ApiError, wants_json

POLICIES = {
    "anyone",  # public pages, the session endpoints, static files
    "signed_in",  # any role
    "patient",  # the signed-in patient's own data
    "physician",  # the physician's own lists
    "physician_of_patient",  # a physician with an active share from <patient_id>
}


def allow(policy):
    """Declare who may call the decorated view (one of POLICIES)."""
    if policy not in POLICIES:
        raise ValueError(f"unknown access policy {policy!r}")

    def decorate(view):
        view.access_policy = policy
        return view

    return decorate


def policy_of(view):
    return getattr(view, "access_policy", None)


def active_share_exists(db, patient_id, physician_id):
    """True when the patient shares with the physician now (accepted, not revoked or expired)."""
    from diary.accounts import now_iso

    row = db.execute(
        "SELECT 1 FROM shares WHERE patient_id = ? AND physician_id = ? AND accepted_at IS NOT NULL"
        " AND revoked_at IS NULL AND expires_at > ? LIMIT 1",
        [patient_id, physician_id, now_iso()],
    ).fetchone()
    return row is not None


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
    if not current_user.is_authenticated:
        return _refuse_anonymous()
    if policy == "signed_in":
        return None
    if policy == "patient" and not current_user.is_patient:
        _forbid("Only patients keep a diary.")
    if policy == "physician" and not current_user.is_physician:
        _forbid("Only physicians can see this.")
    if policy == "physician_of_patient":
        from diary.db import get_db

        patient_id = (request.view_args or {}).get("patient_id")
        if not current_user.is_physician or not active_share_exists(
            get_db(), patient_id, current_user.id
        ):
            # Not 403: whether the patient exists is not the caller's business.
            _not_found()
        g.physician_view = patient_id
    return None


def log_physician_view(response):
    """after_request: record what a physician saw of a patient's data, when it was shown.

    Every ``physician_of_patient`` route is logged here, by the same mechanism that let the
    physician in, so no view can forget it. Refused or failed requests showed nothing.
    """
    patient_id = g.pop("physician_view", None)
    if patient_id is None or response.status_code >= 400:
        return response
    from diary.accounts import now_iso
    from diary.db import get_db, write

    view = current_app.view_functions[request.endpoint]
    what = getattr(view, "openapi", {}).get("summary") or request.path
    db = get_db()
    with write(db):
        db.execute(
            "INSERT INTO access_log (physician_id, physician_name, patient_id, what, at)"
            " VALUES (?, ?, ?, ?, ?)",
            [current_user.id, current_user.name, patient_id, f"{what} ({request.path})", now_iso()],
        )
    return response


def _forbid(message):
    if wants_json():
        raise ApiError(403, "forbidden", message)
    abort(403)


def _not_found():
    if wants_json():
        raise ApiError(404)
    abort(404)


def check_every_route(app):
    """Refuse to run when any route has no declared policy."""
    missing = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and policy_of(app.view_functions[rule.endpoint]) is None
    )
    if missing:
        raise RuntimeError(f"routes without an access policy: {', '.join(missing)}")


def init_app(app):
    app.before_request(enforce)
    app.after_request(log_physician_view)


__all__ = ["allow", "enforce", "check_every_route", "wraps"]
