// "New version available — Reload": a new deploy's service worker waits until the patient
// chooses, so a page never mixes old and new code; choosing activates it and reloads.
import { t } from "./i18n.js";

let asked = false; // this page asked for the new worker: reload when it takes over

export function watchForUpdates(registration) {
  let hadController = !!navigator.serviceWorker.controller;
  if (registration.waiting && hadController) offer(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    if (!worker) return;
    worker.addEventListener("statechange", () => {
      // No controller yet means a first install: there is no old version to replace.
      if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
    });
  });
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (asked) {
      window.location.reload();
    } else if (hadController) {
      offer(null); // another tab chose the new version: offer it here too, without forcing it
    }
    hadController = true;
  });
  // A page left open for days still learns about a deploy.
  setInterval(() => registration.update().catch(() => {}), 60 * 60 * 1000);
}

function offer(worker) {
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
    asked = true;
    worker.postMessage({ type: "SKIP_WAITING" });
  });
  bar.append(text, button);
  document.body.prepend(bar);
}
