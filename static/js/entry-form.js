// The daily entry form ([data-entry-form]): reads and fills it, copies "same as yesterday",
// shows the red-flag advice at once. The form posts and works without this file.
//
// Field names are the JSON API's (DESIGN.md section 5), so a queued entry is what the form holds:
//   id              hidden, new entries only: a client UUID (a form sent twice is one row)
//   base_version    hidden, edits only: the version the form was loaded from
//   day             <input type=date>, YYYY-MM-DD
//   leg_pain, back_pain, worst_leg_pain     radios "0".."10" (none checked = null)
//   pain_regions, numb_regions              the body map's checkboxes (JSON: regions)
//   activities.<code>                       radios "0".."4", one group per activity
//                                           (none checked = unknown; JSON: activities)
//   sitting_tolerance_min, walking_tolerance_min    numbers (empty = null)
//   red_flags       checkboxes, value = the flag's code
//   note            textarea
//   action          the submit buttons: "save" | "same_as_yesterday" (not entry data)
//
// Exports: readEntryForm(form) -> entry data; readEntryChange(form) -> a sync change;
// fillEntryForm(form, entry); clearEntryForm(form, day). Importing the module also sets up
// every [data-entry-form] on the page (once).

import { getRegions, initBodymap, setRegions } from "./bodymap.js";
import { intlLocale, t } from "./i18n.js";

const SCORES = ["leg_pain", "back_pain", "worst_leg_pain"];
const MINUTES = ["sitting_tolerance_min", "walking_tolerance_min"];
const ACTIVITY_PREFIX = "activities.";

function radios(form, name) {
  return Array.from(form.querySelectorAll('input[type="radio"]')).filter((r) => r.name === name);
}

function activityCodes(form) {
  const names = new Set();
  for (const input of form.querySelectorAll('input[type="radio"]')) {
    if (input.name.startsWith(ACTIVITY_PREFIX)) names.add(input.name);
  }
  return Array.from(names, (name) => name.slice(ACTIVITY_PREFIX.length));
}

// A whole number, null for empty, or the text itself so the server names the bad field.
function number(text) {
  const value = (text ?? "").trim();
  if (value === "") return null;
  return /^-?\d+$/.test(value) ? Number(value) : value;
}

function checkedValue(form, name) {
  const chosen = radios(form, name).find((r) => r.checked);
  return chosen ? number(chosen.value) : null;
}

function setChecked(form, name, value) {
  const wanted = value === null || value === undefined ? null : String(value);
  for (const radio of radios(form, name)) radio.checked = radio.value === wanted;
}

function bodymapRoot(form) {
  return form.querySelector("[data-bodymap]");
}

/**
 * Return the entry the form holds, in the API's JSON shape: {day, leg_pain, back_pain,
 * worst_leg_pain, regions, activities, sitting_tolerance_min, walking_tolerance_min,
 * red_flags, note}. Unanswered scores and minutes are null; unanswered activities are left
 * out. Nothing is validated here: the server refuses and names a bad field.
 */
export function readEntryForm(form) {
  const entry = { day: form.elements.day.value };
  for (const name of SCORES) entry[name] = checkedValue(form, name);
  entry.regions = getRegions(bodymapRoot(form));
  entry.activities = {};
  for (const code of activityCodes(form)) {
    const value = checkedValue(form, ACTIVITY_PREFIX + code);
    if (value !== null) entry.activities[code] = value;
  }
  for (const name of MINUTES) entry[name] = number(form.elements[name]?.value);
  entry.red_flags = Array.from(
    form.querySelectorAll('input[name="red_flags"]:checked'),
    (box) => box.value,
  );
  entry.note = form.elements.note?.value ?? "";
  return entry;
}

/**
 * Return the form as one change of the sync protocol (DESIGN.md section 4):
 * {kind: "entry", id, base_version, deleted: false, data}. An edit form's id comes from its
 * data-entry-id; a new entry's from its hidden id field, or a fresh UUID when it has none.
 */
export function readEntryChange(form) {
  const id = form.dataset.entryId || form.elements.id?.value || crypto.randomUUID();
  const base = number(form.elements.base_version?.value);
  return { kind: "entry", id, base_version: base, deleted: false, data: readEntryForm(form) };
}

/**
 * Fill the form from `entry` (the API's JSON shape). Only the keys present are touched, so
 * {regions, activities} changes just those two; `activities` replaces every activity (codes
 * left out become unanswered). Opens a folded part that receives a value, fires a bubbling
 * `input` event from the form. Throws (from the body map) on an unknown region code.
 */
