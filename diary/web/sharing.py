"""The patient's Sharing page: invite a physician, make a view link, see who has access and
who looked, and end any of it in one tap (DESIGN.md section 8's fourth tab)."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from diary import accounts
from diary.access import allow
from diary.db import get_db
from diary.i18n.text import gettext as _
from diary.sharing import invites, links, log, qr
from diary.sync import cursors

bp = Blueprint("sharing", __name__, url_prefix="/sharing")

LOG_PAGE = 20


@bp.get("/")
@allow("patient")
def index():
    after = None
    if "after" in request.args:
        after = cursors.decode_log(request.args["after"])
        if after is None:
            abort(404)
    return _page(after)


def _page(after=None, link_errors=None):
    """The Sharing page from ``after`` in the access log; ``link_errors`` say what was wrong
    with a view link asked for (``{"days": sentence}``)."""
    db = get_db()
    events, following = log.page(db, current_user.id, limit=LOG_PAGE, after=after)
    shares = invites.of_patient(db, current_user.id)
    return render_template(
        "sharing/index.html",
        active=[
            {**s, "ends_soon": invites.ends_soon(s["expires_at"])}
            for s in shares
            if s["status"] == "active"
        ],
        share_days=current_app.config["SHARE_DAYS"],
        invite_days=current_app.config["INVITE_DAYS"],
        pending=[s for s in shares if s["status"] == "pending"],
        links=[link for link in links.of_patient(db, current_user.id) if link["live"]],
        events=events,
        next_page=following,
        older=after is not None,
        days_choices=links.DAYS_CHOICES,
        link_errors=link_errors or {},
    )


@bp.post("/invites")
@allow("patient")
def create_invite():
    invite = invites.create(get_db(), current_user.id, days=current_app.config["INVITE_DAYS"])
    accept_url = url_for("physician.accept", code=invite.shown, _external=True)
    # Shown once, in the answer to this request: only the code's hash is kept.
    return render_template(
        "sharing/invite.html",
        invite=invite,
        accept_url=accept_url,
        qr_svg=qr.svg(accept_url, label=_("QR code of the invite %(code)s", code=invite.shown)),
    )


@bp.post("/links")
@allow("patient")
def create_link():
    try:
        days = int(request.form.get("days", ""))
        link, token = links.create(get_db(), current_user.id, days)
    except ValueError:
        sentence = _("Choose how long the link should work: 1, 7 or 30 days.")
        return _page(link_errors={"days": sentence}), 422
    url = url_for("viewlink.summary", token=token, _external=True)
    return render_template(
        "sharing/link.html",
        link=link,
        days=days,
        url=url,
        qr_svg=qr.svg(url, label=_("QR code of the view link")),
    )


@bp.post("/shares/<uuid:share_id>/end")
@allow("patient")
def end_share(share_id):
    db = get_db()
    share_id = str(share_id)
    share = next((s for s in invites.of_patient(db, current_user.id) if s["id"] == share_id), None)
    if share is None or not invites.revoke(db, current_user.id, share_id):
        abort(404)
    if share["physician_name"]:
        flash(_("%(name)s can no longer see your diary.", name=share["physician_name"]), "success")
    else:
        flash(_("The invite code is cancelled: it no longer works."), "success")
    return redirect(url_for("sharing.index"))


@bp.post("/links/<uuid:link_id>/end")
@allow("patient")
def end_link(link_id):
    if not links.revoke(get_db(), current_user.id, str(link_id)):
        abort(404)
    flash(_("The view link is turned off: it no longer opens your diary."), "success")
    return redirect(url_for("sharing.index"))


@bp.post("/notes")
@allow("patient")
def notes_choice():
    share = request.form.get("share_notes") == "on"
    accounts.update(get_db(), current_user.id, {"share_notes": share})
    if share:
        flash(_("Your notes are now shown to the physicians and links you share with."), "success")
    else:
        flash(_("Your notes are now private: only you see them."), "success")
    return redirect(url_for("sharing.index", _anchor="notes-heading"))


@bp.post("/cohorts")
@allow("patient")
def cohorts_choice():
    counted = request.form.get("in_cohorts") == "on"
    accounts.update(get_db(), current_user.id, {"in_cohorts": counted})
    if counted:
        flash(
            _("Your numbers now count in your physicians' cohort tables, without your name."),
            "success",
        )
    else:
        flash(
            _(
                "Your numbers are now left out of cohort tables. Your physicians still see "
                "your diary for your care."
            ),
            "success",
        )
    return redirect(url_for("sharing.index", _anchor="cohorts-heading"))
