"""Every kind of caller and the objects they may name: the world of the access matrix
(tests/test_access_matrix.py), which the form fuzzer (tests/test_forms_fuzz.py) reuses.

Callers: anonymous, the owner (a patient with data), another patient, a physician with an
active share from the owner, one without a share, one whose share was revoked and one whose
share expired, and someone holding one of the owner's view links (live, turned off,
expired) who is not signed in.
"""

from diary.accounts import email_changes, password_resets
from diary.db import get_db, write
from diary.sharing import invites, links
from tests.conftest import PASSWORD, Api, insert_share

ACTORS = [
    "anonymous",
    "link_live",
    "link_revoked",
    "link_expired",
    "other_patient",
    "physician_active",
    "physician_none",
    "physician_revoked",
    "physician_expired",
    "owner",
]


def build_world(app):
    """Register every signed-in actor on ``app`` and make the owner's objects and shares.

    Returns ``{"emails", "ids", "tokens", ...}`` with the ids of the owner's objects, and
    ``fresh_objects()``, which makes new ones (a destructive call uses up the old ones).
    The app must allow a dozen registrations from one address (REGISTRATION_LIMIT).
    """
    emails = {}
    ids = {}
    for actor in filter(signed_in, ACTORS):
        role = "physician" if actor.startswith("physician") else "patient"
        email = f"{actor}@example.org"
        user = Api(app.test_client()).register(email=email, role=role, name=actor)
        emails[actor], ids[actor] = email, user["id"]
    # Whose email a confirmed link changes: nobody the other calls sign in as.
    ids["email_changer"] = Api(app.test_client()).register(email="changer@example.org")["id"]
    with app.app_context():
        db = get_db()
        insert_share(db, ids["owner"], ids["physician_active"])
        insert_share(db, ids["owner"], ids["physician_revoked"], revoked=True)
        insert_share(db, ids["owner"], ids["physician_expired"], expired=True)
        tokens = {}
        for state in ("live", "revoked", "expired"):
            link, tokens[f"link_{state}"] = links.create(db, ids["owner"], 7)
            with write(db):
                if state == "revoked":
                    db.execute(
                        "UPDATE view_links SET revoked_at = created_at WHERE id = ?", [link.id]
                    )
                if state == "expired":
                    db.execute(
                        "UPDATE view_links SET expires_at = created_at WHERE id = ?", [link.id]
                    )
    world = {"emails": emails, "ids": ids, "tokens": tokens}

    def fresh_objects():
        """New objects of the owner's (a destructive call uses up the old ones).

        Signs the owner in anew each time: "sign out everywhere" ends the owner's sessions.
        """
        owner = Api(app.test_client())
        owner.signin(emails["owner"])
        sessions = owner.get("/api/v1/sessions").get_json()["sessions"]
        world["session"] = next(s["id"] for s in sessions if s["current"])
        entry = {"day": "2026-01-02", "leg_pain": 5}
        therapy = {"kind": "surgery", "start_day": "2026-01-01"}
        world["entry"] = owner.post("/api/v1/entries", entry).get_json()["id"]
        world["therapy"] = owner.post("/api/v1/therapies", therapy).get_json()["id"]
        response = {"questionnaire": "rmdq", "day": "2026-01-02", "answers": {"3": True}}
        world["response"] = owner.post("/api/v1/responses", response).get_json()["id"]
        medication = {"name": "Ibuprofen", "schedule": "as_needed", "start_day": "2026-01-01"}
        world["medication"] = owner.post("/api/v1/medications", medication).get_json()["id"]
        dose = {"medication_id": world["medication"], "taken_at": "2026-01-02T08:00:00Z"}
        world["dose"] = owner.post("/api/v1/doses", dose).get_json()["id"]
        with app.app_context():
            world["reset_token"] = password_resets.create(get_db(), ids["owner"])
            world["email_token"] = email_changes.create(
                get_db(), ids["email_changer"], "changed@example.org"
            )
            # An invite and a link of the owner's that a destructive call may end; the
            # view-link actors keep theirs.
            world["share"] = invites.create(get_db(), world["ids"]["owner"]).id
            world["link"] = links.create(get_db(), world["ids"]["owner"], 1)[0].id

    fresh_objects()
    world["fresh_objects"] = fresh_objects
    return world


def url_of(rule, world, actor):
    """``rule``'s path with each argument an object of the owner's (or the actor's own
    token), and the query the route needs to answer more than "a parameter is missing"."""
    values = {}
    for arg in rule.arguments:
        if arg == "token" and rule.rule.startswith(password_resets.LINK_PATH):
            values[arg] = world["reset_token"]  # a live reset link: anyone holding it may open it
        elif arg == "token" and rule.rule.startswith(email_changes.LINK_PATH):
            values[arg] = world["email_token"]  # a live email link: anyone holding it may open it
        elif arg == "token":
            # The link the actor holds; everyone else is handed the live one (a bearer token).
            values[arg] = world["tokens"].get(actor, world["tokens"]["link_live"])
        elif arg == "share_id":
            values[arg] = world["share"]
        elif arg == "link_id":
            values[arg] = world["link"]
        elif arg == "patient_id":
            values[arg] = world["ids"]["owner"]
        elif arg == "questionnaire":
            values[arg] = "rmdq"  # a form, not someone's object: every patient may open it
        elif "responses" in rule.rule:
            values[arg] = world["response"]
        elif "therap" in arg or arg == "tid" or ("therapies" in rule.rule and arg != "entry_id"):
            values[arg] = world["therapy"]
        elif "entr" in arg or "entries" in rule.rule:
            values[arg] = world["entry"]
        elif arg == "session_id":
            values[arg] = world["session"]
        elif "dose" in arg or "/doses/" in rule.rule:
            values[arg] = world["dose"]
        elif "medication" in arg or "/medications/" in rule.rule:
            values[arg] = world["medication"]
        else:
            raise AssertionError(f"teach tests/access_world.py the argument {arg!r} of {rule.rule}")
    path = rule.rule
    for arg, value in values.items():
        path = path.replace(f"<{arg}>", str(value))
        for converter in ("int", "string", "uuid"):
            path = path.replace(f"<{converter}:{arg}>", str(value))
    return path + QUERIES.get(rule.rule, "")


#: A query some routes need to answer more than "a parameter is missing": the cohort of the
#: owner's therapy kind, so that each physician's call reaches the table itself.
QUERIES = {
    "/api/v1/cohorts": "?kind=surgery",
    "/api/v1/cohorts/table.csv": "?kind=surgery",
    "/api/v1/cohorts/patients.csv": "?kind=surgery",
    "/clinic/cohorts": "?kind=surgery",
}


def signed_in(actor):
    return actor != "anonymous" and not actor.startswith("link")


def client_of(app, world, actor):
    """A JSON client of ``app``, signed in as ``actor`` when the actor has an account."""
    api = Api(app.test_client())
    if signed_in(actor):
        assert api.signin(world["emails"][actor], PASSWORD).status_code == 200
    return api


def destructive(rule, method):
    """Whether calling ``rule`` may end what the calls after it need (the object, the
    session, the account): such calls go last."""
    suffixes = ("/users/me", "/delete", "/session", "/signout", "/end")
    return method == "DELETE" or rule.rule.endswith(suffixes)