export function fillEntryForm(form, entry) {
  if ("day" in entry && form.elements.day) form.elements.day.value = entry.day ?? "";
  for (const name of SCORES) if (name in entry) setChecked(form, name, entry[name]);
  if ("regions" in entry) setRegions(bodymapRoot(form), entry.regions ?? {});
  if ("activities" in entry) {
    const limits = entry.activities ?? {};
    for (const code of activityCodes(form)) {
      setChecked(form, ACTIVITY_PREFIX + code, limits[code]);
    }
  }
  for (const name of MINUTES) {
    if (name in entry && form.elements[name]) form.elements[name].value = entry[name] ?? "";
  }
  if ("red_flags" in entry) {
    const flags = new Set(entry.red_flags ?? []);
    for (const box of form.querySelectorAll('input[name="red_flags"]')) {
      box.checked = flags.has(box.value);
    }
  }
  if ("note" in entry && form.elements.note) form.elements.note.value = entry.note ?? "";
  openFilledParts(form);
  showRedFlagAdvice(form);
  form.dispatchEvent(new Event("input", { bubbles: true }));
}

/** Empty the form for another entry on `day` (YYYY-MM-DD) with a fresh client id. */
export function clearEntryForm(form, day) {
  fillEntryForm(form, {
    day,
    leg_pain: null,
    back_pain: null,
    worst_leg_pain: null,
    regions: {},
    activities: {},
    sitting_tolerance_min: null,
    walking_tolerance_min: null,
    red_flags: [],
    note: "",
  });
  if (form.elements.id) form.elements.id.value = crypto.randomUUID();
}

function openFilledParts(form) {
  for (const details of form.querySelectorAll("details")) {
    const filled = Array.from(details.querySelectorAll("input, textarea")).some((input) =>
      input.type === "radio" || input.type === "checkbox" ? input.checked : input.value !== "",
    );
    if (filled) details.open = true;
  }
}

// The advice appears the moment a flag is ticked (offline too), in a role="alert" region.
function showRedFlagAdvice(form) {
  const box = form.querySelector("[data-red-flag-advice]");
  if (!box) return;
  const any = form.querySelector('input[name="red_flags"]:checked') !== null;
  if (!any) {
    box.replaceChildren();
  } else if (!box.querySelector("p")) {
    const text = document.createElement("p");
    text.textContent = box.dataset.advice;
    box.replaceChildren(text);
  }
}

// Tapping the chosen segment again clears it: a score or a limit tapped by mistake can be
// taken back (radios cannot be unticked otherwise). Arrow keys move and choose as usual.
function allowClearing(form) {
  const chosen = new Map();
  const remember = () => {
    chosen.clear();
    for (const radio of form.querySelectorAll('input[type="radio"]:checked')) {
      chosen.set(radio.name, radio.value);
    }
  };
  form.addEventListener("click", (event) => {
    const radio = event.target;
    if (!(radio instanceof HTMLInputElement) || radio.type !== "radio") return;
    if (chosen.get(radio.name) === radio.value) {
      radio.checked = false;
      chosen.delete(radio.name);
      form.dispatchEvent(new Event("input", { bubbles: true }));
    } else {
      chosen.set(radio.name, radio.value);
    }
  });
  form.addEventListener("input", remember);
  form.addEventListener("change", remember);
  remember();
}

function dayBefore(day) {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

function dayWords(day) {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(intlLocale(), {
    weekday: "long",
    day: "numeric",
    month: "long",
    timeZone: "UTC",
  });
}

// The latest entry before `day`, asked of the server (the page may be older than the last
// save); offline, the one the page was rendered with, when it is still before `day`.
async function latestBefore(button, day) {
  try {
    const query = new URLSearchParams({ to: dayBefore(day), limit: "1" });
    const response = await fetch(`/api/v1/entries?${query}`, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (response.ok) return (await response.json()).entries[0] ?? null;
  } catch {
    /* offline: use the page's copy below */
  }
  const embedded = JSON.parse(button.dataset.copy || "null");
  return embedded && embedded.day < day ? embedded : null;
}

function wireSameAsYesterday(form) {
  const button = form.querySelector("[data-same-as-yesterday]");
  const status = form.querySelector("[data-entry-status]");
  if (!button) return;
  button.addEventListener("click", async (event) => {
    event.preventDefault();
    const day = form.elements.day.value;
    const source = day ? await latestBefore(button, day) : null;
    if (!source) {
      status.textContent = t("There is no earlier entry to copy yet.");
      return;
    }
    fillEntryForm(form, { regions: source.regions, activities: source.activities });
    status.textContent =
      t("Copied where it hurt and your activities from %(day)s. Choose your two scores, then tap Save.", { day: dayWords(source.day) });
  });
}

/** Set up one entry form: the body map, the advice, clearing, "same as yesterday". */
export function initEntryForm(form) {
  if (!form || "entryFormReady" in form.dataset) return;
  form.dataset.entryFormReady = "";
  initBodymap(bodymapRoot(form));
  allowClearing(form);
  form.addEventListener("change", (event) => {
    if (event.target.name === "red_flags") showRedFlagAdvice(form);
  });
  wireSameAsYesterday(form);
  // After a refused save, take the reader to the list of what to fix.
  form.ownerDocument.querySelector("[data-error-summary]")?.focus();
}

for (const form of document.querySelectorAll("[data-entry-form]")) initEntryForm(form);
