// The medicine forms with JavaScript: Save and Delete go into the outbox first (IndexedDB),
// then to the server, so a medicine can be added or changed without signal, like a therapy
// (therapy-queue.js). A new medicine gets its id here; an edit or a delete carries the
// version it was made from. Without JavaScript the forms post to the server as before.
//   /medications/new                 adds a medicine (…?draft=<id>: one not sent yet)
//   /medications/<id>/edit           edits it, with its dose changes; "Delete" asks, then queues
//   /medications/<id>/delete         the no-JS confirmation page, queued as well
import { ask, kept, outbox, problem, sayProblem } from "./page-outbox.js";
import { latestDay, localToday } from "./device-day.js";
import { dayText } from "./therapy-render.js";
import { medicationName } from "./medication-render.js";
import { leaveFor as leave, wireDeletePage } from "./queued-pages.js";
import { t } from "./i18n.js";

const LIST = "/medications/";
// What a medicine is, as its delete carries it.
const MEDICATION_FIELDS = ["name", "strength", "unit", "schedule", "start_day", "end_day", "changes"];

export async function wire() {
  const form = document.querySelector("[data-medication-form]");
  if (form) {
    if (form.dataset.mode === "edit") await wireEdit(form);
    else await wireCreate(form);
    form.dataset.queueReady = ""; // saves now go to the outbox: tests wait on it
  }
  const deleteForm = document.querySelector("[data-medication-delete-form]");
  if (deleteForm) {
    wireDeletePage(deleteForm, "medication", {
      list: LIST,
      dataOf: (row) => Object.fromEntries(MEDICATION_FIELDS.map((name) => [name, row[name]])),
      said: (data) => t("Deleted: %(name)s.", { name: medicationName(data) }),
    });
    deleteForm.dataset.queueReady = "";
  }
}

function say(form, text, state) {
  const status = form.querySelector("[data-medication-status]");
  if (!status) return;
  status.textContent = text;
  status.dataset.saveState = state;
}

// Into the outbox; when the phone cannot keep it, the form says why and keeps what was entered.
const keep = (form, write) => kept(write, (words) => say(form, words, "error"));

/** The form's medicine as the server's schema wants it (the rules of diary/web/medications.py). */
function readForm(form) {
  const value = (name) => (form.elements[name]?.value ?? "").trim();
  const data = {
    name: value("name"),
    strength: value("strength"),
    unit: value("unit"),
    schedule: form.querySelector('input[name="schedule"]:checked')?.value || "",
    start_day: value("start_day"),
    end_day: value("end_day") || null,
    changes: [],
  };
  if (form.dataset.mode === "edit") {
    for (const row of form.querySelectorAll("[data-dose-change]")) {
      const day = row.querySelector('[name="change_day"]').value.trim();
      const dose = row.querySelector('[name="change_dose"]').value.trim();
      if (dose) data.changes.push({ day, dose });
    }
    data.changes.sort((a, b) => a.day.localeCompare(b.day));
  } else if (value("start_dose")) {
    data.changes.push({ day: data.start_day, dose: value("start_dose") });
  }
  return data;
}

function fillForm(form, data) {
  for (const name of ["name", "strength", "unit", "start_day", "end_day"]) {
    if (form.elements[name]) form.elements[name].value = data[name] ?? "";
  }
  const radio = form.querySelector(`input[name="schedule"][value="${data.schedule}"]`);
  if (radio) radio.checked = true;
  if (form.elements.start_dose) form.elements.start_dose.value = data.changes?.[0]?.dose ?? "";
  const rows = form.querySelector("[data-dose-changes]");
  if (rows) fillRows(rows, data.changes || []);
}

// The edit form's dose rows, as the server renders them: one per change and a blank one.
function fillRows(fieldset, changes) {
  const rows = [...fieldset.querySelectorAll("[data-dose-change]")];
  const template = rows[rows.length - 1];
  for (const row of rows.slice(0, -1)) row.remove();
  changes.forEach((change, i) => {
    const row = template.cloneNode(true);
    for (const input of row.querySelectorAll("input")) input.id = `${input.id}-copy-${i}`;
    for (const label of row.querySelectorAll("label")) {
      label.htmlFor = `${label.htmlFor}-copy-${i}`;
      label.textContent = label.htmlFor.includes("day") ? t("From") : t("Dose");
    }
    row.querySelector('[name="change_day"]').value = change.day;
    row.querySelector('[name="change_dose"]').value = change.dose;
    template.before(row);
  });
}

