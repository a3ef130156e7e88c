"""One generic questionnaire engine: definitions loaded from data, answers checked and scored,
a change between two scores judged against the instrument's own threshold.

Pure: no Flask, no database. A definition is a FHIR ``Questionnaire`` (``url``, ``name``,
``title``, ``status``, ``item[]`` with ``linkId``, ``text``, ``type``, ``answerOption``)
plus a ``diary`` block (docs/questionnaires.md lists its fields). Item types: ``boolean``
(ticked or not), ``choice`` (one of the answer options, whose codes are whole numbers),
``integer`` (a whole number within the item's minValue/maxValue extensions), ``decimal``
(a number within them, with at most the maxDecimalPlaces extension's decimals: an ODI
total worked out with a section skipped is 44.4) and ``display`` (text only). Answers map
each item's linkId to its value, as FHIR does: ``{"1": true, "2": false}``, ``{"1": 2}``,
``{"total": 44.4}``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from diary.i18n.text import format_decimal, language, ngettext
from diary.i18n.text import gettext as _
from diary.rounding import half_up

#: The shipped instruments.
DEFINITIONS = Path(__file__).parent / "definitions"
ITEM_TYPES = {"boolean", "choice", "integer", "decimal", "display"}
RULES = {
    "count_true": "the number of items ticked",
    "sum": "the sum of the answers (a ticked item counts 1)",
    "value": "the answer to one item",
}
#: When an instrument is asked: a card on Today every week, at each follow-up window of a
#: therapy (anchored to it), or entered from elsewhere (a clinic's form).
ASKED = {"weekly", "after_therapy", "entered"}
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
MAX_DECIMAL_PLACES = "http://hl7.org/fhir/StructureDefinition/maxDecimalPlaces"
#: The most decimals a decimal item may allow (a score is shown with as many).
MOST_PLACES = 2
# Thresholds such as "30%" must hold when reached exactly (as in analysis.TOLERANCE).
TOLERANCE = 1e-9


class DefinitionError(ValueError):
    """A definition file that cannot be used, naming the file and the field."""


class AnswerError(ValueError):
    """Answers that do not fit the definition: ``field`` (``answers.3``) and why."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Option:
    value: int
    words: str


@dataclass(frozen=True)
class Item:
    link_id: str
    type: str
    text: str
    required: bool = False
    options: tuple[Option, ...] = ()
    low: int | float | None = None
    high: int | float | None = None
    #: The decimals an answer may have: 0 but for a decimal item.
    places: int = 0

    def words(self, value) -> str | None:
        """The words of a choice's value ("Much improved"), None for other items."""
        return next((o.words for o in self.options if o.value == value), None)


@dataclass(frozen=True)
class Threshold:
    """The important change: ``points`` or ``percent`` of the baseline score (either is
    enough), or, for a rating of change itself, the ``answers`` that are important."""

    points: float | None = None
    percent: float | None = None
    answers: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Definition:
    id: str
    url: str
    version: str
    name: str
    title: str
    short: str
    measures: str
    description: str
    items: tuple[Item, ...]
    rule: str
    scoring_item: str | None
    low: float
    high: float
    better: str
    threshold: Threshold
    asked: str
    prompt: str | None
    source: str
    licence: str
    order: int
    resource: dict = field(repr=False, compare=False)
    #: The language of the instrument's own words (title, items, answers): "en" unless a
    #: complete translation we may ship is in the definition (docs/translations.md).
    language: str = "en"

    @property
    def answerable(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.type != "display")

    @property
    def whole_scores(self) -> bool:
        """True when every score is a whole number (no item may be answered with decimals)."""
        return all(i.type != "decimal" for i in self.answerable)

    @property
    def rates_change(self) -> bool:
        """True when the answer is itself a rating of change (PGIC): nothing to compare
        with a baseline, the answer is important or not."""
        return bool(self.threshold.answers)

    @property
    def anchored(self) -> bool:
        """True when each response is about one therapy (its ``therapy_id`` is required)."""
        return self.asked == "after_therapy"

    @property
    def codes(self) -> list[dict]:
        """The instrument's codings (``Questionnaire.code``: a LOINC panel, say), if any."""
        return [c for c in self.resource.get("code") or () if isinstance(c, dict)]

    def item(self, link_id: str) -> Item:
        return next(i for i in self.items if i.link_id == link_id)


