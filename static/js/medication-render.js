// Building the DOM for medicines and doses kept on this phone: the same card the medicine
// list shows (templates/medications/index.html), the same words, and the fields in words for
// the conflict chooser. No state here.
import { el } from "./outbox-render.js";
import { dayText } from "./therapy-render.js";
import { t } from "./i18n.js";

export const SCHEDULES = {
  regular: t("Regularly (every day, or on a schedule)"),
  as_needed: t("Only when needed"),
};
const MEDICATION_FIELDS = [
  ["name", t("Name")],
  ["strength", t("Strength")],
  ["unit", t("Unit")],
  ["schedule", t("How it is taken")],
  ["start_day", t("Start day")],
  ["end_day", t("End day")],
  ["changes", t("Dose changes")],
];
const DOSE_FIELDS = [["taken_at", t("Taken")]];

/** "Pregabalin 75 mg": the name with the strength and unit, as the server writes it. */
export function medicationName(data) {
  const strength = [data.strength, data.unit].filter(Boolean).join(" ");
  return strength ? `${data.name} ${strength}` : data.name || "";
}

/** "from 5 Jan 2026, ongoing" or "from 5 Jan 2026 to 30 Apr 2026". */
export function courseWords(data) {
  if (data.end_day) return t("from %(start)s to %(end)s", { start: dayText(data.start_day), end: dayText(data.end_day) });
  return t("from %(start)s, ongoing", { start: dayText(data.start_day) });
}

/** True when ``day`` lies within the medicine's course. */
export const inCourse = (data, day) => data.start_day <= day && (!data.end_day || day <= data.end_day);

/** Where a medicine is edited: its page, or, for one the server has never seen, the new form as a draft. */
export function editHref(item) {
  if (item.record && item.record.known_version === null) return `/medications/new?draft=${encodeURIComponent(item.id)}`;
  return `/medications/${item.id}/edit`;
}

/** The inside of a medicine's card in the list (the <li> itself is the caller's). */
export function cardContent(item) {
  const data = item.data;
  const name = medicationName(data);
  const changes = data.changes || [];
  return [
    el("h2", { className: "medication-name" }, name),
    el("p", { className: "muted" }, `${SCHEDULES[data.schedule] || data.schedule}, ${courseWords(data)}`),
    changes.length
      ? el("ul", { className: "dose-changes" }, ...changes.map((c) => el("li", {}, `${dayText(c.day)}: ${c.dose}`)))
      : null,
    el(
      "p",
      { className: "medication-actions" },
      el("a", { className: "button", href: editHref(item) }, t("Edit"), el("span", { className: "visually-hidden" }, ` ${name}`)),
    ),
  ].filter(Boolean);
}

export function card(item) {
  return el(
    "li",
    { className: "card", id: `medication-${item.id}`, dataset: { medicationId: item.id, version: String(item.version ?? "") } },
    ...cardContent(item),
  );
}

/** "08:15" on this phone's clock (the patient's, as the server's pages use their zone). */
export function clockTime(iso) {
  const moment = new Date(iso);
  return `${String(moment.getHours()).padStart(2, "0")}:${String(moment.getMinutes()).padStart(2, "0")}`;
}

/** The phone's calendar day of a moment, "YYYY-MM-DD". */
export function localDayOf(iso) {
  const moment = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`;
}

/** What the conflict chooser needs to show two versions of a medicine (outbox-render.js). */
export function medicationFields() {
  const valueText = (name, value) => {
    if (value === null || value === undefined || value === "") return "—";
    if (name === "schedule") return SCHEDULES[value] || value;
    if (name.endsWith("_day")) return dayText(value);
    if (name === "changes") return value.length ? value.map((c) => `${dayText(c.day)}: ${c.dose}`).join("; ") : "—";
    return String(value);
  };
  return { Noun: t("Medicine"), fields: MEDICATION_FIELDS, valueText };
}

/** ... and of a dose taken when needed. */
export function doseFields() {
  const valueText = (name, value) => (value ? t("%(day)s at %(time)s", { day: dayText(localDayOf(value)), time: clockTime(value) }) : "—");
  return { Noun: t("Dose"), fields: DOSE_FIELDS, valueText };
}
