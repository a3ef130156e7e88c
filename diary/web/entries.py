"""The daily entry pages: today's form, history, edit and delete; all work without JavaScript.

Every write goes through ``store.change``, the same path and rules as the JSON API and sync.
The form's field names are the API's (listed at the top of static/js/entry-form.js), so the
offline outbox can queue exactly what the form holds.
"""

import datetime as dt
import itertools
import re
import uuid
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from diary import clinical, inputs
from diary.access import allow
from diary.clinical import comparison, regions
from diary.days import EARLIEST_DAY, latest_allowed_day, parse_day
from diary.db import get_db
from diary.errors import ApiError
from diary.i18n.text import format_date
from diary.i18n.text import gettext as _
from diary.i18n.text import lazy_gettext as _l
from diary.medications import records as medication_records
from diary.schemas import EntryCreate, EntryData, EntryUpdate, validate
from diary.sync import cursors, merge, queries, store
from diary.web.questionnaires import today_cards

bp = Blueprint("entries", __name__)

SCORES = ("leg_pain", "back_pain", "worst_leg_pain")
MINUTES = ("sitting_tolerance_min", "walking_tolerance_min")
HISTORY_PAGE = 30
# A form field holds at most a nine-digit number: anything longer is refused as a word would
# be, before int() is asked to parse a megabyte of digits. ASCII digits only ("²" is not 2).
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,9}")
LABELS = {
    "day": _l("Day"),
    "leg_pain": _l("Leg pain"),
    "back_pain": _l("Back pain"),
    "worst_leg_pain": _l("Worst leg pain"),
    "regions": _l("Body map"),
    "activities": _l("Activities"),
    "sitting_tolerance_min": _l("Sitting time"),
    "walking_tolerance_min": _l("Walking time"),
    "red_flags": _l("Warning signs"),
    "note": _l("Note"),
}
BAD_PAGE_LINK = _l(
    "This link to a page of your history is not one we made (perhaps it was cut short). "
    "Open History again to start from your newest entries."
)
STALE_FORM = _l(
    "This form was saved already, then changed. To change that entry, open it from History; "
    "to log another entry, tap Save again."
)


def patient_zone() -> dt.tzinfo:
    """The signed-in patient's time zone (UTC when the stored name is not one we know)."""
    try:
        return ZoneInfo(getattr(current_user, "time_zone", "UTC"))
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return dt.UTC


def local_today() -> dt.date:
    """Today's date where the patient is."""
    return dt.datetime.now(patient_zone()).date()


@bp.app_template_filter("long_day")
def long_day(day) -> str:
    """``"2026-03-03"`` -> ``"Tuesday 3 March"`` ("martes, 3 de marzo"), with the year when
    it is not this year."""
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    if day.year == local_today().year:
        # Translators: a day this year, in Babel's date pattern language.
        return format_date(day, _("EEEE d MMMM"))
    # Translators: a day of another year, in Babel's date pattern language.
    return format_date(day, _("EEEE d MMMM y"))


@bp.app_template_filter("short_day")
def short_day(day) -> str:
    """``"2026-03-03"`` -> ``"3 Mar"`` (for the corner of a card)."""
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    # Translators: a day without its year, in Babel's date pattern language.
    return format_date(day, _("d MMM"))


def _number(text, field, problems):
    # Empty means unanswered (None); a word where a number goes is named in ``problems`` and
    # passed on as text so the schema refuses it too.
    if text == "":
        return None
    if WHOLE_NUMBER.fullmatch(text):
        return int(text)
    problems[field] = _("must be a whole number")
    return text


def read_form(form):
    """Read a posted entry form: return ``(values, data, problems)``.

    ``values`` is what the patient sent, as text, to show again; ``data`` is the dict for
    ``EntryCreate``/``EntryUpdate`` (empty text -> None, whole numbers parsed, the body map's
    two checkbox lists -> ``regions``); ``problems`` maps the fields that could not be
    converted (a word in a number field, a tampered body-map code) to a message. Neither
    ``id`` nor ``base_version`` is put in ``data``: the caller adds the one its model takes.
    """
    values = {name: form.get(name, "").strip() for name in ("id", "base_version", "day")}
    values.update({name: form.get(name, "").strip() for name in (*SCORES, *MINUTES)})
    # Browsers post line breaks as CRLF; count them as one character, as the textarea does.
    values["note"] = form.get("note", "").replace("\r\n", "\n")
    values["activities"] = {
        key.removeprefix("activities."): form[key].strip()
        for key in form
        if key.startswith("activities.") and form[key].strip()
    }
    values["red_flags"] = form.getlist("red_flags")
    problems = {}
    pain, numb = form.getlist("pain_regions"), form.getlist("numb_regions")
    try:
        values["regions"] = regions.selection_from_form(pain, numb)
    except ValueError:
        problems["regions"] = _("has an area we do not know: tick the areas again")
        values["regions"] = regions.selection_from_form(
            [c for c in pain if c in regions.CODES], [c for c in numb if c in regions.CODES]
        )
    data = {name: _number(values[name], name, problems) for name in (*SCORES, *MINUTES)}
    data["activities"] = {
        code: _number(text, f"activities.{code}", problems)
        for code, text in values["activities"].items()
    }
    if values["day"]:
        data["day"] = values["day"]
    data.update(regions=values["regions"], red_flags=values["red_flags"], note=values["note"])
    return values, data, problems


