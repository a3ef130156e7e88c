// Offline wiring for every page: the sync state in the header, when to flush, signing out
// without losing changes, and the page-specific parts (the entry form, History) when the
// page has them. The outbox (outbox.js) and the flush (sync.js) know nothing of the DOM.
import { Outbox } from "./outbox.js";
import { channelName, announce } from "./channel.js";
import { stopFlushing } from "./sync-thread.js";
import { afterChange, afterFlush, ask, closeOutbox, isSignedOut, markSignedOut, outbox, syncNow } from "./page-outbox.js";
import { t, tn, tNodes } from "./i18n.js";

const body = document.body;
const userId = body.dataset.userId;
const SYNC_TAG = "diary-outbox";

const TEXT = {
  synced: () => t("All synced"),
  syncing: () => t("Syncing…"),
  pending: (n) => t("%(num)s waiting to sync", { num: n }),
  offline: (n) => (n ? t("Offline: saved on this phone") : t("Offline")),
  signin: () => t("Sign in to sync"),
  conflict: (n) => tn("%(num)s change needs your choice", "%(num)s changes need your choice", n),
};

const status = { online: navigator.onLine, syncing: false, reason: null, counts: { pending: 0, conflicts: 0, rejected: 0 } };
afterChange(async () => {
  await refresh();
  requestBackgroundSync();
});
afterFlush(async (outcome) => {
  status.reason = outcome.reason;
  if (outcome.reason === "signin" || outcome.reason === "other_user") tellWorker("SESSION_ENDED");
  await refresh();
});

function stateName() {
  const { counts } = status;
  if (counts.conflicts + counts.rejected > 0) return "conflict";
  if (!status.online) return "offline";
  if (status.reason === "signin" || status.reason === "other_user") return "signin";
  if (status.syncing) return "syncing";
  if (counts.pending > 0) return "pending";
  return "synced";
}

async function refresh() {
  status.counts = await (await outbox()).counts();
  render();
  document.dispatchEvent(new CustomEvent("diary:outbox-changed"));
}

function render() {
  const state = stateName();
  const { counts } = status;
  const needs = counts.conflicts + counts.rejected;
  // Synchronous flags for tests and styles (names distinct from the header's own attributes).
  body.dataset.syncStatus = state;
  body.dataset.unsynced = String(counts.pending);
  const box = document.querySelector(".site-header [data-sync-state]");
  if (box) box.dataset.state = { syncing: "pending", signin: "offline" }[state] || state;
  const text = document.querySelector(".site-header [data-sync-text]");
  const words = TEXT[state](state === "conflict" ? needs : counts.pending);
  // A live region: written only when its words change, or a screen reader says them again.
  if (text && text.textContent !== words) text.textContent = words;
  const count = document.querySelector(".site-header [data-pending-count]");
  if (count) {
    count.hidden = counts.pending === 0;
    const said = tn("%(num)s unsynced change", "%(num)s unsynced changes", counts.pending);
    if (count.textContent !== said) count.textContent = said;
  }
  renderSigninBanner(state === "signin" && counts.pending > 0);
}

function renderSigninBanner(show) {
  let banner = document.querySelector("[data-signin-banner]");
  if (!show) {
    if (banner) banner.remove();
    return;
  }
  if (banner) return;
  banner = document.createElement("p");
  banner.className = "offline-banner";
  banner.dataset.signinBanner = "";
  banner.setAttribute("role", "alert");
  const link = document.createElement("a");
  const here = window.location.pathname + window.location.search;
  link.href = `/signin?next=${encodeURIComponent(here)}`;
  link.textContent = t("Sign in");
  banner.append(...tNodes("Your session ended. Your changes are kept on this phone. %(link)s to send them.", { link }));
  const main = document.querySelector("main");
  if (main) main.prepend(banner);
}

function requestBackgroundSync() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.ready
    .then((registration) => registration.sync && registration.sync.register(SYNC_TAG))
    .catch(() => {
      /* no Background Sync here: the online and visibility events cover it */
    });
}

