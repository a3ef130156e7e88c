// The single days before the charts page's own. The page carries its last year of days and
// weekly averages before it (diary/charts/reads.py); when the reader picks a span that
// reaches further, charts.js asks for those days here, at the address the page gave: the
// patient's timeline API (offline, the service worker answers with the days it kept the
// last time they were seen: static/sw.js), a physician's under their share, or a view
// link's own (neither kept by the worker).

const COLUMNS = ["day", "leg", "back", "leg_avg7", "back_avg7"];

// Resolves to the timeline's columns (as the page's own: {day: [...], leg: [...], ...}) for
// the days before ``older.before``; rejects when neither the server nor the worker has them
// (with the answer's ``status`` when the server refused: a share or link that has ended).
export async function fetchOlderDays(older) {
  const response = await fetch(older.url, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  if (!response.ok) {
    throw Object.assign(new Error(`older days: ${response.status}`), { status: response.status });
  }
  const { days } = await response.json();
  const columns = Object.fromEntries(COLUMNS.map((name) => [name, []]));
  for (const row of days) {
    if (row.day >= older.before) break; // the page has these (days come oldest first)
    for (const name of COLUMNS) columns[name].push(row[name]);
  }
  return columns;
}
