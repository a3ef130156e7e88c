// The questionnaire forms with JavaScript: Save and Delete go into the outbox first
// (IndexedDB), then to the server, so a questionnaire can be answered without signal, like
// an entry (entry-queue.js) or a therapy (therapy-queue.js). A new answer gets its id here;
// an edit or a delete carries the version it was made from. Without JavaScript the forms
// post to the server as before.
//   /questionnaires/<q>/new[?therapy=<id>]     answers a questionnaire (…?draft=<id>: one not sent yet)
//   /questionnaires/responses/<id>/edit        changes an answer; its "Delete this answer" asks, then queues
//   /questionnaires/responses/<id>/delete      the no-JS confirmation page, queued as well
import { ask, kept, outbox, problem, sayProblem } from "./page-outbox.js";
import { latestDay, localToday } from "./device-day.js";
import { dayText } from "./therapy-render.js";
import { leaveFor as leave, replaceForm, wireDeletePage } from "./queued-pages.js";
import { number, t, tn } from "./i18n.js";

const LIST = "/questionnaires/";
const NEW_PATH = /^\/questionnaires\/([a-z0-9_]+)\/new$/;

export async function wire() {
  const form = document.querySelector("[data-response-form]");
  if (form) {
    if (form.dataset.mode === "edit") await wireEdit(form);
    else await wireCreate(form);
    // Saves now go to the outbox: tests wait on it.
    form.dataset.queueReady = "";
  }
  const deleteForm = document.querySelector("[data-response-delete-form]");
  if (deleteForm) {
    wireDeletePage(deleteForm, "response", {
      list: LIST,
      dataOf: (row) => ({ questionnaire: row.questionnaire, day: row.day, answers: row.answers, therapy_id: row.therapy_id }),
      said: (data) => t("Deleted your answer of %(day)s.", { day: dayText(data.day) }),
    });
    deleteForm.dataset.queueReady = "";
  }
}

function say(form, text, state) {
  const status = form.querySelector("[data-response-status]");
  if (!status) return;
  status.textContent = text;
  status.dataset.saveState = state;
}

// Into the outbox; when the phone cannot keep it, the form says why and keeps what was entered.
const keep = (form, write) => kept(write, (words) => say(form, words, "error"));

/** The form's response as the server's schema wants it. */
export function readForm(form) {
  const answers = {};
  for (const field of form.querySelectorAll("[name^='answers.']")) {
    const key = field.name.slice("answers.".length);
    if (field.type === "checkbox") answers[key] = field.checked;
    else if (field.type === "radio") {
      if (field.checked) answers[key] = Number(field.value);
    } else if (field.value.trim() !== "") {
      answers[key] = typedNumber(field);
    }
  }
  const therapy = form.elements.therapy_id;
  return {
    questionnaire: form.dataset.questionnaire,
    day: (form.elements.day?.value || "").trim(),
    answers,
    therapy_id: therapy ? therapy.value || null : null,
  };
}

// A number as typed: whole for an integer item; with a decimal point or comma ("44,4") for a
// decimal one (data-places), as the server's form reads it (inputs.typed_number). Anything
// else stays text, which the checks below and the server refuse.
function typedNumber(field) {
  const text = field.value.trim();
  const pattern = field.dataset.places ? /^-?[0-9]{1,15}([.,][0-9]{1,15})?$/ : /^[0-9]{1,9}$/;
  return pattern.test(text) ? Number(text.replace(",", ".")) : text;
}

// An answer as its field shows it: 44.4 as the page's language writes it ("44,4").
const typedText = (field, value) =>
  typeof value === "number" && field.dataset.places ? number(value, { useGrouping: false, maximumFractionDigits: Number(field.dataset.places) }) : value ?? "";

function fillForm(form, data) {
  if (form.elements.day) form.elements.day.value = data.day || "";
  if (form.elements.therapy_id && data.therapy_id) form.elements.therapy_id.value = data.therapy_id;
  for (const field of form.querySelectorAll("[name^='answers.']")) {
    const value = (data.answers || {})[field.name.slice("answers.".length)];
    if (field.type === "checkbox") field.checked = value === true;
    else if (field.type === "radio") field.checked = String(value) === field.value;
    else field.value = typedText(field, value);
  }
}

// The rules worth checking before queueing, in the words the server's form uses (the server
// checks everything again; a refusal shows on the questionnaires page with its reason).
function problemWith(form, data) {
  if (!data.day) return problem(t("Choose the day, then tap Save."), "day");
  if (data.day > latestDay()) return problem(t("That day is in the future. Choose today or an earlier day."), "day");
  if (form.elements.therapy_id && !data.therapy_id) return problem(t("Choose the therapy this answer is about."), "therapy_id");
  for (const fieldset of form.querySelectorAll("fieldset.choices")) {
    if (!fieldset.querySelector("input:checked")) return problem(t("Choose one answer, then tap Save."), fieldset.querySelector("input"));
  }
  for (const field of form.querySelectorAll("input[data-number][name^='answers.']")) {
    const value = data.answers[field.name.slice("answers.".length)];
    if (value === undefined) return problem(t("Give a number, then tap Save."), field);
    const wrong = field.dataset.places ? decimalProblem(field, value) : wholeProblem(field, value);
    if (wrong) return problem(wrong, field);
  }
  return null;
}

