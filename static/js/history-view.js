// History with this phone's changes: what is not synced yet at the top (with the conflict
// chooser), and the list reconciled with IndexedDB, so a History page served from the cache
// offline still shows every entry synced since it was cached and every change made here.
import { outbox } from "./page-outbox.js";
import { elsewhereNote, elsewhereNotes, medicineChanges, outboxPanel } from "./outbox-panel.js";
import { card, dayWords, entryTitle, ENTRY_FIELDS, summary } from "./entry-render.js";
import { drawWhereMissing, el, oneAtATime } from "./outbox-render.js";
import { showLeftMessage, showState } from "./queued-pages.js";
import { t } from "./i18n.js";

// Entries as the "Not synced yet" panel names them and where it sends the patient.
const ENTRIES = {
  ...ENTRY_FIELDS,
  name: "entry",
  noun: t("entry"),
  title: entryTitle,
  // A new entry not sent yet has no edit page on the server: Today edits it as a draft.
  editHref: (item) =>
    item.record.known_version === null ? `/today?draft=${encodeURIComponent(item.id)}` : `/entries/${item.id}/edit`,
  fixHref: (item) => `/today?draft=${encodeURIComponent(item.id)}`,
  deleteQuestion: (data) => ({
    title: t("Delete the entry for %(day)s?", { day: dayWords(data.day) }),
    text: t("It is removed from your diary on this phone and, once synced, everywhere."),
    yes: t("Delete entry"),
    no: t("Keep it"),
  }),
};

let panel;

export function wire() {
  showLeftMessage(); // an edit or a delete just queued says so here, as the server's flash would
  panel = outboxPanel(ENTRIES, (node) => {
    const list = document.querySelector("[data-history]");
    if (list) list.before(node);
    else document.querySelector("main")?.append(node);
  });
  document.addEventListener("diary:outbox-changed", render);
  render();
}

// wire() runs after this module is evaluated, so render exists by then.
const render = oneAtATime(renderNow);

async function renderNow() {
  const box = await outbox();
  const items = await box.view("entry");
  const records = await box.records();
  const count = (kind) => records.filter((r) => r.kind === kind).length;
  panel.render(
    items.filter((item) => item.record),
    elsewhereNotes(
      elsewhereNote(count("therapy"), t("therapy"), "/therapies/#outbox", t("see your therapies")),
      elsewhereNote(medicineChanges(records), t("medicine"), "/medications/#outbox", t("see your medicines")),
      elsewhereNote(count("response"), t("questionnaire"), "/questionnaires/#outbox", t("see your questionnaires")),
    ),
  );
  const history = document.querySelector("[data-history]");
  if (history) reconcileList(history, items, await box.pulledSince(history.dataset.seq));
}

// ---- the list ---------------------------------------------------------------------------

// The list shows the synced rows; this phone's own changes are in the panel above it.
function reconcileList(history, items, pulledSince) {
  const byId = new Map(items.map((item) => [item.id, item]));
  const cards = new Map([...history.querySelectorAll("[data-entry-id]")].map((c) => [c.dataset.entryId, c]));
  for (const [id, node] of cards) {
    const item = byId.get(id);
    if (!item) continue; // not pulled yet: the page knows best
    node.hidden = item.deleted;
    showItem(node, item);
  }
  if (!firstPage()) return done(history);
  const oldest = oldestShownDay(history);
  for (const item of items) {
    if (cards.has(item.id) || item.state !== "synced" || !drawWhereMissing(item, pulledSince)) continue;
    if (oldest && item.data.day < oldest) continue; // on a later page
    const node = card(item);
    insertCard(history, node, item.data.day);
    showItem(node, item);
  }
  const live = [...history.querySelectorAll("[data-entry-id]")].some((c) => !c.hidden);
  for (const empty of history.querySelectorAll(".empty-state")) empty.hidden = live;
  done(history);
}

// How many times the list has been brought up to date: tests wait on it.
function done(history) {
  history.dataset.reconciled = String(Number(history.dataset.reconciled || 0) + 1);
}

function showItem(node, item) {
  // Replace what the server rendered only with something newer: a change made here, or a
  // synced version the (cached) page did not have yet, or the synced one after a local one.
  const local = item.state !== "synced";
  const newer = (item.version || 0) > (Number(node.dataset.version) || 0);
  if (local || newer || node.dataset.shown === "local") {
    const fresh = summary(item.data || {});
    const old = node.querySelector(".entry-summary");
    if (old) old.replaceWith(fresh);
    else node.prepend(fresh);
    if (local) node.dataset.shown = "local";
    else {
      delete node.dataset.shown;
      node.dataset.version = String(item.version);
    }
  }
  showState(node, item, panel, ".entry-meta");
}

function firstPage() {
  return !new URLSearchParams(window.location.search).get("after");
}

function oldestShownDay(history) {
  // Only a full first page has older entries elsewhere; otherwise every entry belongs here.
  if (!document.querySelector('.pager a[rel="next"]')) return null;
  const days = [...history.querySelectorAll(".history-day h2[id^='day-']")].map((h) => h.id.slice(4));
  return days.length ? days.sort()[0] : null;
}

function insertCard(history, node, day) {
  let section = history.querySelector(`#day-${CSS.escape(day)}`)?.closest(".history-day");
  if (!section) {
    section = el(
      "section",
      { className: "history-day", "aria-labelledby": `day-${day}` },
      el("h2", { id: `day-${day}` }, dayWords(day)),
      el("ul", { className: "entry-list" }),
    );
    const later = [...history.querySelectorAll(".history-day")].find((s) => {
      const id = s.querySelector("h2")?.id || "";
      return id.slice(4) < day;
    });
    if (later) later.before(section);
    else history.append(section);
  }
  section.querySelector(".entry-list").prepend(node);
}
