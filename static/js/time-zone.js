// The registration form's time zone: choose the one this device is set to, when the server
// sent a fresh form (data-time-zone-guess). Without JavaScript, or when the browser does not
// say, the server's default (UTC) stays selected.
import { t } from "./i18n.js";

const select = document.querySelector("select[data-time-zone-guess]");
const zone = (() => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
})();

if (select && zone && select.value !== zone) {
  let option = Array.from(select.options).find((o) => o.value === zone);
  if (!option) {
    // Browsers name some zones by an older alias (Asia/Calcutta for Asia/Kolkata); the server
    // knows those too, so offer the browser's name as it is.
    option = new Option(zone, zone);
    const group = document.createElement("optgroup");
    group.label = t("This device");
    group.append(option);
    select.prepend(group);
  }
  option.selected = true;
}
