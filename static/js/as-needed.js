// Today's "Took one" with JavaScript: a tap queues a dose in the outbox (kind "dose") with
// this phone's clock and the account's time zone, and shows it at once, online or not (each
// dose on the day and clock of its own zone, as the server shows it); a dose's time opens a small editor
// to change the time or remove it, queued the same way. The block is reconciled with
// IndexedDB, so a Today page from the cache shows the medicines and doses synced since, and
// those recorded here. Without JavaScript the same forms and links go to the server.
import { changed, kept, outbox } from "./page-outbox.js";
import { el, oneAtATime } from "./outbox-render.js";
import { doseClock, doseMoment, inCourse, medicationName } from "./medication-render.js";
import { t } from "./i18n.js";

let section;

export function wire() {
  section = document.querySelector("[data-as-needed]");
  if (!section) return;
  section.addEventListener("submit", onTook);
  section.addEventListener("click", onDose);
  document.addEventListener("diary:outbox-changed", render);
  render().then(() => {
    section.dataset.queueReady = ""; // taps now go to the outbox: tests wait on it
  });
}

function say(text) {
  const status = section.querySelector("[data-as-needed-status]");
  if (status) status.textContent = text;
}

async function onTook(event) {
  const form = event.target.closest("[data-took-one]");
  if (!form) return;
  event.preventDefault();
  const item = form.closest("[data-medication-id]");
  const data = { medication_id: item.dataset.medicationId, taken_at: new Date().toISOString() };
  // The account's zone as this page knows it (base.html): the dose keeps the zone it was
  // taken in, even when it reaches the server after the account's zone has changed.
  if (document.body.dataset.timeZone) data.time_zone = document.body.dataset.timeZone;
  const box = await outbox();
  if (!(await kept(() => box.save("dose", crypto.randomUUID(), data), say))) return;
  say(t("Recorded: %(name)s at %(time)s.", { name: item.dataset.name, time: doseClock(data.taken_at, data.time_zone).time }));
  await render();
  changed();
}

// ---- the list ------------------------------------------------------------------------------

const render = oneAtATime(renderNow);

async function renderNow() {
  const box = await outbox();
  // The server's rule: today in the account's zone, each dose on its day in its own zone.
  const today = doseClock(new Date()).day;
  const list = section.querySelector(".as-needed-list");
  const items = new Map([...list.querySelectorAll("[data-medication-id]")].map((li) => [li.dataset.medicationId, li]));
  for (const medicine of await box.view("medication")) {
    const shown = !medicine.deleted && medicine.data?.schedule === "as_needed" && inCourse(medicine.data, today);
    let li = items.get(medicine.id);
    if (!li && shown) {
      li = newItem(medicine, list);
      items.set(medicine.id, li);
    }
    if (li) li.hidden = !shown;
  }
  const doses = (await box.view("dose")).filter((d) => d.data);
  // A dose this page added that the phone no longer holds (removed before it was sent).
  const held = new Set(doses.map((d) => d.id));
  for (const link of section.querySelectorAll("[data-dose-id][data-local]")) {
    if (!held.has(link.dataset.doseId)) link.remove();
  }
  for (const dose of doses) {
    const existing = section.querySelector(`[data-dose-id="${dose.id}"]`);
    const li = items.get(dose.data.medication_id);
    const clock = doseClock(dose.data.taken_at, dose.data.time_zone);
    if (dose.deleted || clock.day !== today || !li) {
      existing?.remove();
      continue;
    }
    const link = existing || li.querySelector("[data-dose-list]").appendChild(doseLink(dose.id, li.dataset.name));
    link.dataset.takenAt = dose.data.taken_at;
    link.dataset.timeZone = dose.data.time_zone || "";
    link.dataset.version = String(dose.version ?? "");
    link.dataset.state = dose.state;
    link.firstChild.textContent = clock.time;
    link.querySelector(".visually-hidden").textContent =
      dose.state === "device"
        ? t(", %(name)s, saved on this phone: change or remove", { name: li.dataset.name })
        : t(", %(name)s: change or remove", { name: li.dataset.name });
  }
  for (const li of items.values()) {
    const links = [...li.querySelectorAll("[data-dose-id]")].sort((a, b) => a.dataset.takenAt.localeCompare(b.dataset.takenAt));
    li.querySelector("[data-dose-list]").append(...links);
    li.querySelector("[data-none]").hidden = links.length > 0;
  }
  // A refused "Took one" (the page says why) keeps the block shown with its message.
  section.hidden = ![...items.values()].some((li) => !li.hidden) && !section.querySelector("[data-as-needed-problem]");
  if (!section.hidden) ensureStyles();
  section.dataset.rendered = String(Number(section.dataset.rendered || 0) + 1);
}

