// "New version available — Reload": a new deploy's service worker waits until the patient
// chooses, so a page never mixes old and new code; choosing activates it and reloads.
// app.js watches for a new version and loads this module only when there is one.
import { t } from "./i18n.js";

/** Offer the waiting ``worker`` (null: another tab already chose it); ``chosen()`` when the
 * patient asks for it here, before it takes over (app.js then reloads the page). */
export function offer(worker, chosen) {
  if (document.querySelector("[data-update-prompt]")) return;
  const bar = document.createElement("div");
  bar.className = "update-prompt";
  bar.dataset.updatePrompt = "";
  bar.setAttribute("role", "status");
  const text = document.createElement("p");
  text.textContent = t("New version available —");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button primary";
  button.textContent = t("Reload");
  button.addEventListener("click", () => {
    button.disabled = true;
    if (!worker) {
      window.location.reload();
      return;
    }
    chosen();
    worker.postMessage({ type: "SKIP_WAITING" });
  });
  bar.append(text, button);
  document.body.prepend(bar);
}
