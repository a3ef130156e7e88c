// History with this phone's changes: what is not synced yet at the top (with the conflict
// chooser), and the list reconciled with IndexedDB, so a History page served from the cache
// offline still shows every entry synced since it was cached and every change made here.
import { outbox, changed } from "./offline.js";
import { ask } from "./dialog.js";
import { badge, card, conflictVersions, dayWords, el, entryTitle, summary } from "./entry-render.js";

const seen = new Set(); // ids shown as not synced during this visit: they say "Synced" after

export function wire() {
  const panel = ensurePanel();
  panel.addEventListener("click", onPanelClick);
  document.addEventListener("diary:outbox-changed", render);
  render();
}

function ensurePanel() {
  let panel = document.querySelector("[data-outbox-panel]");
  if (panel) return panel;
  panel = el("section", {
    className: "outbox-panel",
    id: "outbox",
    dataset: { outboxPanel: "" },
    "aria-labelledby": "outbox-title",
    hidden: true,
  });
  const list = document.querySelector("[data-history]");
  if (list) list.before(panel);
  else document.querySelector("main")?.append(panel);
  return panel;
}

let rendering = Promise.resolve();

function render() {
  // Renders run one after another: two overlapping ones would interleave their DOM edits.
  rendering = rendering.then(renderNow, renderNow);
  return rendering;
}

async function renderNow() {
  const box = await outbox();
  const items = await box.view("entry");
  renderPanel(items.filter((item) => item.record));
  reconcileList(items);
}

// ---- what is not synced yet -------------------------------------------------------------

function renderPanel(records) {
  const panel = document.querySelector("[data-outbox-panel]");
  if (!panel) return;
  panel.hidden = records.length === 0;
  if (!records.length) {
    panel.replaceChildren();
    return;
  }
  const waiting = records.filter((i) => i.state === "device").length;
  const needs = records.length - waiting;
  const lead = [
    waiting && `${waiting === 1 ? "1 change is" : `${waiting} changes are`} saved on this phone and will be sent when you are online.`,
    needs && `${needs === 1 ? "1 change needs" : `${needs} changes need`} you to choose what to keep.`,
  ].filter(Boolean);
  panel.replaceChildren(
    el("h2", { id: "outbox-title" }, "Not synced yet"),
    el("p", {}, lead.join(" ")),
    el("ul", { className: "outbox-list" }, ...records.map(outboxItem)),
  );
  for (const item of records) seen.add(item.id);
}

function outboxItem(item) {
  const record = item.record;
  const data = record.desired.data || (record.server ? record.server : {}) || {};
  const what = record.desired.deleted
    ? `Deleted: ${entryTitle(data)}`
    : record.known_version === null
      ? `New: ${entryTitle(data)}`
      : `Edited: ${entryTitle(data)}`;
  const li = el(
    "li",
    { className: "outbox-item", dataset: { outboxId: item.id, state: item.state } },
    el("p", {}, el("strong", {}, what), " ", badge(item.state)),
  );
  if (item.state === "conflict") {
    const server = record.server || {};
    li.append(
      el("p", {}, "This entry was also changed on another device. Both versions are kept until you choose."),
      conflictVersions(
        { data: record.desired.data, deleted: record.desired.deleted },
        { data: server, deleted: !!server.deleted },
      ),
      el(
        "p",
        { className: "actions" },
        el("button", { type: "button", className: "button primary", dataset: { choose: "mine" } }, "Keep mine"),
        el("button", { type: "button", className: "button", dataset: { choose: "theirs" } }, "Keep the other version"),
      ),
    );
  } else if (item.state === "device" && !record.desired.deleted) {
    // A new entry not sent yet has no edit page on the server: Today edits it as a draft.
    const edit = record.known_version === null ? `/today?draft=${encodeURIComponent(item.id)}` : `/entries/${item.id}/edit`;
    li.append(
      el(
        "p",
        { className: "actions" },
        el("a", { className: "button", href: edit }, "Edit", el("span", { className: "visually-hidden" }, ` ${entryTitle(data)}`)),
        el("button", { type: "button", className: "button danger", dataset: { choose: "delete" } }, "Delete", el("span", { className: "visually-hidden" }, ` ${entryTitle(data)}`)),
      ),
    );
  } else if (item.state === "rejected") {
    const error = record.error || {};
    const fields = Object.values(error.fields || {});
    li.append(
      el("p", { className: "error" }, `The server did not accept it: ${fields.length ? fields.join("; ") : error.message || "it is not valid"}.`),
      el(
        "p",
        { className: "actions" },
        record.desired.deleted
          ? null
          : el("a", { className: "button primary", href: `/today?draft=${encodeURIComponent(item.id)}` }, "Fix it"),
        el("button", { type: "button", className: "button danger", dataset: { choose: "discard" } }, "Discard this change"),
      ),
    );
  }
  return li;
}

async function onPanelClick(event) {
  const button = event.target.closest("[data-choose]");
  if (!button) return;
  const id = button.closest("[data-outbox-id]").dataset.outboxId;
  button.disabled = true;
  const box = await outbox();
  const choice = button.dataset.choose;
  if (choice === "delete") {
    const record = await box.record(id);
    const sure = await ask({
      title: `Delete the entry for ${dayWords(record?.desired.data?.day)}?`,
      text: "It is removed from your diary on this phone and, once synced, everywhere.",
      yes: "Delete entry",
      no: "Keep it",
      danger: true,
    });
    if (!sure) {
      button.disabled = false;
      return;
    }
    await box.remove("entry", id);
  } else if (choice === "discard") {
    await box.discard(id);
  } else {
    await box.resolve(id, choice);
  }
  await changed();
}

// ---- the list ---------------------------------------------------------------------------

function reconcileList(items) {
  const history = document.querySelector("[data-history]");
  if (!history) return;
  const byId = new Map(items.map((item) => [item.id, item]));
  const cards = new Map([...history.querySelectorAll("[data-entry-id]")].map((c) => [c.dataset.entryId, c]));
  for (const [id, node] of cards) {
    const item = byId.get(id);
    if (!item) continue; // not pulled yet: the page knows best
    node.hidden = item.deleted;
    showItem(node, item);
  }
  if (!firstPage()) return;
  const oldest = oldestShownDay(history);
  for (const item of items) {
    if (cards.has(item.id) || item.deleted || item.state !== "synced" || !item.data) continue;
    if (oldest && item.data.day < oldest) continue; // on a later page
    const node = card(item);
    insertCard(history, node, item.data.day);
    showItem(node, item);
  }
  const live = [...history.querySelectorAll("[data-entry-id]")].some((c) => !c.hidden);
  for (const empty of history.querySelectorAll(".empty-state")) empty.hidden = live;
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
  let state = item.state;
  if (state === "synced" && !seen.has(item.id)) state = null;
  const current = node.querySelector("[data-sync-badge]");
  if (!state) {
    if (current) current.remove();
  } else if (!current || current.dataset.state !== state) {
    const fresh = badge(state);
    if (current) current.replaceWith(fresh);
    else (node.querySelector(".entry-meta") || node).prepend(fresh);
  }
  node.dataset.sync = state || "synced";
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