function wholeProblem(field, value) {
  if (Number.isInteger(value) && value >= Number(field.min) && value <= Number(field.max)) return null;
  return t("The number must be a whole number from %(low)s to %(high)s.", { low: field.min, high: field.max });
}

// The engine's check of a decimal item (engine._decimal_answer), in the same order and words.
function decimalProblem(field, value) {
  const places = Number(field.dataset.places);
  const [low, high] = [Number(field.dataset.low), Number(field.dataset.high)];
  if (typeof value !== "number") return t("Give a number, such as %(example)s.", { example: number(44.4) });
  if (Number(value.toFixed(places)) !== value) {
    return tn("The number must have at most %(num)s decimal.", "The number must have at most %(num)s decimals.", places);
  }
  if (value < low || value > high) return t("The number must be from %(low)s to %(high)s.", { low: number(low), high: number(high) });
  return null;
}

function named(form) {
  return form.dataset.short || form.dataset.questionnaire;
}

// ---- a new answer --------------------------------------------------------------------------

async function wireCreate(form) {
  const params = new URLSearchParams(window.location.search);
  const path = NEW_PATH.exec(window.location.pathname);
  if (path && path[1] !== form.dataset.questionnaire) {
    notHere(form, t("This form is not on this phone"), t("It cannot be opened without a connection. Try again when you are online."));
    return;
  }
  const day = form.elements.day;
  // A form from the cache may be days old: its default day must not be reused.
  if (day && day.value === day.defaultValue) day.value = localToday();
  if (day && day.max && day.max < localToday()) day.max = localToday();
  const therapy = form.elements.therapy_id;
  if (therapy && params.get("therapy") && [...therapy.options].some((o) => o.value === params.get("therapy"))) {
    therapy.value = params.get("therapy");
  }
  let id = crypto.randomUUID();
  const draftId = params.get("draft");
  if (draftId) {
    const record = await (await outbox()).record(draftId);
    if (record && record.kind === "response" && !record.desired.deleted) {
      id = draftId;
      fillForm(form, record.desired.data);
      say(form, t("This answer is saved on this phone only. Change it, then tap Save."), "device");
    }
  }
  if (form.elements.id) form.elements.id.value = id;
  queueOnSubmit(form, id, null);
}

// Save: checked, into the outbox, then back to the list, which shows it at once.
function queueOnSubmit(form, id, baseVersion) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = readForm(form);
    const found = problemWith(form, data);
    if (found) {
      sayProblem(form, form.querySelector("[data-response-status]"), found);
      return;
    }
    const box = await outbox();
    if (!(await keep(form, () => box.save("response", id, data, { baseVersion })))) return;
    say(form, t("Saved on this phone. It will be sent when you are online."), "device");
    await leave(`${LIST}#response-${id}`, t("Saved your %(short)s for %(day)s.", { short: named(form), day: dayText(data.day) }));
  });
}

// ---- an existing answer: edit and delete ------------------------------------------------------

async function wireEdit(form) {
  const id = form.dataset.objectId;
  const box = await outbox();
  const item = (await box.view("response")).find((i) => i.id === id);
  const pageVersion = Number(form.elements.base_version?.value) || null;
  if (item && item.deleted) {
    notHere(form, t("This answer was deleted"), t("It was deleted, here or on another device."));
    return;
  }
  // Show this phone's version when it is newer than the page, and build the edit on it.
  let baseVersion = pageVersion;
  if (item && item.data && (item.state !== "synced" || (item.version || 0) > (pageVersion || 0))) {
    fillForm(form, item.data);
    baseVersion = item.version ?? pageVersion;
    if (item.state !== "synced") say(form, t("Showing your latest version, saved on this phone."), "device");
  }
  queueOnSubmit(form, id, baseVersion);
  const link = document.querySelector("[data-response-delete]");
  if (!link) return;
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    const data = readForm(form);
    const sure = await ask({
      title: t("Delete your %(short)s of %(day)s?", { short: named(form), day: dayText(data.day) }),
      text: t("Only this answer goes, on every device. Your diary entries stay."),
      yes: t("Delete answer"),
      no: t("Keep it"),
      danger: true,
    });
    if (!sure) return;
    if (!(await keep(form, () => box.remove("response", id, { baseVersion, data })))) return;
    await leave(LIST, t("Deleted your %(short)s of %(day)s.", { short: named(form), day: dayText(data.day) }));
  });
}

function notHere(form, title, words) {
  replaceForm(form, { title, words, back: LIST, backText: t("Back to your questionnaires"), alsoRemove: "[data-response-delete]" });
}

// ---- the delete page (reached without the dialog: a bookmark, an old tab) ----------------------

