// Calendar days as the patient lives them: the device's own date, not the server's (DESIGN.md
// section 4). Used by the forms that queue changes offline, which must not trust a date
// rendered into a page that may have come from the cache days ago.

const pad = (n) => String(n).padStart(2, "0");
const iso = (date) => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;

/** The device's calendar day: the patient's today, "YYYY-MM-DD". */
export function localToday() {
  return iso(new Date());
}

/** The latest day a form on this phone takes: the patient's today. (The server takes any day
 * begun somewhere on Earth, so that a phone in another zone than its account is never
 * refused; a day the patient has not reached yet is a slip.) */
export function latestDay() {
  return localToday();
}
