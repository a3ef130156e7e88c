// The entry form with JavaScript: a Save goes into the outbox first (IndexedDB), then to the
// server, so it works without signal. Today creates; an entry's edit page edits and deletes.
// Offline, an edit page never opened before is the cached Today form (see static/sw.js),
// turned into an edit form here from what this phone holds.
import { clearEntryForm, fillEntryForm, readEntryForm } from "./entry-form.js";
import { ask, changed, kept, outbox, problem, sayProblem } from "./page-outbox.js";
import { dayWords, entryTitle } from "./entry-render.js";
import { latestDay, localToday } from "./device-day.js";
import { leaveFor } from "./queued-pages.js";
import { t } from "./i18n.js";

const EDIT_PATH = /^\/entries\/([0-9a-f-]{36})\/edit$/;

export async function wire() {
  const form = document.querySelector("[data-entry-form]");
  if (!form) return;
  const match = window.location.pathname.match(EDIT_PATH);
  const draft = new URLSearchParams(window.location.search).get("draft");
  if (match) await wireEdit(form, match[1]);
  else await wireCreate(form, draft);
  // Saves now go to the outbox (and the form shows this phone's version): tests wait on it.
  form.dataset.queueReady = "";
}

function statusOf(form) {
  return form.querySelector("[data-entry-status]");
}

function say(form, text, state) {
  const status = statusOf(form);
  if (!status) return;
  status.textContent = text;
  if (state) status.dataset.saveState = state;
}

// The few rules worth checking before queueing (the server checks everything again and a
// refusal shows in History with its reason).
function problemWith(data) {
  if (!data.day) return problem(t("Choose the day, then tap Save."), "day");
  if (data.day > latestDay()) return problem(t("That day is in the future. Choose today or an earlier day."), "day");
  if (data.leg_pain === null && data.back_pain === null) {
    return problem(t("Choose a leg pain or a back pain score (or both), then tap Save."), "leg_pain");
  }
  return null;
}

// Into the outbox; when the phone cannot keep it, the form says why and keeps what was entered.
const keep = (form, write) => kept(write, (words) => say(form, words, "error"));

function isSave(event) {
  const action = event.submitter ? event.submitter.value : "save";
  return !action || action === "save";
}

// ---- Today: new entries --------------------------------------------------------------------

async function wireCreate(form, draftId) {
  const dayInput = form.elements.day;
  // A Today page from the cache may be days old: its date and its id must not be reused.
  if (dayInput && dayInput.value === dayInput.defaultValue) dayInput.value = localToday();
  if (dayInput && dayInput.max && dayInput.max < localToday()) dayInput.max = localToday();
  let id = crypto.randomUUID();
  if (draftId) {
    const record = await (await outbox()).record(draftId);
    if (record && !record.desired.deleted) {
      id = draftId;
      fillEntryForm(form, record.desired.data);
      say(form, t("This change is saved on this phone only. Fix it, then tap Save."), "device");
    }
  }
  if (form.elements.id) form.elements.id.value = id;

  form.addEventListener("submit", async (event) => {
    if (!isSave(event)) return; // "Same as yesterday" is entry-form.js's
    event.preventDefault();
    const data = readEntryForm(form);
    const found = problemWith(data);
    if (found) {
      sayProblem(form, statusOf(form), found);
      return;
    }
    const entryId = form.elements.id ? form.elements.id.value : id;
    const box = await outbox();
    if (!(await keep(form, () => box.save("entry", entryId, data)))) return;
    const what = entryTitle(data);
    const advice = data.red_flags.length ? ` ${form.querySelector("[data-red-flag-advice]")?.dataset.advice || ""}` : "";
    const saved = t("Saved on this phone for %(what)s. It will be sent when you are online.", { what }) + advice;
    say(form, saved, "device");
    clearEntryForm(form, localToday());
    if (draftId && window.location.search) history.replaceState(null, "", window.location.pathname);
    // Today shows the entry and folds the form (today-view.js) once the header counts it.
    const showSaved = () => form.dispatchEvent(new CustomEvent("diary:entry-saved", { bubbles: true, detail: { id: entryId, message: saved } }));
    await changed(showSaved);
    const record = await box.record(entryId);
    let outcome = null;
    if (!record) outcome = [t("Saved for %(what)s. Synced.", { what }) + advice, "synced"];
    else if (record.status !== "pending") {
      outcome = [t("Saved on this phone for %(what)s, but it needs your attention: see History.", { what }) + advice, record.status];
    }
    if (outcome) {
      say(form, ...outcome);
      form.dispatchEvent(new CustomEvent("diary:entry-sent", { bubbles: true, detail: { id: entryId, message: outcome[0] } }));
    }
  });
}