// Ask the worker to keep for offline use the pages the server lists (data-offline-pages: the
// navigation, the therapy list and forms) and the ones this page links to with data-warm.
function warmPages() {
  if (!("serviceWorker" in navigator)) return;
  const listed = (body.dataset.offlinePages || "").split(" ").filter(Boolean);
  const linked = [...document.querySelectorAll(".main-nav a[href], a[data-warm][href]")].map((a) => a.getAttribute("href"));
  const urls = [...new Set([...listed, ...linked])];
  navigator.serviceWorker.ready.then((registration) => {
    // The page's language: the worker keeps the pages it fetches in that language's cache.
    const lang = document.documentElement.lang || "en";
    // And the reminder's words in it, for a push that arrives without them (sw.js).
    const words = { title: t("Time for your diary"), body: t("Tap to add today's entry.") };
    if (registration.active) registration.active.postMessage({ type: "WARM", userId, urls, lang, words });
  });
}

// Signing out: one last flush; if changes are still only on this phone, ask first; then the
// server ends the session, and only then does this phone forget this user's outbox, synced
// rows and cached pages, before the next person signs in.
/** Sign out, and sign out everywhere (this phone included): both end this phone's session. */
function guardSignOuts() {
  for (const form of document.querySelectorAll("form[data-signout]")) guardSignOut(form);
}

function guardSignOut(form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    const stay = () => {
      if (!button) return;
      button.disabled = false;
      // The dialog could not give the focus back to a disabled button: it would be lost.
      button.focus();
    };
    if (button) button.disabled = true;
    if (!navigator.onLine) {
      // The server must end the session too: signing out offline would only delete data.
      await needsConnection();
      stay();
      return;
    }
    await syncNow().catch(() => null); // a phone without its database has nothing to send
    const left = await unsentCount();
    if (left > 0 && !(await confirmDiscard(left, status.reason === "signin"))) {
      stay();
      return;
    }
    // Deleting first and then failing to reach the server (down, or the signal lost on the
    // way) would lose the changes and leave the session open for whoever holds the phone.
    if (!(await endSession(form))) {
      await needsConnection();
      stay();
      return;
    }
    await forgetThisUser();
    window.location.replace("/signin");
  });
}

const needsConnection = () =>
  ask({
    title: t("You are offline"),
    text: t("Signing out needs a connection. Nothing was deleted: your changes stay on this phone. Try again when you are online."),
    yes: t("OK"),
  });

// The changes only on this phone; none when this browser cannot open its database at all
// (then it keeps nothing to lose, and signing out must still work).
async function unsentCount() {
  try {
    return (await (await outbox()).counts()).pending;
  } catch {
    return 0;
  }
}

/** Post the sign-out form in the background: true once the server has answered it (with its
 * redirect to the sign-in page, which carries the "signed out" message in the cookie). */
async function endSession(form) {
  // A page served from the cache may hold the token of an earlier session.
  const token = await freshToken();
  if (!token) return false;
  const fields = new URLSearchParams(new FormData(form));
  fields.set("csrf_token", token);
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: fields,
      credentials: "same-origin",
      cache: "no-store",
      redirect: "manual",
    });
    return response.type === "opaqueredirect" || response.ok;
  } catch {
    return false;
  }
}

async function freshToken() {
  try {
    const response = await fetch("/api/v1/session", { credentials: "same-origin", cache: "no-store" });
    return response.ok ? (await response.json()).csrf_token : null;
  } catch {
    return null;
  }
}

async function forgetThisUser() {
  // This page's other tabs (and the installed app) go to the sign-in page once this one
  // has left, that is once the server has ended the session (signOutLock).
  await holdUntilThisPageLeaves(signOutLock());
  markSignedOut();
  stopFlushing();
  await closeOutbox();
  announce(userId, { type: "signed-out" });
  // The delete waits for every page holding the database to close it; a page that does
  // not (an older version of this script) only delays it: signing out goes on.
  await Outbox.destroy(userId).catch(() => {});
  // The server forgets this device's reminder with its session; the browser does too.
  await stopReminders().catch(() => {});
  await caches.delete(`diary-pages-${userId}`).catch(() => {});
  await tellWorker("SIGNED_OUT");
}

// Held by the page signing out until it has gone: the sign-in page that follows it comes
// after the server ended the session. Before that, the sign-in page would send the other
// pages back into the diary, which would open its database again.
const signOutLock = () => `diary-signout-${userId}`;

function holdUntilThisPageLeaves(name) {
  if (!navigator.locks) return Promise.resolve();
  return new Promise((held) => {
    navigator.locks.request(name, () => {
      held();
      return new Promise(() => {}); // released when the page is gone
    });
  });
}

/** The user signed out (or deleted the account) in another tab or window: close the
 * diary here, and leave it. */
