// The therapy forms with JavaScript: Save and Delete go into the outbox first (IndexedDB),
// then to the server, so a therapy can be recorded or changed without signal, like an entry
// (entry-queue.js). A new therapy gets its id here; an edit or a delete carries the version
// it was made from. Without JavaScript the forms post to the server as before.
//   /therapies/new?kind=…            records a therapy (…&draft=<id>: one not sent yet)
//   /therapies/<id>/edit             edits it; its "Delete this therapy" asks, then queues
//   /therapies/<id>/delete           the no-JS confirmation page, queued as well
import { ask, kept, outbox, problem, sayProblem } from "./page-outbox.js";
import { latestDay, localToday } from "./device-day.js";
import { kindsOf, therapyName } from "./therapy-render.js";
import { leaveFor as leave, replaceForm as replaced, wireDeletePage } from "./queued-pages.js";
import { t } from "./i18n.js";

const LIST = "/therapies/";

export async function wire() {
  const form = document.querySelector("[data-therapy-form]");
  if (form) {
    if (form.dataset.mode === "edit") await wireEdit(form);
    else await wireCreate(form);
    // Saves now go to the outbox (and the form shows this phone's version): tests wait on it.
    form.dataset.queueReady = "";
  }
  const deleteForm = document.querySelector("[data-therapy-delete-form]");
  if (deleteForm) {
    wireDeletePage(deleteForm, "therapy", {
      list: LIST,
      dataOf: (row) => ({ kind: row.kind, label: row.label, start_day: row.start_day, end_day: row.end_day, notes: row.notes }),
      said: (data) => t("Deleted: %(name)s.", { name: therapyName(data, kindsOf(deleteForm)) }),
    });
    deleteForm.dataset.queueReady = "";
  }
}

function say(form, text, state) {
  const status = form.querySelector("[data-therapy-status]");
  if (!status) return;
  status.textContent = text;
  status.dataset.saveState = state;
}

// Into the outbox; when the phone cannot keep it, the form says why and keeps what was entered.
const keep = (form, write) => kept(write, (words) => say(form, words, "error"));

/** The form's therapy, as the server's schema wants it; ``endDay`` stands in for a missing field. */
function readForm(form, kinds, endDay = null) {
  const value = (name) => (form.elements[name]?.value ?? "").trim();
  const kind = value("kind");
  const field = form.elements.end_day;
  return {
    kind,
    label: value("label"),
    start_day: value("start_day"),
    end_day: field ? value("end_day") || null : kinds.courses.has(kind) ? endDay : null,
    notes: value("notes"),
  };
}

function fillForm(form, data) {
  for (const name of ["kind", "label", "start_day", "end_day", "notes"]) {
    const field = form.elements[name];
    // A new therapy's kind is the page's (its form differs by kind): never replaced here.
    if (!field || (name === "kind" && field.type === "hidden")) continue;
    field.value = data[name] ?? "";
  }
}

// The rules worth checking before queueing, in the words the server's form uses (the server
// checks everything again; a refusal shows on the therapy list with its reason).
function problemWith(data, kinds) {
  if (!data.start_day) return problem(t("Choose the start day, then tap Save."), "start_day");
  if (data.start_day > latestDay()) return problem(t("The start day is in the future. Choose today or an earlier day."), "start_day");
  if (data.end_day && !kinds.courses.has(data.kind)) {
    return problem(t("An end day is only for courses (physiotherapy, a medication change or other): clear it to save this kind."), "end_day");
  }
  if (data.end_day && data.end_day < data.start_day) return problem(t("The end day must be on or after the start day."), "end_day");
  return null;
}

// ---- a new therapy --------------------------------------------------------------------------

