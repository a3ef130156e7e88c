// Shared page behaviour: small progressive enhancements that every page may use.

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