def _sentence(field, message):
    # "activities.walking" -> "Walking must be at most 4"; a message that is not a predicate
    # ("give a leg pain or a back pain score") follows a colon.
    head, _dot, code = field.partition(".")
    label = clinical.said(clinical.ACTIVITIES).get(code) if head == "activities" else None
    label = label or LABELS.get(head)
    if label is None:
        return message[:1].upper() + message[1:]
    # The schema's messages are predicates ("must be at most 4") or sentences of their own,
    # in English and in every translation alike (docs/translations.md).
    if message.split(" ", 1)[0] in (_("is"), _("must"), _("has"), "is", "must", "has"):
        return _("%(field)s %(problem)s", field=label, problem=message)
    return _("%(field)s: %(problem)s", field=label, problem=message)


def validate_form(model, data, problems):
    """Return ``(entry, errors)``: the validated model, or None and ``{field: sentence}``.

    Nothing is refused half-way: any problem refuses the whole entry.
    """
    problems = {**_after_today(data.get("day")), **problems}
    try:
        entry = validate(model, data, strict=False)
    except ApiError as err:
        fields = {**err.fields, **problems}
        if data.get("leg_pain") is None and data.get("back_pain") is None:
            # pydantic skips the whole-entry rule while a field is wrong; ask the schema for
            # it on its own, so every problem shows at once.
            try:
                validate(EntryData, {"day": EARLIEST_DAY.isoformat()})
            except ApiError as rule:
                fields = {**rule.fields, **fields}
    else:
        if not problems:
            return entry, {}
        fields = problems
    return None, {field: _sentence(field, message) for field, message in fields.items()}


def _after_today(day) -> dict:
    # The form offers days up to the patient's today (its field's max); a later one, typed
    # past it, is a slip. The API takes any day begun somewhere on Earth, since a phone may
    # live in another zone than its account, but a form is filled in the account's.
    try:
        later = parse_day(day) > local_today()
    except ValueError:
        return {}  # not a day: the schema names what is wrong with it
    return {"day": _("is in the future; you can log today or earlier days")} if later else {}


def entry_values(entry):
    """An entry (API JSON, possibly partial) as form values: the shape ``read_form`` gives."""
    values = {
        name: "" if entry.get(name) is None else str(entry[name])
        for name in ("day", *SCORES, *MINUTES)
    }
    values.update(
        id="",
        base_version=str(entry.get("version", "")),
        note=entry.get("note", ""),
        regions=dict(entry.get("regions") or {}),
        activities={code: str(v) for code, v in (entry.get("activities") or {}).items()},
        red_flags=list(entry.get("red_flags") or []),
    )
    return values


def blank_values():
    """An empty form for a new entry: today's date and a fresh id (a resent form is one row)."""
    values = entry_values({"day": local_today().isoformat()})
    values["id"] = str(uuid.uuid4())
    return values


def _chosen_day(values) -> dt.date:
    # The form's day when it is one an entry may have, else today: a refused day (year 1,
    # 9999-12-31) must still let the form be shown again, and has no day before it to copy.
    try:
        return parse_day(values["day"], last=latest_allowed_day())
    except ValueError:
        return local_today()


def copy_source(day: dt.date):
    """What "Same as yesterday" copies for ``day``: the latest entry before it, or None."""
    before = (day - dt.timedelta(days=1)).isoformat()
    latest = queries.latest_entry(get_db(), current_user.id, before_day=before)
    if latest is None:
        return None
    return {key: latest[key] for key in ("day", "regions", "activities")}