// ---- an entry's edit page: edit and delete -----------------------------------------------

async function wireEdit(form, id) {
  const box = await outbox();
  const item = (await box.view("entry")).find((i) => i.id === id);
  const standIn = form.dataset.mode !== "edit";
  const pageVersion = standIn ? null : Number(form.elements.base_version?.value) || null;
  if (standIn && (!item || item.deleted || !item.data)) {
    notOnThisPhone(form, item && item.deleted);
    return;
  }
  if (standIn) becomeEditForm(form, item);
  // Show this phone's version when it is newer than the page (a cached page, or a change
  // made here and not sent yet), and build the edit on the version shown.
  let baseVersion = pageVersion;
  if (item && item.data && !item.deleted && (standIn || item.state !== "synced" || (item.version || 0) > (pageVersion || 0))) {
    fillEntryForm(form, item.data);
    baseVersion = item.version ?? pageVersion;
    if (item.state !== "synced") say(form, t("Showing your latest version, saved on this phone."), "device");
  }

  form.addEventListener("submit", async (event) => {
    if (!isSave(event)) return;
    event.preventDefault();
    const data = readEntryForm(form);
    const found = problemWith(data);
    if (found) {
      sayProblem(form, statusOf(form), found);
      return;
    }
    if (!(await keep(form, () => box.save("entry", id, data, { baseVersion })))) return;
    const saved = t("Saved on this phone for %(what)s.", { what: entryTitle(data) });
    say(form, saved, "device");
    // History says it again, where the server puts its flashes: the form's line goes with it.
    await leaveFor(`/history#entry-${id}`, saved);
  });

  const deleteForm = document.querySelector('form[action$="/delete"]') || addDeleteButton(form);
  deleteForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = readEntryForm(form);
    const sure = await ask({
      title: t("Delete the entry for %(day)s?", { day: dayWords(data.day) }),
      text: t("It is removed from your diary, your charts and your physician's view, on every device."),
      yes: t("Delete entry"),
      no: t("Keep it"),
      danger: true,
    });
    if (!sure) return;
    if (!(await keep(form, () => box.remove("entry", id, { baseVersion, data })))) return;
    await leaveFor("/history", t("Deleted the entry for %(day)s.", { day: dayWords(data.day) }));
  });
}

function becomeEditForm(form, item) {
  document.title = t("Edit entry · diary");
  // Today's parts that are not the form: what is logged today, and the fold around it.
  document.querySelector("[data-logged-today]")?.remove();
  document.querySelector("[data-today-status]")?.remove();
  const fold = form.closest("[data-another-entry]");
  if (fold) {
    fold.querySelector(":scope > summary")?.remove();
    fold.classList.remove("collapsible");
    fold.open = true;
  }
  const heading = document.querySelector("h1");
  if (heading) heading.textContent = t("Edit the entry for %(day)s", { day: dayWords(item.data.day) });
  form.dataset.mode = "edit";
  form.elements.id?.remove();
  form.querySelector("[data-same-as-yesterday]")?.remove();
  const save = form.querySelector("[data-save]");
  if (save) save.textContent = t("Save changes");
  const back = document.createElement("p");
  back.className = "back-link";
  const link = document.createElement("a");
  link.href = `/history#entry-${item.id}`;
  link.textContent = t("Back to history");
  back.append(link);
  heading?.before(back);
}

function addDeleteButton(form) {
  const deleteForm = document.createElement("form");
  deleteForm.className = "delete-form";
  deleteForm.action = "/entries/delete"; // never posted: the submit handler queues instead
  const button = document.createElement("button");
  button.type = "submit";
  button.className = "button danger";
  button.textContent = t("Delete this entry");
  deleteForm.append(button);
  form.after(deleteForm);
  return deleteForm;
}

function notOnThisPhone(form, deleted) {
  const heading = document.querySelector("h1");
  if (heading) heading.textContent = deleted ? t("This entry was deleted") : t("This entry is not on this phone");
  const text = document.createElement("p");
  text.textContent = deleted
    ? t("It was deleted, here or on another device.")
    : t("It cannot be opened without a connection. Try again when you are online.");
  const back = document.createElement("p");
  const link = document.createElement("a");
  link.className = "button";
  link.href = "/history";
  link.textContent = t("Back to history");
  back.append(link);
  form.replaceWith(text, back);
}
