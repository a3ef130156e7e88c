// Building the DOM for entries kept on this phone: the same card and chips History shows
// (templates/entries/_summary.html, styled by entry.css), and the entry's fields in words
// for the conflict chooser (outbox-render.js). No state here; callers pass plain data.
import { el } from "./outbox-render.js";
import { intlLocale, t, tn } from "./i18n.js";

const FIELDS = [
  ["day", t("Day")],
  ["leg_pain", t("Leg pain")],
  ["back_pain", t("Back pain")],
  ["worst_leg_pain", t("Worst leg pain")],
  ["regions", t("Where it hurt")],
  ["activities", t("Activities")],
  ["sitting_tolerance_min", t("Sitting time")],
  ["walking_tolerance_min", t("Walking time")],
  ["red_flags", t("Warning signs")],
  ["note", t("Note")],
];

/** "2026-03-03" -> "Tuesday 3 March" (with the year when it is not this year). */
export function dayWords(day) {
  if (!day) return t("an unknown day");
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  const options = { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" };
  if (date.getUTCFullYear() !== new Date().getFullYear()) options.year = "numeric";
  return date.toLocaleDateString(intlLocale(), options);
}

/** "leg pain 6, back pain 3" (the scores given). */
export function scoresText(data) {
  return [
    ["leg_pain", (score) => t("leg pain %(score)s", { score })],
    ["back_pain", (score) => t("back pain %(score)s", { score })],
  ]
    .filter(([name]) => data && data[name] !== null && data[name] !== undefined)
    .map(([name, words]) => words(data[name]))
    .join(", ");
}

/** One line naming an entry: "Tuesday 3 March: leg pain 6, back pain 3". */
export function entryTitle(data) {
  const scores = scoresText(data);
  return scores ? t("%(day)s: %(scores)s", { day: dayWords(data.day), scores }) : dayWords(data && data.day);
}

function chip(label, value) {
  return el(
    "span",
    { className: `chip scale-${value}` },
    label,
    el("span", { className: "visually-hidden" }, t(" pain")),
    " ",
    el("strong", {}, String(value)),
  );
}

/** The chips and note of an entry, as the server's summary shows them. */
export function summary(data) {
  const chips = el("p", { className: "chips" });
  if (data.leg_pain !== null && data.leg_pain !== undefined) chips.append(chip(t("Leg"), data.leg_pain));
  if (data.back_pain !== null && data.back_pain !== undefined) chips.append(" ", chip(t("Back"), data.back_pain));
  if (data.worst_leg_pain !== null && data.worst_leg_pain !== undefined) {
    chips.append(" ", el("span", { className: "chip-note" }, t("worst leg pain %(score)s", { score: data.worst_leg_pain })));
  }
  const note = data.note ? el("p", { className: "note-excerpt" }, truncate(data.note, 140)) : null;
  return el("div", { className: "entry-summary" }, chips, note);
}

function truncate(text, length) {
  return text.length > length ? `${text.slice(0, length - 3)}...` : text;
}

/** A History card for an entry (for rows the cached page did not have). */
export function card(item) {
  return el(
    "li",
    { className: "entry-card", id: `entry-${item.id}`, dataset: { entryId: item.id, version: String(item.version ?? "") } },
    summary(item.data),
    el(
      "p",
      { className: "entry-meta" },
      el("span", {}, ""),
      el(
        "a",
        { className: "edit-link", href: `/entries/${item.id}/edit` },
        t("Edit"),
        el("span", { className: "visually-hidden" }, t(" the entry for %(day)s", { day: dayWords(item.data.day) })),
      ),
    ),
  );
}

function valueText(name, value) {
  if (value === null || value === undefined || value === "") return "—";
  if (name === "day") return dayWords(value);
  if (name === "regions") {
    const entries = Object.entries(value);
    if (!entries.length) return "—";
    const pain = entries.filter(([, s]) => s === "pain").length;
    const numb = entries.length - pain;
    return [pain && tn("%(num)s painful area", "%(num)s painful areas", pain), numb && t("%(num)s numb", { num: numb })]
      .filter(Boolean)
      .join(", ");
  }
  if (name === "activities") {
    const entries = Object.entries(value);
    return entries.length ? entries.map(([code, v]) => `${code.replaceAll("_", " ")} ${v}`).join(", ") : "—";
  }
  if (name === "red_flags") return value.length ? t("%(num)s ticked", { num: value.length }) : t("none");
  if (name.endsWith("_min")) return t("%(minutes)s min", { minutes: value });
  return String(value);
}

/** What the conflict chooser needs to show an entry's two versions (outbox-render.js). */
export const ENTRY_FIELDS = { Noun: t("Entry"), fields: FIELDS, valueText };
