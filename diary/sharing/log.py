"""The access log: who saw what of a patient's diary, and when; shown to the patient.

One event per page a physician or a view link opens. Reads through the API are logged
too, but the same reader reading the same thing again within ``COLLAPSE`` is one event, so
a script paging through entries does not bury the pages people opened.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from diary.accounts import iso
from diary.db import fetch_all, write
from diary.i18n.text import gettext as _
from diary.i18n.text import lazy_gettext as _l
from diary.sync import cursors

COLLAPSE = timedelta(minutes=5)

#: What was shown -> the words after "viewed" or "read" in the patient's log.
WHAT = {
    "charts": _l("viewed your charts"),
    # Single days read apart from a page: above all those before the last year, when the
    # charts' "All" asks for them (the charts pages carry one year: diary/charts/reads.py).
    "timeline": _l("read your daily leg and back pain"),
    "summary": _l("viewed your printable summary"),
    "patients": _l(
        "saw you in their list of patients (your last entry, this week's leg pain "
        "and any warning signs)"
    ),
    "entries": _l("read your diary entries"),
    "therapies": _l("read your therapies"),
    "comparison": _l("read a before/after comparison"),
    "responses": _l("read your questionnaire answers"),
    # One subject per table, so the patient knows which file was taken away ("export_csv"
    # alone was every table until 2026-12-07: those events keep their words).
    "export_csv": _l("downloaded your diary as a spreadsheet (CSV)"),
    "export_csv_therapies": _l("downloaded your therapies as a spreadsheet (CSV)"),
    "export_csv_medications": _l("downloaded your medicines as a spreadsheet (CSV)"),
    "export_csv_dose_changes": _l("downloaded your medicines' dose changes as a spreadsheet (CSV)"),
    "export_csv_doses": _l("downloaded your doses taken when needed as a spreadsheet (CSV)"),
    "export_csv_responses": _l("downloaded your questionnaire answers as a spreadsheet (CSV)"),
    "export_fhir": _l("downloaded your diary as a FHIR file for a clinic's records"),
    # Cohort tables (docs/cohorts.md): the page draws each patient's line, with the name on
    # the physician's own screen, and the files carry each patient's numbers without it.
    "cohort": _l(
        "counted you in their table of patients after a therapy (your pain before "
        "and after it, beside other patients')"
    ),
    "cohort_export": _l(
        "downloaded a cohort table or research file that includes your numbers "
        "(without your name, email, notes or dates)"
    ),
}


@dataclass(frozen=True)
class Viewer:
    """Who is looking at ``patient_id``'s diary: a physician or a view link's holder."""

    patient_id: int
    physician_id: int | None = None
    physician_name: str = ""
    link_id: str | None = None

    @property
    def kind(self) -> str:
        return "link" if self.link_id is not None else "physician"


def record(db, viewer: Viewer, what: str, *, collapse=False, now: datetime | None = None):
    """Write one event; with ``collapse``, none when the same viewer saw the same thing of
    the same patient within COLLAPSE. Returns True when an event was written."""
    if what not in WHAT:
        raise ValueError(f"unknown access-log subject {what!r}")
    now = now or datetime.now(UTC)
    with write(db):
        if collapse:
            recent = db.execute(
                "SELECT 1 FROM access_log WHERE patient_id = ? AND physician_id IS ?"
                " AND link_id IS ? AND what = ? AND at > ? LIMIT 1",
                [
                    viewer.patient_id,
                    viewer.physician_id,
                    viewer.link_id,
                    what,
                    iso(now - COLLAPSE),
                ],
            ).fetchone()
            if recent:
                return False
        db.execute(
            "INSERT INTO access_log (physician_id, physician_name, patient_id, what, at,"
            " viewer, link_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                viewer.physician_id,
                viewer.physician_name,
                viewer.patient_id,
                what,
                iso(now),
                viewer.kind,
                viewer.link_id,
            ],
        )
    return True


def describe(event: dict) -> str:
    """The event in words, without its time: "Dr Alex Demo viewed your charts"."""
    what = WHAT.get(event["what"], _l("saw your diary"))
    if event["viewer"] == "link":
        return _("Someone with your view link %(what)s", what=what)
    return _("%(name)s %(what)s", name=event["physician_name"], what=what)


def page(db, patient_id: int, *, limit: int = 50, after=None):
    """The patient's log, newest first, a page at a time: ``(events, next_cursor)``.

    Each event is ``{"id", "at", "viewer": "physician" | "link", "physician_id",
    "physician_name", "link_id", "what", "words"}``. ``after`` is the decoded cursor of
    the previous page ((at, id), ``cursors.decode_log``); ``next_cursor`` is None on the
    last page.
    """
    at, event_id = after or (None, None)
    rows = fetch_all(
        db,
        "SELECT id, at, viewer, physician_id, physician_name, link_id, what FROM access_log"
        " WHERE patient_id = ? AND (? IS NULL OR (at, id) < (?, ?))"
        " ORDER BY at DESC, id DESC LIMIT ?",
        [patient_id, at, at, event_id, limit + 1],
    )
    events = [{**row, "words": describe(row)} for row in rows[:limit]]
    following = None
    if len(rows) > limit:
        last = rows[limit - 1]
        following = cursors.encode_log(last["at"], last["id"])
    return events, following
