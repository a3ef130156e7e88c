"""Questionnaire pages: what is due and what was answered, one generic form for every
instrument (drawn from its definition), edit and delete; all work without JavaScript.

Writes go through ``store.change`` like every other synced kind. With JavaScript the
forms queue into the outbox instead (static/js/response-queue.js), so an answer given
offline reaches the server exactly once. The cards on Today come from ``today_cards``.
"""

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from diary import inputs
from diary.access import allow
from diary.clinical import comparison, comparison_words
from diary.db import get_db
from diary.errors import ApiError
from diary.i18n.text import format_decimal
from diary.i18n.text import gettext as _
from diary.i18n.text import lazy_gettext as _l
from diary.questionnaires import engine, schedule, words
from diary.questionnaires.schemas import ResponseCreate, ResponseUpdate
from diary.schemas import validate
from diary.sync import merge, queries, store
from diary.web import safe_next

bp = Blueprint("questionnaires", __name__, url_prefix="/questionnaires")
bp.add_app_template_filter(comparison_words.day_words, "day_words")

STALE_FORM = _l(
    "This form was saved already. To change that answer, open it from the list of your "
    "questionnaires; to answer again, tap Save again."
)
#: How long the browser keeps the cookie of dismissed cards (its keys expire by themselves).
REMINDER_COOKIE_DAYS = 400


def _today():
    return comparison.patient_today(current_user.time_zone)


def _definition(questionnaire):
    definition = engine.catalogue().get(questionnaire)
    if definition is None:
        abort(404)
    return definition


def _dismissed():
    return schedule.dismissed(request.cookies.get(schedule.COOKIE), current_user.id)


def today_cards(db, patient_id: int, today) -> dict:
    """The questionnaire cards of Today: ``{"weekly": [card], "follow_ups": [card]}``.

    A weekly card is ``schedule.weekly``'s with its ``definition``, always listed (hidden
    unless due) so that a page kept offline can show it once it falls due
    (static/js/questionnaire-cards.js); a follow-up card is ``schedule.follow_ups``'.
    """
    responses = queries.list_responses(db, patient_id)
    therapies = queries.list_therapies(db, patient_id)
    keys = _dismissed()
    weekly, follow_ups = [], []
    for definition in engine.catalogue().values():
        if definition.asked == "weekly":
            card = schedule.weekly(definition, responses, today, keys)
            weekly.append({**card, "definition": definition})
        elif definition.asked == "after_therapy":
            for card in schedule.follow_ups(definition, therapies, responses, today, keys):
                follow_ups.append({**card, "definition": definition})
    return {"weekly": weekly, "follow_ups": follow_ups}


def _client_definitions():
    """What the scripts need to show a response saved on this phone (its score in words)."""
    return {
        d.id: {
            "short": d.short,
            "title": d.title,
            "rule": d.rule,
            "item": d.scoring_item,
            "high": d.high,
            "rates": d.rates_change,
            "anchored": d.anchored,
            "options": {
                str(o.value): o.words for i in d.answerable for o in i.options if i.type == "choice"
            },
        }
        for d in engine.catalogue().values()
    }


@bp.get("/")
@allow("patient")
def index():
    db = get_db()
    # Read before the list: the page's script compares it with the phone's sync cursor.
    seq = queries.last_seq(db, current_user.id)
    responses = queries.list_responses(db, current_user.id)
    therapies = {t["id"]: t for t in queries.list_therapies(db, current_user.id)}
    today = _today()
    sections = []
    for definition in engine.catalogue().values():
        mine = [r for r in responses if r["questionnaire"] == definition.id]
        sections.append(
            {
                "definition": definition,
                "responses": [
                    {
                        **r,
                        "words": words.score_words(definition, r["score"]),
                        "therapy": therapies.get(r["therapy_id"]),
                    }
                    for r in reversed(mine)
                ],
            }
        )
    return render_template(
        "questionnaires/index.html",
        seq=seq,
        sections=sections,
        cards=today_cards(db, current_user.id, today),
        client_definitions=_client_definitions(),
        therapy_name=comparison_words.therapy_name,
    )


# ---- the form ------------------------------------------------------------------------------


