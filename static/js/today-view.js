// Today: what is already logged today comes first, from the server's page and from this
// phone (saved here and not sent yet, or synced since a kept page was made), and the
// form folds behind "Add another entry" once something is logged, so a second entry for
// the day is a choice. The form itself is entry-form.js's and entry-queue.js's.
import { outbox } from "./page-outbox.js";
import { card, summary } from "./entry-render.js";
import { badge, drawWhereMissing, oneAtATime } from "./outbox-render.js";
import { localToday } from "./device-day.js";

export function wire() {
  document.addEventListener("diary:outbox-changed", render);
  // entry-queue.js saved the form: show the entry and fold the form.
  document.addEventListener("diary:entry-saved", (event) => {
    fold();
    say(event.detail.message);
    render();
  });
  // ...and, once sent, what became of it.
  document.addEventListener("diary:entry-sent", (event) => {
    say(event.detail.message);
    render();
  });
  render();
}

const render = oneAtATime(renderNow);

async function renderNow() {
  const section = document.querySelector("[data-logged-today]");
  if (!section) return;
  const list = section.querySelector(".entry-list");
  const today = localToday();
  const cards = new Map([...list.querySelectorAll("[data-entry-id]")].map((c) => [c.dataset.entryId, c]));
  // A page from the cache may be from another day: its cards are not today's.
  for (const [id, node] of cards) {
    if (node.dataset.day !== today) {
      node.remove();
      cards.delete(id);
    }
  }
  const box = await outbox();
  const items = await box.view("entry");
  // A page made for another day than the phone's (kept from yesterday, or for an account
  // whose zone is ahead) lacks the phone's day: its synced rows are drawn from the phone.
  const pulledSince = section.dataset.day !== today || (await box.pulledSince(section.dataset.seq));
  for (const item of items) {
    if (!item.data || item.data.day !== today) continue;
    let node = cards.get(item.id);
    if (item.deleted) {
      node?.remove();
      continue;
    }
    if (!node && !drawWhereMissing(item, pulledSince)) continue;
    if (!node) {
      node = card(item);
      node.dataset.day = today;
      list.append(node);
    } else if (item.state !== "synced") {
      node.querySelector(".entry-summary")?.replaceWith(summary(item.data));
    }
    const shown = node.querySelector("[data-sync-badge]");
    if (item.state === "synced") shown?.remove();
    else if (!shown || shown.dataset.state !== item.state) {
      const fresh = badge(item.state);
      if (shown) shown.replaceWith(fresh);
      else node.querySelector(".entry-meta")?.prepend(fresh);
    }
  }
  const any = list.querySelector("[data-entry-id]") !== null;
  section.hidden = !any;
  // The heading and the form say what this phone's day holds: a page the server made for
  // another day (from the cache, or for an account's zone ahead of this phone's) may have
  // said "Logged today" over cards that are gone now; nothing logged opens the form again.
  const title = document.querySelector("[data-today-title]");
  if (title) title.textContent = any ? title.dataset.loggedWords : title.dataset.freshWords;
  const form = document.querySelector("[data-another-entry]");
  if (any) form?.classList.add("collapsible");
  else if (form?.classList.contains("collapsible")) {
    form.classList.remove("collapsible");
    form.open = true;
  }
  // How many times the list has been brought up to date: tests wait on it.
  section.dataset.reconciled = String(Number(section.dataset.reconciled || 0) + 1);
}

function fold() {
  const form = document.querySelector("[data-another-entry]");
  if (!form) return;
  // Saved by keyboard, the focus was on Save, which folds away: it would fall to the page,
  // and the next Tab skip what was just logged. It goes to "Add another entry" instead.
  const hadFocus = form.contains(document.activeElement);
  form.classList.add("collapsible");
  form.open = false;
  if (hadFocus) form.querySelector("summary")?.focus();
}

// The form's own status line is folded away with it: say the outcome where it stays seen.
function say(message) {
  const status = document.querySelector("[data-today-status]");
  if (status && message) status.textContent = message;
}