# ---- loading ---------------------------------------------------------------------------


def _need(block: dict, key: str, kind, where: str):
    value = block.get(key)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise DefinitionError(f"{where}: {key} is missing or not a {_kind_words(kind)}")
    return value


def _kind_words(kind) -> str:
    names = {str: "text", int: "whole number", list: "list", dict: "block", bool: "true/false"}
    if isinstance(kind, tuple):
        return " or ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)


def _extension(item: dict, url: str, kinds=("valueInteger",)):
    for extension in item.get("extension") or ():
        if isinstance(extension, dict) and extension.get("url") == url:
            return next((extension[k] for k in kinds if k in extension), None)
    return None


def _is_number(value) -> bool:
    # A Python int is finite however long (math.isfinite would overflow on 10**400).
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return isinstance(value, int) or math.isfinite(value)


def _item(raw, where: str) -> Item:
    if not isinstance(raw, dict):
        raise DefinitionError(f"{where}: must be a block")
    link_id = _need(raw, "linkId", str, where)
    kind = _need(raw, "type", str, where)
    if kind not in ITEM_TYPES:
        raise DefinitionError(f"{where}: type must be one of {', '.join(sorted(ITEM_TYPES))}")
    options = []
    if kind == "choice":
        for n, option in enumerate(_need(raw, "answerOption", list, where)):
            coding = option.get("valueCoding") if isinstance(option, dict) else None
            code = coding.get("code") if isinstance(coding, dict) else None
            if not isinstance(code, str) or not code.lstrip("-").isdigit():
                raise DefinitionError(f"{where}.answerOption.{n}: the code must be a whole number")
            options.append(Option(int(code), _need(coding, "display", str, where)))
        if not options:
            raise DefinitionError(f"{where}: a choice needs answer options")
    places = 0
    if kind == "decimal":
        bounds = ("valueDecimal", "valueInteger")
        low, high = _extension(raw, MIN_VALUE, bounds), _extension(raw, MAX_VALUE, bounds)
        if not _is_number(low) or not _is_number(high) or low > high:
            raise DefinitionError(f"{where}: a decimal item needs minValue <= maxValue extensions")
        places = _extension(raw, MAX_DECIMAL_PLACES)
        if type(places) is not int or not 1 <= places <= MOST_PLACES:
            raise DefinitionError(
                f"{where}: a decimal item needs a maxDecimalPlaces extension of 1 to {MOST_PLACES}"
            )
    else:
        low, high = _extension(raw, MIN_VALUE), _extension(raw, MAX_VALUE)
    if kind == "integer" and (not isinstance(low, int) or not isinstance(high, int) or low > high):
        raise DefinitionError(f"{where}: an integer item needs minValue <= maxValue extensions")
    return Item(
        link_id=link_id,
        type=kind,
        text=_need(raw, "text", str, where),
        required=raw.get("required") is True,
        options=tuple(options),
        low=_whole(low),
        high=_whole(high),
        places=places,
    )


