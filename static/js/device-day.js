// Calendar days as the patient lives them: the device's own date, not the server's (DESIGN.md
// section 4). Used by the forms that queue changes offline, which must not trust a date
// rendered into a page that may have come from the cache days ago.

const pad = (n) => String(n).padStart(2, "0");
const iso = (date) => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;

/** The device's calendar day: the patient's today, "YYYY-MM-DD". */
export function localToday() {
  return iso(new Date());
}

/** The latest day the server accepts: a phone in UTC+14 may be a day ahead; none is two. */
export function latestDay() {
  const tomorrow = new Date();
  tomorrow.setDate(tomorrow.getDate() + 1);
  return iso(tomorrow);
}
