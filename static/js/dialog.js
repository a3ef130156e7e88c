// A modal question with two answers, in a native <dialog> (focus kept inside, Escape = no).
// Resolves true for "yes". Used before deleting an entry and before signing out with
// changes that are still only on this phone. Without ``no`` it is a notice with one button.
import { t } from "./i18n.js";

export function ask({ title, text, yes, no, danger = false }) {
  return new Promise((resolve) => {
    const dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    const id = `dialog-${Math.random().toString(36).slice(2)}`;
    dialog.setAttribute("aria-labelledby", id);
    const heading = document.createElement("h2");
    heading.id = id;
    heading.textContent = title;
    const body = document.createElement("p");
    body.textContent = text;
    const stay = no ? button(no, "button") : null;
    const go = button(yes, danger ? "button danger" : "button primary");
    const actions = document.createElement("p");
    actions.className = "actions";
    actions.append(...[go, stay].filter(Boolean));
    dialog.append(heading, body, actions);
    document.body.append(dialog);
    const finish = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    if (stay) stay.addEventListener("click", () => finish(false));
    go.addEventListener("click", () => finish(true));
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      finish(false);
    });
    dialog.showModal();
    (stay || go).focus(); // the safe answer first
  });
}

function button(label, className) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = className;
  element.textContent = label;
  return element;
}