async function leaveTheDiary(deleted = false) {
  if (isSignedOut()) return;
  markSignedOut();
  stopFlushing();
  await closeOutbox();
  document.title = deleted ? t("Your account is deleted · diary") : t("You signed out · diary");
  const main = document.querySelector("main");
  if (main) {
    const link = document.createElement("a");
    link.href = "/signin";
    link.textContent = t("Sign in");
    const text = document.createElement("p");
    text.setAttribute("role", "status");
    if (deleted) {
      link.textContent = t("Go to the sign-in page");
      text.append(...tNodes("Your account was deleted in another tab or window. %(link)s", { link }));
    } else {
      text.append(...tNodes("You signed out in another tab or window. %(link)s to open your diary again.", { link }));
    }
    const heading = document.createElement("h1");
    heading.textContent = deleted ? t("Your account is deleted") : t("You signed out");
    main.replaceChildren(heading, text);
  }
  body.dataset.syncStatus = "signedout";
  if (navigator.locks) navigator.locks.request(signOutLock(), () => window.location.replace("/signin"));
}

/** Unsubscribe this browser from the daily reminder (signing out, or turning it off). */
export async function stopReminders() {
  const registration = await navigator.serviceWorker?.getRegistration?.();
  const subscription = await registration?.pushManager?.getSubscription();
  await subscription?.unsubscribe();
}

// The session is over (signed out, or the server no longer knows it): the worker drops this
// user's cached pages, so nobody reads them offline. The outbox stays for their next sign-in.
async function tellWorker(type) {
  const registration = await navigator.serviceWorker?.getRegistration?.();
  if (registration && registration.active) registration.active.postMessage({ type, userId });
}

// ``ended``: the server no longer knows this phone's session (ended on another device): the
// changes wait for the patient to sign in again, which the page offers.
function confirmDiscard(count, ended) {
  const text = ended
    ? tn(
        "%(num)s change is only on this phone. Your session ended, so it could not be sent: sign in again to send it. If you sign out now, it is deleted from this phone.",
        "%(num)s changes are only on this phone. Your session ended, so they could not be sent: sign in again to send them. If you sign out now, they are deleted from this phone.",
        count,
      )
    : tn(
        "%(num)s change is only on this phone and could not be sent (no connection, or a choice is waiting). If you sign out now, it is deleted from this phone.",
        "%(num)s changes are only on this phone and could not be sent (no connection, or a choice is waiting). If you sign out now, they are deleted from this phone.",
        count,
      );
  return ask({
    title: t("Changes not sent yet"),
    text,
    yes: t("Sign out and delete them"),
    no: ended ? t("Keep them") : t("Stay signed in"),
    danger: true,
  });
}

// The forms that save into the outbox when their scripts run.
const QUEUED_FORMS = "form[data-entry-form], form[data-therapy-form], form[data-response-form], form[data-medication-form], form[data-therapy-delete-form], form[data-response-delete-form], form[data-medication-delete-form]";

// This browser cannot open the phone's database (storage refused or broken): nothing can
// be kept for later. Online, the forms post as they do without JavaScript; offline, Save
// says so and keeps what was typed on the page, rather than posting into the browser's
// error page, which loses it.
function keepFormsOffline() {
  body.dataset.syncStatus = "unavailable";
  const forms = document.querySelectorAll(QUEUED_FORMS);
  // The dialog's module now, while online: offline, it may not be in any cache.
  if (forms.length) import("./dialog.js").catch(() => {});
  for (const form of forms) {
    form.addEventListener("submit", (event) => {
      if (navigator.onLine) return;
      event.preventDefault();
      ask({
        title: t("You are offline"),
        text: t("This phone cannot keep changes for later: the diary cannot use its storage. What you entered stays on this page: tap Save again when you are back online."),
        yes: t("OK"),
      });
    });
  }
}

function whenIdle(task, timeout = 4000) {
  return new Promise((resolve) => {
    const run = () => resolve(task());
    if ("requestIdleCallback" in window) requestIdleCallback(run, { timeout });
    else setTimeout(run, 1000);
  });
}

function wireRetry() {
  for (const link of document.querySelectorAll("[data-retry]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      window.location.reload();
    });
  }
}

// An account deleted from this browser: the server names it in a cookie, and the next page
// (the sign-in page, or whichever comes first) deletes what this phone kept of that diary.
const FORGET_COOKIE = "diary_forget";