async function wireCreate(form) {
  const kinds = kindsOf(form);
  const params = new URLSearchParams(window.location.search);
  if (params.get("kind") && form.elements.kind && params.get("kind") !== form.elements.kind.value) {
    // Offline, the worker had only another kind's form (they differ by kind): say so.
    notHere(form);
    return;
  }
  const start = form.elements.start_day;
  // A form from the cache may be days old: its default day must not be reused.
  if (start && start.value === start.defaultValue) start.value = localToday();
  if (start && start.max && start.max < localToday()) start.max = localToday();
  let id = crypto.randomUUID();
  const draftId = params.get("draft");
  if (draftId) {
    const record = await (await outbox()).record(draftId);
    if (record && record.kind === "therapy" && !record.desired.deleted) {
      id = draftId;
      fillForm(form, record.desired.data);
      say(form, t("This therapy is saved on this phone only. Change it, then tap Save."), "device");
    }
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = readForm(form, kinds);
    const found = problemWith(data, kinds);
    if (found) {
      sayProblem(form, form.querySelector("[data-therapy-status]"), found);
      return;
    }
    const box = await outbox();
    if (!(await keep(form, () => box.save("therapy", id, data)))) return;
    say(form, t("Saved on this phone: %(name)s.", { name: therapyName(data, kinds) }), "device");
    await leave(`${LIST}#therapy-${id}`, t("Saved: %(name)s.", { name: therapyName(data, kinds) }));
  });
}

// ---- an existing therapy: edit and delete -----------------------------------------------------

async function wireEdit(form) {
  const kinds = kindsOf(form);
  const id = form.dataset.objectId;
  const box = await outbox();
  const item = (await box.view("therapy")).find((i) => i.id === id);
  const pageVersion = Number(form.elements.base_version?.value) || null;
  if (item && item.deleted) {
    gone(form);
    return;
  }
  // Show this phone's version when it is newer than the page (a cached page, or a change
  // made here and not sent yet), and build the edit on the version shown.
  let baseVersion = pageVersion;
  let shown = null;
  if (item && item.data && (item.state !== "synced" || (item.version || 0) > (pageVersion || 0))) {
    fillForm(form, item.data);
    shown = item.data;
    baseVersion = item.version ?? pageVersion;
    if (item.state !== "synced") say(form, t("Showing your latest version, saved on this phone."), "device");
  }
  const current = () => readForm(form, kinds, shown ? shown.end_day : null);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = current();
    const found = problemWith(data, kinds);
    if (found) {
      sayProblem(form, form.querySelector("[data-therapy-status]"), found);
      return;
    }
    if (!(await keep(form, () => box.save("therapy", id, data, { baseVersion })))) return;
    say(form, t("Saved on this phone: %(name)s.", { name: therapyName(data, kinds) }), "device");
    await leave(`${LIST}#therapy-${id}`, t("Saved: %(name)s.", { name: therapyName(data, kinds) }));
  });

  const link = document.querySelector("[data-therapy-delete]");
  if (!link) return;
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    const data = current();
    const sure = await ask({
      title: t("Delete “%(name)s”?", { name: therapyName(data, kinds) }),
      text: t("Your diary entries stay; only this therapy and its before/after comparison go, on every device."),
      yes: t("Delete therapy"),
      no: t("Keep it"),
      danger: true,
    });
    if (!sure) return;
    if (!(await keep(form, () => box.remove("therapy", id, { baseVersion, data })))) return;
    await leave(LIST, t("Deleted: %(name)s.", { name: therapyName(data, kinds) }));
  });
}

function notHere(form) {
  replaceForm(form, t("This form is not on this phone"), t("It cannot be opened without a connection. Try again when you are online."));
}

function gone(form) {
  replaceForm(form, t("This therapy was deleted"), t("It was deleted, here or on another device."));
}

function replaceForm(form, title, words) {
  replaced(form, { title, words, back: LIST, backText: t("Back to your therapies"), alsoRemove: "[data-therapy-delete]" });
}

// ---- the delete page (reached without the dialog: a bookmark, an old tab) ----------------------