def parse(resource: dict, where: str = "definition") -> Definition:
    """The definition in ``resource`` (a Questionnaire as a dict); DefinitionError naming
    ``where`` and the field when something a generic form or scorer needs is wrong."""
    if not isinstance(resource, dict) or resource.get("resourceType") != "Questionnaire":
        raise DefinitionError(f"{where}: resourceType must be Questionnaire")
    ident = _need(resource, "id", str, where)
    if not ident.isidentifier() or not ident.islower() or len(ident) > 32:
        raise DefinitionError(f"{where}: id must be a short lower-case name like rmdq")
    items = tuple(
        _item(raw, f"{where}: item.{n}")
        for n, raw in enumerate(_need(resource, "item", list, where))
    )
    link_ids = [i.link_id for i in items]
    if len(set(link_ids)) != len(link_ids):
        raise DefinitionError(f"{where}: every item needs its own linkId")
    diary = _need(resource, "diary", dict, where)
    here = f"{where}: diary"
    scoring = _need(diary, "scoring", dict, here)
    rule = _need(scoring, "rule", str, f"{here}.scoring")
    if rule not in RULES:
        raise DefinitionError(f"{here}.scoring: rule must be one of {', '.join(RULES)}")
    scoring_item = scoring.get("item")
    answerable = [i for i in items if i.type != "display"]
    if not answerable:
        raise DefinitionError(f"{where}: a questionnaire needs an item to answer")
    if rule == "value" and scoring_item not in [i.link_id for i in answerable]:
        raise DefinitionError(f"{here}.scoring: item must name an item to answer")
    if rule == "count_true" and any(i.type != "boolean" for i in answerable):
        raise DefinitionError(f"{here}.scoring: count_true needs boolean items only")
    low = _need(scoring, "min", (int, float), f"{here}.scoring")
    high = _need(scoring, "max", (int, float), f"{here}.scoring")
    better = _need(scoring, "better", str, f"{here}.scoring")
    if low >= high or better not in ("lower", "higher"):
        raise DefinitionError(f"{here}.scoring: needs min < max and better lower or higher")
    threshold = _threshold(_need(diary, "important_change", dict, here), f"{here}.important_change")
    asked = _need(diary, "asked", str, here)
    if asked not in ASKED:
        raise DefinitionError(f"{here}: asked must be one of {', '.join(sorted(ASKED))}")
    return Definition(
        id=ident,
        url=_need(resource, "url", str, where),
        version=str(resource.get("version") or "1"),
        name=_need(resource, "name", str, where),
        title=_need(resource, "title", str, where),
        short=_need(diary, "short", str, here),
        measures=_need(diary, "measures", str, here),
        description=str(resource.get("description") or ""),
        items=items,
        rule=rule,
        scoring_item=scoring_item,
        low=low,
        high=high,
        better=better,
        threshold=threshold,
        asked=asked,
        prompt=diary.get("prompt") if isinstance(diary.get("prompt"), str) else None,
        source=_need(diary, "source", str, here),
        licence=_need(diary, "licence", str, here),
        order=diary.get("order") if isinstance(diary.get("order"), int) else 100,
        resource=resource,
    )


def _threshold(raw: dict, where: str) -> Threshold:
    answers = raw.get("answers")
    if answers is not None:
        if not isinstance(answers, list) or not all(
            isinstance(a, int) and not isinstance(a, bool) for a in answers
        ):
            raise DefinitionError(f"{where}: answers must be a list of whole numbers")
        return Threshold(answers=frozenset(answers))
    points, percent = raw.get("points"), raw.get("percent")
    for name, value in (("points", points), ("percent", percent)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise DefinitionError(f"{where}: {name} must be a number")
    if points is None and percent is None:
        raise DefinitionError(f"{where}: needs points, percent or answers")
    return Threshold(points=points, percent=percent)


def load(folder: str | Path) -> dict[str, Definition]:
    """Every ``*.json`` definition in ``folder``, by id, in their ``order`` (then id).

    Refuses (DefinitionError, naming the file) a file that is not JSON, not a usable
    definition, or whose id another file already uses.
    """
    found: dict[str, Definition] = {}
    for path in sorted(Path(folder).glob("*.json")):
        try:
            resource = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeError) as err:
            raise DefinitionError(f"{path.name}: not valid JSON ({err})") from None
        definition = parse(resource, path.name)
        if definition.id in found:
            raise DefinitionError(f"{path.name}: the id {definition.id} is used twice")
        found[definition.id] = definition
    return dict(sorted(found.items(), key=lambda pair: (pair[1].order, pair[0])))


@cache
def _shipped() -> dict[str, Definition]:
    return load(DEFINITIONS)


@cache
def _catalogue_in(code: str) -> dict[str, Definition]:
    return {key: translated(d, code) for key, d in _shipped().items()}


def catalogue() -> dict[str, Definition]:
    """The shipped definitions (``definitions/``), loaded once, in the reader's language
    where a definition carries a translation (English otherwise, and in the exports)."""
    return _catalogue_in(language())