async function forgetDeletedAccount() {
  const pair = document.cookie.split("; ").find((c) => c.startsWith(`${FORGET_COOKIE}=`));
  if (!pair) return;
  const gone = pair.slice(FORGET_COOKIE.length + 1);
  if (/^[0-9]+$/.test(gone) && gone !== userId) {
    // Its other tabs (and the installed app) stop showing the diary and let go of its
    // database, which the delete below then removes without waiting for them.
    announce(gone, { type: "deleted" });
    if ("indexedDB" in window) await Outbox.destroy(gone).catch(() => {});
    if ("caches" in window) await caches.delete(`diary-pages-${gone}`).catch(() => {});
    const registration = await navigator.serviceWorker?.getRegistration?.();
    registration?.active?.postMessage({ type: "SIGNED_OUT", userId: gone });
  }
  const secure = window.location.protocol === "https:" ? "; secure" : "";
  document.cookie = `${FORGET_COOKIE}=; path=/; max-age=0; samesite=lax${secure}`;
}

async function start() {
  wireRetry();
  await forgetDeletedAccount().catch(() => {});
  if (!userId || body.dataset.role !== "patient" || !("indexedDB" in window)) return;
  if (navigator.storage && navigator.storage.persist) {
    // Ask the browser not to evict the outbox under storage pressure.
    navigator.storage.persisted().then((done) => done || navigator.storage.persist()).catch(() => {});
  }
  const channel = new BroadcastChannel(channelName(userId));
  channel.addEventListener("message", (event) => {
    const type = event.data && event.data.type;
    if (type === "signed-out") return leaveTheDiary(false);
    if (type === "deleted") return leaveTheDiary(true);
    if (isSignedOut()) return;
    if (type === "syncing") status.syncing = true;
    if (type === "synced" || type === "failed") status.syncing = false;
    if (type === "synced") status.reason = null;
    if (type === "failed") status.reason = event.data.reason;
    refresh();
  });
  window.addEventListener("online", () => {
    status.online = true;
    syncNow();
  });
  window.addEventListener("offline", () => {
    status.online = false;
    render();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") syncNow();
  });
  guardSignOuts();
  try {
    await refresh();
  } catch {
    keepFormsOffline();
    return;
  }
  if (document.querySelector("[data-entry-form]")) import("./entry-queue.js").then((m) => m.wire());
  // Only on Today itself: offline, an edit page never opened is the cached Today page.
  if (document.querySelector("[data-logged-today]") && window.location.pathname === "/today") {
    import("./today-view.js").then((m) => m.wire());
  }
  if (document.querySelector("[data-history]") || document.querySelector("[data-outbox-panel]")) {
    import("./history-view.js").then((m) => m.wire());
  }
  if (document.querySelector("[data-therapy-form], [data-therapy-delete-form]")) {
    import("./therapy-queue.js").then((m) => m.wire());
  }
  if (document.querySelector("[data-therapy-list]")) import("./therapy-list.js").then((m) => m.wire());
  if (document.querySelector("[data-response-form], [data-response-delete-form]")) {
    import("./response-queue.js").then((m) => m.wire());
  }
  if (document.querySelector("[data-response-list]")) import("./response-list.js").then((m) => m.wire());
  const cards = document.querySelector("[data-questionnaire-cards]");
  if (cards) {
    // On Today the cards wait for the day's entry, and so does their script (a first visit
    // with nothing logged never needs it).
    const load = () => import("./questionnaire-cards.js").then((m) => m.wire());
    if (!cards.hasAttribute("data-after-entry") || !document.querySelector("[data-logged-today]")?.hidden) load();
    else document.addEventListener("diary:entry-saved", load, { once: true });
  }
  if (document.querySelector("[data-medication-form], [data-medication-delete-form]")) {
    import("./medication-queue.js").then((m) => m.wire());
  }
  if (document.querySelector("[data-medication-list]")) import("./medication-list.js").then((m) => m.wire());
  // Today's "Took one" block only for a patient who keeps medicines (shown by the server, or
  // synced to this phone since the page was cached): the others never load its modules.
  const asNeeded = document.querySelector("[data-as-needed]");
  if (asNeeded && window.location.pathname === "/today") {
    const keeps = !asNeeded.hidden || (await (await outbox()).view("medication")).some((m) => !m.deleted);
    if (keeps) import("./as-needed.js").then((m) => m.wire());
  }
  // Changes waiting on this phone go at once; with none, pulling what other devices changed
  // waits until the page is idle, so a first visit's pull of a whole diary does not hold up
  // the page the patient came for.
  if (status.counts.pending > 0) await syncNow();
  else await whenIdle(syncNow);
  warmPages();
}

start();