def summary(entry):
    """Return what a list shows of an entry (API JSON; ``created_at`` may be missing).

    A dict: the three scores, ``reach`` (how far down the pain goes, in words, or None when
    no area is marked), ``numb`` (how many areas are numb), ``limits`` ([(activity, words)]
    for limits of 3-4), ``red_flags`` (their texts), ``logged_on`` (the local day it was
    written when that is after its day, else None) and ``time`` (the local time written).
    """
    marked = entry.get("regions") or {}
    level = regions.most_distal_level(marked)
    logged_on, time = None, None
    if entry.get("created_at"):
        created = dt.datetime.fromisoformat(entry["created_at"].replace("Z", "+00:00"))
        created = created.astimezone(patient_zone())
        if created.date().isoformat() > entry["day"]:
            logged_on = created.date()
        else:
            time = f"{created:%H:%M}"
    return {
        "leg": entry.get("leg_pain"),
        "back": entry.get("back_pain"),
        "worst": entry.get("worst_leg_pain"),
        "reach": _(regions.BAND_WORDS[regions.band(level)]) if marked else None,
        "numb": sum(1 for state in marked.values() if state == "numb"),
        "limits": [
            (_(clinical.ACTIVITIES[code]), _(clinical.LIMIT_WORDS[v]).lower())
            for code, v in (entry.get("activities") or {}).items()
            if v >= 3
        ],
        "red_flags": [_(clinical.RED_FLAGS[code]) for code in entry.get("red_flags") or []],
        "logged_on": logged_on,
        "time": time,
    }


def _flash_saved(entry, changed=False):
    scores = []
    if entry["leg_pain"] is not None:
        scores.append(_("leg pain %(score)s", score=entry["leg_pain"]))
    if entry["back_pain"] is not None:
        scores.append(_("back pain %(score)s", score=entry["back_pain"]))
    reach = summary(entry)["reach"]
    words = {"day": long_day(entry["day"]), "scores": ", ".join(scores), "reach": reach}
    if changed and reach:
        text = _("Saved your changes for %(day)s: %(scores)s; %(reach)s.", **words)
    elif changed:
        text = _("Saved your changes for %(day)s: %(scores)s.", **words)
    elif reach:
        text = _("Saved for %(day)s: %(scores)s; %(reach)s.", **words)
    else:
        text = _("Saved for %(day)s: %(scores)s.", **words)
    flash(text, "success")
    if entry["red_flags"]:
        # Shown again after the redirect, so a patient without JavaScript sees it too.
        flash(_(clinical.RED_FLAG_ADVICE), "error")


def _render_form(template, values, errors=None, **context):
    return render_template(
        template,
        values=values,
        errors=errors or {},
        regions_catalogue=regions.REGIONS,
        activities=clinical.said(clinical.ACTIVITIES),
        limit_words=clinical.said(clinical.LIMIT_WORDS),
        red_flags=clinical.said(clinical.RED_FLAGS),
        red_flag_advice=_(clinical.RED_FLAG_ADVICE),
        max_day=local_today().isoformat(),
        **context,
    )


def logged_today():
    """Today's live entries (in the patient's time zone), oldest first, with their summaries."""
    today = local_today().isoformat()
    entries, _next = queries.list_entries(get_db(), current_user.id, day_from=today, day_to=today)
    return [(entry, summary(entry)) for entry in reversed(entries)]


def _render_today(values, errors=None, status=None, as_needed_problem=None):
    # Read before the entries, as History does (the page's script compares it).
    seq = queries.last_seq(get_db(), current_user.id)
    logged = logged_today()
    return _render_form(
        "entries/today.html",
        values,
        errors,
        copy=copy_source(_chosen_day(values)),
        status=status,
        logged=logged,
        seq=seq,
        # The day the page was made for (the account's today): a phone on another day draws
        # its own (static/js/today-view.js).
        page_day=local_today().isoformat(),
        # Another entry for today is a choice: the form opens by itself only when it holds
        # what the patient typed (a refused save, "same as yesterday" without JavaScript).
        form_open=not logged or bool(errors) or bool(status),
        questionnaire_cards=today_cards(get_db(), current_user.id, local_today()),
        as_needed=medication_records.as_needed_today(
            get_db(), current_user.id, today=local_today()
        ),
        as_needed_problem=as_needed_problem,
    )


def today_page(as_needed_problem=None):
    """Today as it opens, with ``as_needed_problem`` (``{"medication_id", "message"}``: why
    a "Took one" recorded nothing) said in the block of medicines taken when needed."""
    return _render_today(blank_values(), as_needed_problem=as_needed_problem)


@bp.route("/today", methods=["GET", "POST"])
@allow("patient")
def today():
    if request.method == "GET":
        return _render_today(blank_values())
    values, data, problems = read_form(request.form)
    if request.form.get("action") == "same_as_yesterday":
        return _copy_yesterday(values)
    data["id"] = values["id"] or None
    entry, errors = validate_form(EntryCreate, data, problems)
    if errors:
        return _render_today(values, errors), 422
    outcome = store.change(get_db(), current_user.id, "entry", entry.id, None, False, entry)
    if outcome.status in (merge.CONFLICT, merge.REJECTED):
        # The back button brought back a saved form (or its id is not ours): keep what was
        # typed and give it a new id, so the next Save makes a new entry.
        values["id"] = str(uuid.uuid4())
        return _render_today(values, {"form": STALE_FORM}), 409
    _flash_saved(outcome.row)
    return redirect(url_for("entries.today"))


