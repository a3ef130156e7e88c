// "New version available — Reload": a new deploy's service worker waits until the patient
// chooses, so a page never mixes old and new code; choosing activates it and reloads.

let reloading = false;

export function watchForUpdates(registration) {
  if (!navigator.serviceWorker.controller) return; // first install: nothing stale to replace
  if (registration.waiting) offer(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    if (!worker) return;
    worker.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
    });
  });
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (reloading) return;
    reloading = true;
    window.location.reload();
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
  text.textContent = "New version available.";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "button primary";
  button.textContent = "Reload";
  button.addEventListener("click", () => {
    button.disabled = true;
    worker.postMessage({ type: "SKIP_WAITING" });
  });
  bar.append(text, button);
  document.body.prepend(bar);
}
