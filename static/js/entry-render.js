// Building the DOM for entries kept on this phone: the same card and chips History shows
// (templates/entries/_summary.html, styled by entry.css), and the entry's fields in words
// for the conflict chooser (outbox-render.js). No state here; callers pass plain data.
import { el } from "./outbox-render.js";

const FIELDS = [
  ["day", "Day"],
  ["leg_pain", "Leg pain"],
  ["back_pain", "Back pain"],
  ["worst_leg_pain", "Worst leg pain"],
  ["regions", "Where it hurt"],
  ["activities", "Activities"],
  ["sitting_tolerance_min", "Sitting time"],
  ["walking_tolerance_min", "Walking time"],
  ["red_flags", "Warning signs"],
  ["note", "Note"],
];

/** "2026-03-03" -> "Tuesday 3 March" (with the year when it is not this year). */
export function dayWords(day) {
  if (!day) return "an unknown day";
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  const options = { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" };
  if (date.getUTCFullYear() !== new Date().getFullYear()) options.year = "numeric";
  return date.toLocaleDateString("en-GB", options);
}

/** "leg pain 6, back pain 3" (the scores given). */
export function scoresText(data) {
  return [
    ["leg_pain", "leg pain"],
    ["back_pain", "back pain"],
  ]
    .filter(([name]) => data && data[name] !== null && data[name] !== undefined)
    .map(([name, words]) => `${words} ${data[name]}`)
    .join(", ");
}

/** One line naming an entry: "Tuesday 3 March: leg pain 6, back pain 3". */
export function entryTitle(data) {
  const scores = scoresText(data);
  return scores ? `${dayWords(data.day)}: ${scores}` : dayWords(data && data.day);
}

function chip(label, value) {
  return el(
    "span",
    { className: `chip scale-${value}` },
    label,
    el("span", { className: "visually-hidden" }, " pain"),
    " ",
    el("strong", {}, String(value)),
  );
}

/** The chips and note of an entry, as the server's summary shows them. */
export function summary(data) {
  const chips = el("p", { className: "chips" });
  if (data.leg_pain !== null && data.leg_pain !== undefined) chips.append(chip("Leg", data.leg_pain));
  if (data.back_pain !== null && data.back_pain !== undefined) chips.append(" ", chip("Back", data.back_pain));
  if (data.worst_leg_pain !== null && data.worst_leg_pain !== undefined) {
    chips.append(" ", el("span", { className: "chip-note" }, `worst leg pain ${data.worst_leg_pain}`));
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
        "Edit",
        el("span", { className: "visually-hidden" }, ` the entry for ${dayWords(item.data.day)}`),
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
    return [pain && `${pain} painful ${pain === 1 ? "area" : "areas"}`, numb && `${numb} numb`].filter(Boolean).join(", ");
  }
  if (name === "activities") {
    const entries = Object.entries(value);
    return entries.length ? entries.map(([code, v]) => `${code.replaceAll("_", " ")} ${v}`).join(", ") : "—";
  }
  if (name === "red_flags") return value.length ? `${value.length} ticked` : "none";
  if (name.endsWith("_min")) return `${value} min`;
  return String(value);
}

/** What the conflict chooser needs to show an entry's two versions (outbox-render.js). */
export const ENTRY_FIELDS = { Noun: "Entry", fields: FIELDS, valueText };
