// Shared page behaviour: small progressive enhancements that every page may use.

// The keyboard's focus is never left under the bottom bar or a sticky Save bar.
import "./focus-clear.js";

function fillTimeZone() {
  // Registration: suggest the device's time zone so "today" is the patient's today.
  const input = document.querySelector("[data-time-zone]");
  if (!input || (input.value && input.value !== "UTC")) return;
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) input.value = zone;
  } catch {
    /* keep UTC */
  }
}

fillTimeZone();

// The service worker (static/sw.js, served at /sw.js): the app shell offline and Background
// Sync. A module worker, because it imports the outbox and sync modules.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker
    .register("/sw.js", { type: "module", scope: "/" })
    .then(watchForUpdates)
    .catch(() => {
      /* no worker (private mode, old browser): the pages still work online */
    });
}

let asked = false; // this page asked for the new worker: reload when it takes over
const offer = (worker) =>
  import("./update-prompt.js").then((m) =>
    m.offer(worker, () => {
      asked = true;
    }),
  );

/** A new deploy's worker waits until the patient chooses (update-prompt.js offers it). */
function watchForUpdates(registration) {
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