def translated(definition: Definition, code: str) -> Definition:
    """``definition`` in the language ``code`` as far as its ``diary.translations`` block
    says it: our own words (``measures``, ``description``, ``licence``, ``prompt``,
    ``source``) always;
    the instrument's words (``title`` and every item with its answers) only when the block
    translates all of them, which it may only for an instrument whose licence allows it.
    Anything missing stays in English; ``language`` says which the instrument's words are.
    """
    block = ((definition.resource.get("diary") or {}).get("translations") or {}).get(code)
    if not isinstance(block, dict):
        return definition
    ours = {
        name: block[name]
        for name in ("measures", "description", "licence", "prompt", "source")
        if isinstance(block.get(name), str)
    }
    items = block.get("items") or {}
    complete = isinstance(block.get("title"), str) and all(
        isinstance(items.get(i.link_id), dict) and _options_complete(i, items[i.link_id])
        for i in definition.items
    )
    if not complete:
        return replace(definition, **ours)
    return replace(
        definition,
        **ours,
        title=block["title"],
        items=tuple(_translated_item(i, items[i.link_id]) for i in definition.items),
        language=code,
    )


def _options_complete(item: Item, words: dict) -> bool:
    options = words.get("options") or {}
    return isinstance(words.get("text"), str) and all(
        isinstance(options.get(str(o.value)), str) for o in item.options
    )


def _translated_item(item: Item, words: dict) -> Item:
    options = words.get("options") or {}
    return replace(
        item,
        text=words["text"],
        options=tuple(replace(o, words=options[str(o.value)]) for o in item.options),
    )


def get(questionnaire: str) -> Definition:
    """The shipped definition of ``questionnaire``; KeyError for one we do not have."""
    return catalogue()[questionnaire]


# ---- answers -----------------------------------------------------------------------------


def _whole(value):
    # JSON Schema counts 6.0 as an integer (as diary.fields.whole_value does); true is not one.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def check_answers(definition: Definition, answers) -> dict:
    """``answers`` checked against ``definition`` and normalised: every item in the
    definition's order, an unticked boolean item as false (the instrument's own rule:
    a statement left blank does not describe you).

    Refuses (AnswerError naming ``answers.<linkId>``) a value of the wrong type or out of
    range, a missing required answer and an answer to an item the definition lacks.
    """
    if not isinstance(answers, dict):
        raise AnswerError("answers", _("must be an object of answers by item"))
    items = {i.link_id: i for i in definition.answerable}
    for key in answers:
        if key not in items:
            raise AnswerError(
                f"answers.{key}", _("is not an item of the %(short)s", short=definition.short)
            )
    out = {}
    for link_id, item in items.items():
        where = f"answers.{link_id}"
        value = _whole(answers.get(link_id))
        if value is None:
            if item.required:
                raise AnswerError(where, _("is required"))
            if item.type == "boolean":
                out[link_id] = False
            continue
        if item.type == "boolean":
            if not isinstance(value, bool):
                raise AnswerError(where, _("must be true (ticked) or false"))
        elif item.type == "decimal":
            value = _decimal_answer(item, value, where)
        elif isinstance(value, bool) or not isinstance(value, int):
            raise AnswerError(where, _("must be a whole number"))
        elif item.type == "choice" and item.words(value) is None:
            allowed = ", ".join(str(o.value) for o in item.options)
            raise AnswerError(where, _("must be one of %(allowed)s", allowed=allowed))
        elif item.type == "integer" and not item.low <= value <= item.high:
            raise AnswerError(
                where, _("must be from %(low)s to %(high)s", low=item.low, high=item.high)
            )
        out[link_id] = value
    return out


def _decimal_answer(item: Item, value, where: str) -> int | float:
    # A number with at most the item's decimals, in its range (44.4 for an ODI; 44.0 is 44).
    if not _is_number(value):
        raise AnswerError(where, _("must be a number"))
    if round(value, item.places) != value:
        raise AnswerError(
            where,
            ngettext(
                "must be a number with at most %(places)s decimal",
                "must be a number with at most %(places)s decimals",
                item.places,
                places=item.places,
            ),
        )
    if not item.low <= value <= item.high:
        raise AnswerError(
            where,
            _(
                "must be from %(low)s to %(high)s",
                low=format_decimal(item.low),
                high=format_decimal(item.high),
            ),
        )
    return value


