// Building the DOM for therapies kept on this phone: the same card the therapy list shows
// (templates/therapies/index.html), the same words for days and kinds, and the fields in
// words for the conflict chooser. No state here. ``kinds`` is {words: {code: "words"},
// courses: Set of codes}, read from the page the server rendered (kindsOf), so the kinds
// have one source: diary/clinical/__init__.py.
import { el } from "./outbox-render.js";
import { intlLocale, lang, t } from "./i18n.js";

const FIELDS = [
  ["kind", t("Kind")],
  ["label", t("Name")],
  ["start_day", t("Start day")],
  ["end_day", t("End day")],
  ["notes", t("Notes")],
];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The kinds as the server rendered them on ``node`` (data-kinds, data-course-kinds). */
export function kindsOf(node) {
  let words = {};
  try {
    words = JSON.parse(node?.dataset.kinds || "{}");
  } catch {
    /* an old cached page: codes stand in for words */
  }
  return { words, courses: new Set((node?.dataset.courseKinds || "").split(" ").filter(Boolean)) };
}

/** "2026-01-05" -> "5 Jan 2026", as the server's day_words filter writes it. */
export function dayText(day) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || "");
  if (!match) return day || "";
  if (lang() === "en") return `${Number(match[3])} ${MONTHS[Number(match[2]) - 1]} ${match[1]}`;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toLocaleDateString(intlLocale(), { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).replace(".", "");
}

/** What a therapy is called on screen: its label, or its kind in words. */
export function therapyName(data, kinds) {
  return data.label || kinds.words[data.kind] || data.kind;
}

/** "from 5 Jan 2026, ongoing", "from 5 Jan 2026 to 1 Mar 2026" or "on 5 Jan 2026". */
export function therapyWhen(data, kinds) {
  if (!kinds.courses.has(data.kind)) return t("on %(day)s", { day: dayText(data.start_day) });
  if (data.end_day) return t("from %(start)s to %(end)s", { start: dayText(data.start_day), end: dayText(data.end_day) });
  return t("from %(start)s, ongoing", { start: dayText(data.start_day) });
}

/** "Physio, twice a week, from 5 Jan 2026, ongoing": one line naming a therapy. */
export function therapyTitle(data, kinds) {
  return `${therapyName(data, kinds)}, ${therapyWhen(data, kinds)}`;
}

/** Where a therapy is edited: its edit page, or, for one the server has never seen, the form as a draft. */
export function editHref(item) {
  const data = item.data || {};
  if (item.record && item.record.known_version === null) {
    return `/therapies/new?kind=${encodeURIComponent(data.kind)}&draft=${encodeURIComponent(item.id)}`;
  }
  return `/therapies/${item.id}/edit`;
}

/** The inside of a therapy's card in the list (the <li> itself is the caller's). */
export function cardContent(item, kinds) {
  const data = item.data;
  const name = therapyName(data, kinds);
  const kindWords = data.label ? `${kinds.words[data.kind] || data.kind}, ` : "";
  return [
    el("h2", { className: "therapy-name" }, name),
    el("p", { className: "muted" }, kindWords + therapyWhen(data, kinds)),
    data.notes ? el("p", { className: "therapy-notes" }, data.notes) : null,
    el(
      "p",
      { className: "therapy-actions" },
      el("a", { className: "button", href: editHref(item) }, t("Edit"), el("span", { className: "visually-hidden" }, ` ${name}`)),
    ),
  ].filter(Boolean);
}

/** A card for a therapy the page the server rendered did not have. */
export function card(item, kinds) {
  return el(
    "li",
    { className: "card", id: `therapy-${item.id}`, dataset: { therapyId: item.id, version: String(item.version ?? ""), startDay: item.data.start_day } },
    ...cardContent(item, kinds),
  );
}

/** What the conflict chooser needs to show a therapy's two versions (outbox-render.js). */
export function therapyFields(kinds) {
  const valueText = (name, value) => {
    if (value === null || value === undefined || value === "") return "—";
    if (name === "kind") return kinds.words[value] || value;
    if (name.endsWith("_day")) return dayText(value);
    return String(value);
  };
  return { Noun: t("Therapy"), fields: FIELDS, valueText };
}
