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
    .then((registration) => import("./update-prompt.js").then((m) => m.watchForUpdates(registration)))
    .catch(() => {
      /* no worker (private mode, old browser): the pages still work online */
    });
}
