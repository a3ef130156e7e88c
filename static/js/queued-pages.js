// What the pages that queue changes share (therapies, questionnaires, History): the line a
// form leaves for its list, a card with this phone's version and badge, a form replaced.
import { changedThenGo } from "./offline.js";
import { badge, el } from "./outbox-render.js";

const MESSAGE_KEY = "diary-list-message";

/** After queueing: go to ``url``, which says ``message`` once (``showLeftMessage``). */
export function leaveFor(url, message) {
  sessionStorage.setItem(MESSAGE_KEY, message);
  return changedThenGo(url);
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
 * Show ``item`` (outbox.view()'s) in the server's card ``node`` only when newer: a change made
 * here, a synced version the cached page lacks, or the synced one after a local one.
 * ``content()`` builds its inside, ``key`` tells a change, ``moved()`` places it again.
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

/** The card's badge: its state while not synced, "Synced" once a change the panel showed
 * this visit is sent, else none; first in the card's ``where`` (a selector). */
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
