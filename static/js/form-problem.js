// A form checked on the phone before queueing (medicines, therapies, questionnaires, the
// daily entry) shows a problem as the server's form would: the words in the form's status
// line, the field marked invalid and described by them, and the focus on the field, clear
// of the bars. Left on Save, the focus could end under the bottom bar as the line grew.
import { showClearOfBars } from "./focus-clear.js";

function controlOf(form, field) {
  const found = typeof field === "string" ? form.elements.namedItem(field) : field;
  // A group of radios: its first.
  return found instanceof RadioNodeList ? found[0] : found;
}

/** Say ``problem`` (``problem(words, field)``) in ``status``, mark its field and focus it. */
export function sayProblem(form, status, { words, field }) {
  clearProblem(form);
  if (!status) return;
  status.textContent = words;
  status.dataset.saveState = "invalid";
  const control = controlOf(form, field);
  if (!control || typeof control.focus !== "function") return;
  if (!status.id) status.id = `problem-${[...document.forms].indexOf(form)}`;
  control.dataset.problem = JSON.stringify([control.getAttribute("aria-invalid"), control.getAttribute("aria-describedby")]);
  control.setAttribute("aria-invalid", "true");
  control.setAttribute("aria-describedby", `${status.id} ${control.getAttribute("aria-describedby") || ""}`.trim());
  control.focus({ preventScroll: true });
  showClearOfBars(control);
}

/** Undo what ``sayProblem`` marked (the server's own marks stay). */
export function clearProblem(form) {
  for (const control of form.querySelectorAll("[data-problem]")) {
    const [invalid, describedBy] = JSON.parse(control.dataset.problem);
    for (const [name, value] of [["aria-invalid", invalid], ["aria-describedby", describedBy]]) {
      if (value === null) control.removeAttribute(name);
      else control.setAttribute(name, value);
    }
    delete control.dataset.problem;
  }
}