def score(definition: Definition, answers: dict) -> int | float | None:
    """The score of checked ``answers`` by the definition's rule; None when the item the
    score is read from was left unanswered."""
    if definition.rule == "count_true":
        return sum(1 for i in definition.answerable if answers.get(i.link_id) is True)
    if definition.rule == "value":
        return answers.get(definition.scoring_item)
    return sum(int(v) if isinstance(v, bool) else v for v in answers.values() if v is not None)


def score_of(questionnaire: str, answers: dict) -> int | float | None:
    """The score of a stored response (None for a questionnaire this server lacks)."""
    definition = catalogue().get(questionnaire)
    return None if definition is None else score(definition, answers)


def answers_schema(definition: Definition) -> dict:
    """The JSON Schema of the answers ``check_answers`` takes (for the OpenAPI document)."""
    properties = {}
    for item in definition.answerable:
        if item.type == "boolean":
            prop = {"type": "boolean"}
        elif item.type == "choice":
            prop = {"type": "integer", "enum": [o.value for o in item.options]}
        elif item.type == "decimal":
            prop = {"type": "number", "minimum": item.low, "maximum": item.high}
            prop["description"] = f"At most {item.places} decimal(s)."
        else:
            prop = {"type": "integer", "minimum": item.low, "maximum": item.high}
        if not item.required:
            # An optional item may be left out or sent as null: both are "not answered"
            # (an RMDQ statement not ticked), as check_answers reads them.
            prop["type"] = [prop["type"], "null"]
            if "enum" in prop:
                prop["enum"] = [*prop["enum"], None]
        properties[item.link_id] = prop
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    required = [i.link_id for i in definition.answerable if i.required]
    if required:
        schema["required"] = required
    return schema


# ---- judging a change ------------------------------------------------------------------


def change(definition: Definition, before: float, after: float) -> dict:
    """How ``after`` compares with ``before`` on an instrument compared with a baseline.

    Returns ``{"points": after - before, "percent": the improvement as a percent of
    before (positive when better; None when before is 0), "direction": "better", "worse"
    or "same", "important": whether the change reaches the threshold (its points or its
    percent, either is enough; boundaries count) in that direction}``. Refuses
    (ValueError) an instrument that rates change itself.
    """
    if definition.rates_change:
        raise ValueError(f"the {definition.short} is a rating of change, not compared")
    points = after - before
    gain = -points if definition.better == "lower" else points
    percent = improvement_percent(definition, before, after)
    limit = definition.threshold
    crosses = (limit.points is not None and abs(gain) >= limit.points - TOLERANCE) or (
        limit.percent is not None
        and percent is not None
        and abs(percent) >= limit.percent - TOLERANCE
    )
    direction = "better" if gain > 0 else "worse" if gain < 0 else "same"
    return {
        "points": _tidy(points),
        "percent": half_up(percent, 1),
        "direction": direction,
        "important": bool(crosses and direction != "same"),
    }


def improvement_percent(definition: Definition, before: float, after: float) -> float | None:
    """The improvement from ``before`` to ``after`` as a percent of ``before``, unrounded:
    positive when better (lower or higher, as the instrument has it); None when before is 0."""
    gain = before - after if definition.better == "lower" else after - before
    return None if before == 0 else 100.0 * gain / abs(before)


def rating(definition: Definition, value: int) -> dict:
    """A rating of change (PGIC) in words: ``{"value", "words", "important"}``;
    important when the answer is one of the threshold's (much or very much improved)."""
    item = definition.item(definition.scoring_item)
    return {
        "value": value,
        "words": item.words(value),
        "important": value in definition.threshold.answers,
    }


def _tidy(number: float) -> int | float:
    # Whole numbers stay so (9, not 9.0), others get two decimals at most: 34.4 - 44.4 is
    # -10.000000000000004 in floating point, and is -10 points.
    if isinstance(number, float) and math.isfinite(number):
        number = half_up(number, 2)
        return int(number) if number.is_integer() else number
    return int(number)