def _copy_yesterday(values):
    """The no-JavaScript "Same as yesterday": the form again, with the body map and the
    activities of the latest entry before the chosen day; nothing is saved."""
    source = copy_source(_chosen_day(values))
    if source is None:
        status = _("There is no earlier entry to copy yet.")
    else:
        values["regions"] = dict(source["regions"])
        values["activities"] = {code: str(v) for code, v in source["activities"].items()}
        status = _(
            "Copied where it hurt and your activities from %(day)s. "
            "Choose your two scores, then tap Save.",
            day=long_day(source["day"]),
        )
    return _render_today(values, status=status)


def _own_entry(entry_id):
    """The patient's live entry, or a 404 (another patient's entry is not found either)."""
    entry = queries.get(get_db(), "entry", current_user.id, entry_id)
    if entry is None:
        abort(404)
    return entry


def _render_edit(entry, values, errors=None, conflict=None):
    return _render_form("entries/edit.html", values, errors, entry=entry, conflict=conflict)


@bp.route("/entries/<uuid:entry_id>/edit", methods=["GET", "POST"])
@allow("patient")
def edit(entry_id):
    db = get_db()
    current = queries.get(db, "entry", current_user.id, entry_id, include_deleted=True)
    if current is None:
        abort(404)
    if current["deleted"]:
        flash(_("This entry was deleted, perhaps on another device. Nothing was changed."), "error")
        return redirect(url_for("entries.history"))
    if request.method == "GET":
        return _render_edit(current, entry_values(current))
    values, data, problems = read_form(request.form)
    data["base_version"] = _number(values["base_version"], "base_version", problems)
    entry, errors = validate_form(EntryUpdate, data, problems)
    if errors:
        return _render_edit(current, values, errors), 422
    outcome = store.change(
        db, current_user.id, "entry", current["id"], entry.base_version, False, entry
    )
    if outcome.status == merge.CONFLICT:
        # Show the server's copy to edit again, and what the patient had typed, so nothing is
        # lost without them seeing it.
        mine = entry.model_dump(mode="json")
        conflict = {"entry": mine, "summary": summary(mine)}
        return _render_edit(outcome.row, entry_values(outcome.row), conflict=conflict), 409
    if outcome.status == merge.REJECTED:
        errors = {"form": _("This form is out of date. Open the entry again from History.")}
        return _render_edit(current, values, errors), 422
    _flash_saved(outcome.row, changed=True)
    return redirect(url_for("entries.history", _anchor=f"entry-{current['id']}"))


@bp.post("/entries/<uuid:entry_id>/delete")
@allow("patient")
def delete(entry_id):
    """First the confirmation page; with ``confirm=yes``, the deletion (a tombstone)."""
    current = _own_entry(entry_id)
    if request.form.get("confirm") != "yes":
        return render_template("entries/delete.html", entry=current, summary=summary(current))
    try:
        base = inputs.whole_number(request.form.get("base_version", ""), "base_version", low=1)
    except inputs.BadInput:
        base = current["version"]  # a form without its version deletes what was shown
    outcome = store.change(get_db(), current_user.id, "entry", current["id"], base, True, None)
    if outcome.status not in (merge.APPLIED, merge.DUPLICATE):
        flash(
            _(
                "This entry changed on another device before you deleted it. Here it is as it "
                "is now; delete it again if you still want to."
            ),
            "error",
        )
        return redirect(url_for("entries.edit", entry_id=current["id"]))
    flash(_("Deleted the entry for %(day)s.", day=long_day(current["day"])), "success")
    return redirect(url_for("entries.history"))


@bp.get("/history")
@allow("patient")
def history():
    cursor = request.args.get("after", "")
    after = cursors.decode_page(cursor) if cursor else None
    if cursor and after is None:
        abort(400, BAD_PAGE_LINK)
    db = get_db()
    # Read before the list: the page holds at least the changes up to it (history-view.js
    # adds this phone's synced rows only when the phone has pulled later ones, outbox.js).
    seq = queries.last_seq(db, current_user.id)
    entries, next_cursor = queries.list_entries(
        db, current_user.id, limit=HISTORY_PAGE, after=after
    )
    week = None
    if not cursor:
        today = local_today()
        recent, _next = queries.list_entries(
            db,
            current_user.id,
            day_from=(today - dt.timedelta(days=13)).isoformat(),
            day_to=today.isoformat(),
        )
        week = comparison.week_on_week(recent, today)
    days = [
        (day, [(entry, summary(entry)) for entry in group])
        for day, group in itertools.groupby(entries, key=lambda e: e["day"])
    ]
    return render_template(
        "entries/history.html",
        days=days,
        next_cursor=next_cursor,
        first_page=not cursor,
        week=week,
        seq=seq,
    )