def read_form(form, definition) -> tuple[dict, dict, dict]:
    """A posted questionnaire form: ``(values, data, problems)``.

    ``values`` is what was sent, as text, to show again; ``data`` the dict for
    ``ResponseCreate``/``ResponseUpdate`` (a ticked box true, an unticked one left out,
    numbers parsed, "44,4" as 44.4); ``problems`` the answers that are not numbers.
    """
    values = {name: form.get(name, "").strip() for name in ("id", "base_version", "day")}
    values["therapy_id"] = form.get("therapy_id", "").strip()
    answers, problems, shown = {}, {}, {}
    for item in definition.answerable:
        name = f"answers.{item.link_id}"
        text = form.get(name, "").strip()
        shown[item.link_id] = text
        if item.type == "boolean":
            if text:
                answers[item.link_id] = True
        elif text and item.type == "decimal":
            try:
                answers[item.link_id] = inputs.typed_number(text, name)
            except inputs.BadInput as err:
                problems[name] = err.message
        elif text:
            try:
                answers[item.link_id] = inputs.whole_number(text, name)
            except inputs.BadInput:
                problems[name] = _("must be a whole number")
    values["answers"] = shown
    data = {"questionnaire": definition.id, "answers": answers}
    if values["day"]:
        data["day"] = values["day"]
    data["therapy_id"] = values["therapy_id"] or None
    return values, data, problems


def _sentence(definition, field, message) -> str:
    # "answers.total" -> "The total must be from 0 to 100."; "answers.1" (a choice left
    # empty) -> "Choose one answer."
    if field == "form":
        return message
    if field == "therapy_id":
        if message == _("must be one of your therapies"):
            return _("The therapy chosen is not in your diary. Choose one of your therapies.")
        return _("Choose the therapy this answer is about.")
    if field.startswith("answers."):
        link_id = field.removeprefix("answers.")
        item = next((i for i in definition.answerable if i.link_id == link_id), None)
        if item is not None and message == _("is required"):
            return _("Choose one answer.") if item.type == "choice" else _("Give a number.")
        if item is not None and item.type == "boolean":
            return _("Sentence %(number)s %(problem)s.", number=link_id, problem=message)
        return _("This %(problem)s.", problem=message)
    if field == "day":
        return _("The day %(problem)s.", problem=message)
    return f"{field} {message}."


def _validated(model, data, problems, definition):
    try:
        valid = validate(model, data, strict=False)
        errors = problems
    except ApiError as err:
        valid, errors = None, {**err.fields, **problems}
    if not errors:
        return valid, {}
    return None, {name: _sentence(definition, name, words) for name, words in errors.items()}


def _refused_field(outcome) -> bool:
    # Valid on its own, refused against the diary (a therapy that is not the patient's).
    return outcome.status == merge.REJECTED and outcome.error["code"] == "invalid"


def _refusal(definition, outcome) -> dict:
    fields = outcome.error["fields"]
    return {name: _sentence(definition, name, words) for name, words in fields.items()}


def _render_form(definition, values, errors=None, *, response=None, status=200, therapy=None):
    therapies = queries.list_therapies(get_db(), current_user.id)
    chosen = therapy or next((t for t in therapies if t["id"] == values.get("therapy_id")), None)
    return render_template(
        "questionnaires/form.html",
        definition=definition,
        values=values,
        errors=errors or {},
        response=response,
        therapies=therapies,
        prompt=schedule.prompt(definition, chosen) if definition.anchored and chosen else None,
        therapy_name=comparison_words.therapy_name,
        max_day=_today().isoformat(),
    ), status


def _blank(definition, therapy_id):
    return {
        "id": str(uuid.uuid4()),
        "base_version": "",
        "day": _today().isoformat(),
        "therapy_id": therapy_id or "",
        "answers": {},
    }


def _saved(definition, row):
    said = words.score_words(definition, row["score"])
    day = comparison_words.day_words(row["day"])
    flash(
        _(
            "Saved your %(short)s for %(day)s: %(said)s.",
            short=definition.short,
            day=day,
            said=said,
        ),
        "success",
    )


@bp.route("/<questionnaire>/new", methods=["GET", "POST"])
@allow("patient")
def new(questionnaire):
    definition = _definition(questionnaire)
    if request.method == "GET":
        therapy_id = request.args.get("therapy", "")
        therapy = queries.get(get_db(), "therapy", current_user.id, therapy_id)
        values = _blank(definition, therapy["id"] if therapy else None)
        return _render_form(definition, values, therapy=therapy)
    values, data, problems = read_form(request.form, definition)
    data["id"] = values["id"] or None
    valid, errors = _validated(ResponseCreate, data, problems, definition)
    if errors:
        return _render_form(definition, values, errors, status=422)
    outcome = store.change(get_db(), current_user.id, "response", valid.id, None, False, valid)
    if _refused_field(outcome):
        return _render_form(definition, values, _refusal(definition, outcome), status=422)
    if outcome.status in (merge.CONFLICT, merge.REJECTED):
        # The back button brought back a saved form: keep the answers, give them a new id.
        values["id"] = str(uuid.uuid4())
        return _render_form(definition, values, {"form": STALE_FORM}, status=409)
    _saved(definition, outcome.row)
    return redirect(url_for("questionnaires.index"))