// The server links the block's stylesheet only when it shows the block; a page from the
// cache that learns of a medicine here adds it (the service worker keeps it offline), at
// this module's own version of the address (diary/assets.py).
function ensureStyles() {
  if (document.querySelector("[data-medications-css]")) return;
  document.head.append(
    el("link", { rel: "stylesheet", href: new URL("../css/medications.css", import.meta.url).href, dataset: { medicationsCss: "" } }),
  );
}

function doseLink(id, name) {
  return el(
    "a",
    { className: "dose-time", href: `/medications/doses/${id}/edit`, dataset: { doseId: id, local: "" } },
    document.createTextNode(""),
    el("span", { className: "visually-hidden" }, t(", %(name)s: change or remove", { name })),
  );
}

// A medicine taken when needed that the page the server rendered did not have.
function newItem(medicine, list) {
  const name = medicationName(medicine.data);
  const button = el("button", { type: "submit", className: "button", "aria-label": t("Took one: %(name)s", { name }) }, t("Took one"));
  const li = el(
    "li",
    { className: "as-needed-item", dataset: { medicationId: medicine.id, name } },
    el("form", { className: "took-one", dataset: { tookOne: "" } }, button, el("span", { className: "took-name", "aria-hidden": "true" }, name)),
    el(
      "p",
      { className: "doses-today", dataset: { dosesToday: "" } },
      el("span", { className: "muted" }, t("Today:")),
      " ",
      el("span", { dataset: { doseList: "" } }),
      el("span", { className: "muted", dataset: { none: "" } }, t("none yet")),
    ),
  );
  list.append(li);
  return li;
}

// ---- changing or removing a dose --------------------------------------------------------------

function onDose(event) {
  const link = event.target.closest("[data-dose-id]");
  if (!link) return;
  event.preventDefault();
  const li = link.closest("[data-medication-id]");
  li.querySelector(".dose-editor")?.remove();
  const id = link.dataset.doseId;
  const inputId = `dose-time-${id}`;
  const zone = link.dataset.timeZone;
  const clock = doseClock(link.dataset.takenAt, zone);
  const input = el("input", { id: inputId, type: "time", value: clock.time });
  const close = () => {
    editor.remove();
    link.focus();
  };
  const save = el("button", { type: "button", className: "button primary" }, t("Save time"));
  const remove = el("button", { type: "button", className: "button danger" }, t("Remove dose"));
  const cancel = el("button", { type: "button", className: "button" }, t("Cancel"));
  const editor = el(
    "div",
    { className: "dose-editor", role: "group", "aria-label": t("Dose of %(name)s at %(time)s", { name: li.dataset.name, time: clock.time }) },
    el("div", { className: "field" }, el("label", { htmlFor: inputId }, t("Time taken")), input),
    save,
    remove,
    cancel,
  );
  li.append(editor);
  input.focus();
  const base = () => ({ baseVersion: Number(link.dataset.version) || null });
  const data = () => ({ medication_id: li.dataset.medicationId, taken_at: link.dataset.takenAt, ...(zone && { time_zone: zone }) });
  save.addEventListener("click", async () => {
    if (!/^\d{2}:\d{2}$/.test(input.value)) return input.focus();
    // On the dose's own day and clock; the time as shown keeps its moment to the second.
    const moment = input.value === clock.time ? new Date(link.dataset.takenAt) : doseMoment(clock.day, input.value, zone);
    if (moment > new Date()) {
      say(t("That time has not come yet today: choose an earlier one."));
      return input.focus();
    }
    const box = await outbox();
    if (!(await kept(() => box.save("dose", id, { ...data(), taken_at: moment.toISOString() }, base()), say))) return;
    say(t("Saved: taken at %(time)s.", { time: input.value }));
    close();
    await render();
    changed();
  });
  remove.addEventListener("click", async () => {
    const box = await outbox();
    if (!(await kept(() => box.remove("dose", id, { ...base(), data: data() }), say))) return;
    say(t("Removed the dose taken at %(time)s.", { time: clock.time }));
    editor.remove();
    await render();
    section.querySelector("button")?.focus();
    changed();
  });
  cancel.addEventListener("click", close);
}
