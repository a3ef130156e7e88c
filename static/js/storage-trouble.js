// When this phone cannot keep a change: IndexedDB refuses the write, most often because the
// phone's storage is full (QuotaExceededError). The forms say so where they say "Saved on
// this phone" and keep what the patient entered: a Save must never fail silently.
import { t } from "./i18n.js";

/** Why the phone could not keep a change: the words a form says (page-outbox.js, kept). */
export function whyNotKept(error) {
  if (error && error.name === "QuotaExceededError") {
    return t(
      "Could not save on this phone: its storage is full. What you entered is still here. Free some space (photos, videos or apps you no longer need), then try again.",
    );
  }
  return t("Could not save on this phone. What you entered is still here. Try again in a moment.");
}
