// This page's handle on the signed-in user's outbox, shared by offline.js (the header, when
// to flush, signing out) and the page modules it loads (forms, lists). They import this
// module, not offline.js, so that no module imports the one that loads it.
import { Outbox } from "./outbox.js";
import { announce } from "./channel.js";
import { flushOffThread } from "./sync-thread.js";

const body = document.body;
const userId = body.dataset.userId;
const SETTLE_MS = 2500;
let outboxPromise = null;
// The user signed out, on this page or another: their outbox is being deleted from this
// phone, and opening it again would only create it anew, empty.
let signedOut = false;
const after = { change: [], flush: [] };

export const currentUserId = () => userId;
export const isSignedOut = () => signedOut;

/** This page is leaving the diary: the outbox is never opened again here. */
export function markSignedOut() {
  signedOut = true;
}

/** offline.js redraws the header after a change queued here, and after every flush. */
export function afterChange(task) {
  after.change.push(task);
}
export function afterFlush(task) {
  after.flush.push(task);
}

/** This user's outbox, opened once per page (again if another page had it closed). */
export function outbox() {
  if (signedOut) return new Promise(() => {}); // never: this page is leaving the diary
  if (!outboxPromise) {
    const opening = Outbox.open(userId, {
      onClose: () => {
        if (outboxPromise === opening) outboxPromise = null;
      },
    });
    outboxPromise = opening;
  }
  return outboxPromise;
}

export async function closeOutbox() {
  const opened = outboxPromise;
  outboxPromise = null;
  if (opened) (await opened.catch(() => null))?.close();
}

/**
 * Called after every change queued on this page: tell other pages, redraw the header, and
 * send it. ``shown`` runs once the header counts the change and before it is sent, so
 * that a form's "saved" never appears beside a header still saying "All synced".
 */
export async function changed(shown) {
  announce(userId, { type: "changed" });
  for (const task of after.change) await task();
  shown?.();
  return syncNow();
}

/**
 * After a change queued on a page the patient leaves at once (an edit form): send it, but
 * wait at most ``SETTLE_MS`` before going to ``url``; the next page flushes again anyway.
 */
export async function changedThenGo(url) {
  await Promise.race([changed(), new Promise((resolve) => setTimeout(resolve, SETTLE_MS))]);
  window.location.assign(url);
}

/** Flush now (one at a time; see sync.js) and show the outcome. */
export async function syncNow() {
  if (!userId || signedOut) return null;
  const outcome = await flushOffThread(userId);
  for (const task of after.flush) await task(outcome);
  // How many flushes this page has finished: tests wait on it (it is synchronous to read).
  body.dataset.flushes = String(Number(body.dataset.flushes || 0) + 1);
  return outcome;
}

// What the forms say when a change cannot be queued: their modules load only when there is
// something to say, off the page's first load.

/** A problem ``words`` with the control it is about (a name of the form's, or an element). */
export const problem = (words, field) => ({ words, field });

/** Say ``problem`` in the form's ``status``, mark its field and focus it (form-problem.js). */
export const sayProblem = (form, status, found) =>
  import("./form-problem.js").then((m) => m.sayProblem(form, status, found));

/** Ask the patient to choose (dialog.js): resolves to true for "yes". */
export const ask = (options) => import("./dialog.js").then((m) => m.ask(options));

/**
 * Run ``write`` (a save or a delete into the outbox): true when the phone kept it;
 * otherwise ``say(words)`` tells the patient why (storage-trouble.js), and false (leave the
 * form as it is).
 */
export async function kept(write, say) {
  try {
    await write();
    return true;
  } catch (error) {
    const { whyNotKept } = await import("./storage-trouble.js");
    say(whyNotKept(error));
    return false;
  }
}