def _own_response(object_id):
    """The patient's live response and its definition, or 404 (another patient's too)."""
    response = queries.get(get_db(), "response", current_user.id, str(object_id))
    if response is None:
        abort(404)
    return response, _definition(response["questionnaire"])


def _answer_text(value) -> str:
    # An answer as its field shows it: a ticked box "yes", 44.4 as the language writes it.
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        return format_decimal(value, "0.##")
    return str(value)


def _values(response):
    return {
        "id": "",
        "base_version": str(response["version"]),
        "day": response["day"],
        "therapy_id": response["therapy_id"] or "",
        "answers": {k: _answer_text(v) for k, v in response["answers"].items()},
    }


@bp.route("/responses/<uuid:object_id>/edit", methods=["GET", "POST"])
@allow("patient")
def edit(object_id):
    current, definition = _own_response(object_id)
    if request.method == "GET":
        return _render_form(definition, _values(current), response=current)
    values, data, problems = read_form(request.form, definition)
    data["base_version"] = values["base_version"] or None
    if data["base_version"] is not None:
        try:
            data["base_version"] = inputs.whole_number(values["base_version"], "base_version")
        except inputs.BadInput:
            problems["form"] = _("This form is out of date. Open the answer again from the list.")
    valid, errors = _validated(ResponseUpdate, data, problems, definition)
    if errors:
        return _render_form(definition, values, errors, response=current, status=422)
    outcome = store.change(
        get_db(), current_user.id, "response", current["id"], valid.base_version, False, valid
    )
    if outcome.status == merge.CONFLICT:
        message = _(
            "This answer was changed on another device while you were editing. The form "
            "now shows the saved version: make your change again."
        )
        row = outcome.row
        return _render_form(definition, _values(row), {"form": message}, response=row, status=409)
    if _refused_field(outcome):
        errors = _refusal(definition, outcome)
        return _render_form(definition, values, errors, response=current, status=422)
    if outcome.status == merge.REJECTED:
        abort(404)
    _saved(definition, outcome.row)
    return redirect(url_for("questionnaires.index"))


@bp.route("/responses/<uuid:object_id>/delete", methods=["GET", "POST"])
@allow("patient")
def delete(object_id):
    current, definition = _own_response(object_id)
    if request.method == "GET":
        return render_template(
            "questionnaires/delete.html",
            response=current,
            definition=definition,
            said=words.score_words(definition, current["score"]),
        )
    base = current["version"]
    store.change(get_db(), current_user.id, "response", current["id"], base, True, None)
    day = comparison_words.day_words(current["day"])
    flash(_("Deleted your %(short)s of %(day)s.", short=definition.short, day=day), "success")
    return redirect(url_for("questionnaires.index"))


@bp.post("/dismiss")
@allow("patient")
def dismiss():
    """A card on Today set aside: a weekly one for a week, a follow-up for its window.

    Kept in a cookie of this browser (static/js/questionnaire-cards.js writes the same
    cookie offline); nothing is stored on the server.
    """
    definition = engine.catalogue().get(request.form.get("questionnaire", ""))
    today = _today()
    key = None
    if definition is not None and definition.asked == "weekly":
        key = schedule.weekly_key(definition, today)
    elif definition is not None and definition.anchored:
        therapy = queries.get(get_db(), "therapy", current_user.id, request.form.get("therapy", ""))
        window = schedule.current_window(therapy, today) if therapy else None
        if window is not None:
            key = schedule.follow_up_key(definition, therapy["id"], window[0])
    response = redirect(safe_next("entries.today"))
    if key is None:
        return response  # nothing (left) to set aside: the card is gone already
    value = schedule.with_key(request.cookies.get(schedule.COOKIE), current_user.id, key, today)
    response.set_cookie(
        schedule.COOKIE,
        value,
        max_age=REMINDER_COOKIE_DAYS * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure,
        httponly=False,  # the page's script reads and writes it offline; no secret in it
    )
    return response
