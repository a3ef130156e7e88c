// Questionnaire responses kept on this phone, in words: the score worked out as the server
// does (the definition's rule, from the page's data-definitions: diary/web/questionnaires.py),
// a title for the lists and the conflict chooser, the card the list shows. No state here.
import { el } from "./outbox-render.js";
import { dayText } from "./therapy-render.js";
import { number, t } from "./i18n.js";

/** The definitions a page carries ({id: {short, rule, item, high, rates, anchored, options}}). */
export function definitionsOf(node) {
  try {
    return JSON.parse(node?.dataset.definitions || "{}");
  } catch {
    return {};
  }
}

// A number as the server writes one (words._number): the page's decimal sign, two decimals at most.
const figure = (value) => (typeof value === "number" ? number(value, { maximumFractionDigits: 2 }) : String(value));

/** The score of ``answers`` by the definition's rule (engine.score on the server). */
export function scoreOf(definition, answers) {
  const values = Object.values(answers || {});
  if (!definition) return null;
  if (definition.rule === "count_true") return values.filter((v) => v === true).length;
  if (definition.rule === "value") return answers?.[definition.item] ?? null;
  return values.reduce((sum, v) => sum + Number(v || 0), 0);
}

/** "12 of 24", "44.4 of 100" ("44,4 de 100" in Spanish), or a rating's words ("Much improved"). */
export function scoreWords(definition, score) {
  if (score === null || score === undefined) return t("not scored");
  if (definition?.rates) return definition.options[String(score)] || String(score);
  const high = definition?.high;
  return t("%(score)s of %(high)s", { score: figure(score), high: high === undefined ? "?" : figure(high) });
}

/** "RMDQ of 5 Jan 2026: 12 of 24": one line naming a response. */
export function responseTitle(data, definitions) {
  const definition = definitions[data.questionnaire];
  const name = definition?.short || data.questionnaire;
  return t("%(name)s of %(day)s: %(score)s", { name, day: dayText(data.day), score: scoreWords(definition, scoreOf(definition, data.answers)) });
}

/** Where a response is changed: its edit page, or its form as a draft when the server has never seen it. */
export function editHref(item) {
  const data = item.data || {};
  if (item.record && item.record.known_version === null) {
    return `/questionnaires/${encodeURIComponent(data.questionnaire)}/new?draft=${encodeURIComponent(item.id)}`;
  }
  return `/questionnaires/responses/${item.id}/edit`;
}

/** The inside of a response's card in the list (the <li> itself is the caller's). */
export function cardContent(item, definitions) {
  const data = item.data;
  const definition = definitions[data.questionnaire];
  const day = dayText(data.day);
  return [
    el(
      "p",
      { className: "response-main" },
      el("span", { className: "response-day" }, day),
      " ",
      el("strong", { className: "response-score" }, scoreWords(definition, scoreOf(definition, data.answers))),
    ),
    el(
      "p",
      { className: "response-actions" },
      el("a", { className: "button", href: editHref(item) }, t("Edit"), el("span", { className: "visually-hidden" }, t(" the %(short)s of %(day)s", { short: definition?.short || "", day }))),
    ),
  ];
}

/** A card for a response the page the server rendered did not have. */
export function card(item, definitions) {
  return el(
    "li",
    { className: "response-card", id: `response-${item.id}`, dataset: { responseId: item.id, version: String(item.version ?? ""), day: item.data.day } },
    ...cardContent(item, definitions),
  );
}

/** What the conflict chooser needs to show a response's two versions (outbox-render.js). */
export function responseFields(definitions) {
  const valueText = (name, value) => {
    if (value === null || value === undefined || value === "") return "—";
    if (name === "questionnaire") return definitions[value]?.short || value;
    if (name === "day") return dayText(value);
    if (name === "answers") return answersText(value, definitions);
    return String(value);
  };
  return {
    Noun: t("Answer"),
    fields: [
      ["questionnaire", t("Questionnaire")],
      ["day", t("Day")],
      ["answers", t("Answers")],
      ["therapy_id", t("Therapy")],
    ],
    valueText,
  };
}

// The answers in words without knowing their questionnaire: the sentences ticked, or each
// answer (a rating's in its words).
function answersText(answers, definitions) {
  const entries = Object.entries(answers || {});
  if (entries.length && entries.every(([, v]) => typeof v === "boolean")) {
    const ticked = entries.filter(([, v]) => v).map(([k]) => k);
    return ticked.length ? t("%(num)s ticked (%(which)s)", { num: ticked.length, which: ticked.join(", ") }) : t("none ticked");
  }
  return entries
    .map(([key, value]) => {
      const rating = Object.values(definitions).find((d) => d.rates && d.item === key && d.options[String(value)]);
      return rating ? rating.options[String(value)] : `${key}: ${figure(value)}`;
    })
    .join("; ");
}
