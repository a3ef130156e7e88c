// What the pages that queue changes into the outbox share: the line a form leaves for the
// list it goes back to, a list's card shown with this phone's version and its sync badge,
// a form replaced by a notice when it cannot be used here, and the no-JS delete page. Used by
// the therapy, medicine and questionnaire pages and by History; no state of its own.
import { changedThenGo, kept, outbox } from "./page-outbox.js";
import { badge, el } from "./outbox-render.js";

const MESSAGE_KEY = "diary-list-message";

/** After queueing: go to ``url``, which says ``message`` once (``showLeftMessage``). */
export function leaveFor(url, message) {
  sessionStorage.setItem(MESSAGE_KEY, message);
  return changedThenGo(url);
}

/**
 * The no-JS confirmation page that deletes a ``kind`` (therapy, medication, response): its
 * submit queues the delete, made from the newer of the page's version and this phone's (a
 * cached page may be behind), with the content ``dataOf(the page's row)``, then goes back to
 * ``list`` saying ``said(data)``.
 */
export function wireDeletePage(form, kind, { list, dataOf, said }) {
  const id = form.dataset.objectId;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const box = await outbox();
    const item = (await box.view(kind)).find((i) => i.id === id);
    const data = dataOf(JSON.parse(form.dataset[kind] || "{}"));
    const baseVersion = Math.max(Number(form.dataset.version) || 0, item?.version || 0) || null;
    if (!(await kept(() => box.remove(kind, id, { baseVersion, data }), (words) => sayAbove(form, words)))) return;
    await leaveFor(list, said(data));
  });
}

// The delete page has no status line of its own: an alert, put in when there is news.
function sayAbove(form, words) {
  form.parentElement.querySelector("[data-delete-status]")?.remove();
  form.before(el("p", { className: "error", role: "alert", dataset: { deleteStatus: "", saveState: "error" } }, words));
}

/** The line a form left ("Saved: Physio."), once, where the server puts its flashes. */
export function showLeftMessage() {
  const text = sessionStorage.getItem(MESSAGE_KEY);
  sessionStorage.removeItem(MESSAGE_KEY);
  const main = document.querySelector("main");
  if (!text || !main) return;
  const flashes = main.querySelector(".flashes") || el("div", { className: "flashes" });
  flashes.replaceChildren(el("p", { className: "flash flash-success", role: "status" }, text));
  main.prepend(flashes);
}

/**
 * Show ``item`` (an outbox.view() item) in the card ``node`` the server rendered, but only
 * when it is newer: a change made here, a synced version the (cached) page did not have,
 * or the synced one after a local one. ``content()`` builds the card's inside, ``key`` says
 * whether it differs from what is shown, ``moved()`` puts the card in its place again.
 */
export function refreshCard(node, item, { content, key, moved }) {
  const local = item.state !== "synced";
  const newer = (item.version || 0) > (Number(node.dataset.version) || 0);
  if (!item.data || !(local || newer || node.dataset.shown === "local")) return;
  if (node.dataset.content !== key) {
    node.replaceChildren(...content());
    node.dataset.content = key;
    moved();
  }
  if (local) node.dataset.shown = "local";
  else {
    delete node.dataset.shown;
    node.dataset.version = String(item.version);
  }
}

/**
 * The card's sync badge: its state in words while it is not synced, "Synced" once a change
 * the panel showed during this visit is sent, nothing otherwise. The badge goes first in
 * the card's ``where`` (a selector), or the card itself.
 */
export function showState(node, item, panel, where) {
  let state = item.state;
  if (state === "synced" && !panel.wasShown(item.id)) state = null;
  const current = node.querySelector("[data-sync-badge]");
  if (!state) {
    if (current) current.remove();
  } else if (!current || current.dataset.state !== state) {
    const fresh = badge(state);
    if (current) current.replaceWith(fresh);
    else (node.querySelector(where) || node).prepend(fresh);
  }
  node.dataset.sync = state || "synced";
}

/** Replace ``form`` with a notice (``title`` as the page's heading) and a way back. */
export function replaceForm(form, { title, words, back, backText, alsoRemove = null }) {
  const heading = document.querySelector("h1");
  if (heading) heading.textContent = title;
  const link = el("a", { className: "button", href: back }, backText);
  if (alsoRemove) document.querySelector(alsoRemove)?.closest("p")?.remove();
  form.replaceWith(el("p", {}, words), el("p", {}, link));
}
