// The view-link page: copy the link in one tap where the browser allows it. Without a script
// (or a clipboard) the read-only field still lets the patient select and copy it.
import { t } from "./i18n.js";
const source = document.querySelector("[data-copy-source]");
const button = document.querySelector("[data-copy-button]");
const status = document.querySelector("[data-copy-status]");

if (source && button && navigator.clipboard) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.value);
      status.textContent = t("Copied.");
    } catch {
      source.select();
      status.textContent = t("Select the link and copy it.");
    }
  });
}
