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

/**
 * {day: "YYYY-MM-DD", time: "08:15"} of a moment (ISO or Date) in the IANA ``zone`` the dose
 * was taken in, as the server reads it; a missing or unknown zone: the account's, else the phone's.
 */
export function doseClock(moment, zone) {
  for (const timeZone of [...[zone, document.body.dataset.timeZone].filter(Boolean), undefined]) {
    try {
      const options = { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" };
      const p = Object.fromEntries(new Intl.DateTimeFormat("en-US", options).formatToParts(new Date(moment)).map((x) => [x.type, x.value]));
      return { day: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
    } catch {
      /* RangeError: a zone this browser does not know */
    }
  }
}

/** The moment (a Date) of ``day`` at ``time`` in ``zone``, as the server's at_local reads it: a
 * time the clocks skip on the clock before the change (just after it), a repeated one as its first. */
export function doseMoment(day, time, zone) {
  const wallOf = (at) => Date.parse(Object.values(doseClock(at, zone)).join("T") + "Z"); // its clock as if UTC
  const wall = Date.parse(`${day}T${time}:00Z`);
  const [before, after] = [wall - 864e5, wall + 864e5].map((at) => wall - (wallOf(at) - at));
  return new Date(wallOf(before) === wall || wallOf(after) !== wall ? before : after);
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
  const valueText = (name, value, data) => {
    if (!value) return "—";
    const { day, time } = doseClock(value, data?.time_zone);
    return t("%(day)s at %(time)s", { day: dayText(day), time });
  };
  return { Noun: t("Dose"), fields: DOSE_FIELDS, valueText };
}