// The rules worth checking before queueing, in the words of the server's form (the server
// checks everything again; a refusal shows on the medicine list with its reason).
function problemWith(form, data) {
  if (!data.name) return problem(t("Write the medicine's name, then tap Save."), "name");
  if (!data.schedule) return problem(t("Choose how you take it, then tap Save."), "schedule");
  if (!data.start_day) return problem(t("Choose the start day, then tap Save."), "start_day");
  if (data.start_day > latestDay()) return problem(t("The start day is in the future. Choose today or an earlier day."), "start_day");
  if (data.end_day && data.end_day < data.start_day) return problem(t("The end day must be on or after the start day."), "end_day");
  const days = new Set();
  // The day field of a change (the first with this day, or with none).
  const dayField = (day) => [...form.querySelectorAll('[name="change_day"]')].find((f) => f.value.trim() === day) || "change_day";
  for (const change of data.changes) {
    const field = dayField(change.day);
    if (!change.day) return problem(t("Give the day of each dose change."), field);
    if (change.day < data.start_day) return problem(t("The dose change of %(day)s is before the start day.", { day: dayText(change.day) }), field);
    if (data.end_day && change.day > data.end_day) return problem(t("The dose change of %(day)s is after the end day.", { day: dayText(change.day) }), field);
    if (days.has(change.day)) return problem(t("There are two dose changes on %(day)s; keep one.", { day: dayText(change.day) }), field);
    days.add(change.day);
  }
  return null;
}

async function queue(form, id, options, goTo) {
  const data = readForm(form);
  const found = problemWith(form, data);
  if (found) {
    sayProblem(form, form.querySelector("[data-medication-status]"), found);
    return;
  }
  const box = await outbox();
  if (!(await keep(form, () => box.save("medication", id, data, options)))) return;
  say(form, t("Saved on this phone: %(name)s.", { name: medicationName(data) }), "device");
  await leave(goTo(id), t("Saved: %(name)s.", { name: medicationName(data) }));
}

async function wireCreate(form) {
  const start = form.elements.start_day;
  // A form from the cache may be days old: its default day must not be reused.
  if (start && start.value === start.defaultValue) start.value = localToday();
  if (start && start.max && start.max < localToday()) start.max = localToday();
  let id = crypto.randomUUID();
  const draftId = new URLSearchParams(window.location.search).get("draft");
  if (draftId) {
    const record = await (await outbox()).record(draftId);
    if (record && record.kind === "medication" && !record.desired.deleted) {
      id = draftId;
      fillForm(form, record.desired.data);
      say(form, t("This medicine is saved on this phone only. Change it, then tap Save."), "device");
    }
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await queue(form, id, {}, (saved) => `${LIST}#medication-${saved}`);
  });
}

async function wireEdit(form) {
  const id = form.dataset.objectId;
  const box = await outbox();
  const item = (await box.view("medication")).find((i) => i.id === id);
  const pageVersion = Number(form.elements.base_version?.value) || null;
  if (item && item.deleted) {
    form.replaceWith(Object.assign(document.createElement("p"), { textContent: t("This medicine was deleted, here or on another device.") }));
    document.querySelector("[data-medication-delete]")?.closest("p")?.remove();
    return;
  }
  // Show this phone's version when it is newer than the page, and build the edit on it.
  let baseVersion = pageVersion;
  if (item && item.data && (item.state !== "synced" || (item.version || 0) > (pageVersion || 0))) {
    fillForm(form, item.data);
    baseVersion = item.version ?? pageVersion;
    if (item.state !== "synced") say(form, t("Showing your latest version, saved on this phone."), "device");
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await queue(form, id, { baseVersion }, (saved) => `${LIST}#medication-${saved}`);
  });
  const link = document.querySelector("[data-medication-delete]");
  link?.addEventListener("click", async (event) => {
    event.preventDefault();
    const data = readForm(form);
    const sure = await ask({
      title: t("Delete “%(name)s”?", { name: medicationName(data) }),
      text: t("Your diary entries stay, and so do the doses you recorded of it."),
      yes: t("Delete medicine"),
      no: t("Keep the medicine"),
      danger: true,
    });
    if (!sure) return;
    if (!(await keep(form, () => box.remove("medication", id, { baseVersion, data })))) return;
    await leave(LIST, t("Deleted: %(name)s.", { name: medicationName(data) }));
  });
}

