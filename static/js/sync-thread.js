// The page's flushes, off its main thread: one worker per page runs them (sync-worker.js);
// where module workers are missing, the page flushes itself. No DOM. The page loads the
// flush (sync.js) only then: the worker has its own copy, off the page's first load.
const flush = (user) => import("./sync.js").then((sync) => sync.flush(user));

let syncWorker;
let stopped = false;
let asked = 0;
const waiting = new Map();

/** Flush ``user``'s outbox (sync.js's flush), in the page's worker when it has one. */
export function flushOffThread(user) {
  if (stopped) return new Promise(() => {});
  if (syncWorker === undefined) {
    try {
      syncWorker = new Worker(new URL("./sync-worker.js", import.meta.url), { type: "module" });
      syncWorker.addEventListener("message", (event) => {
        const { id, outcome } = event.data || {};
        waiting.get(id)?.(outcome);
        waiting.delete(id);
      });
      syncWorker.addEventListener("error", () => {
        syncWorker = null; // could not start: flush here from now on
        for (const [id, resolve] of waiting) resolve(null) || waiting.delete(id);
      });
    } catch {
      syncWorker = null;
    }
  }
  if (!syncWorker) return flush(user);
  const id = ++asked;
  return new Promise((resolve) => {
    waiting.set(id, (outcome) => resolve(outcome || flush(user)));
    syncWorker.postMessage({ id, userId: user });
  });
}

/**
 * No more flushes from this page (the user signed out: a flush would open the deleted
 * database again). What waited for one never gets an answer: the page is leaving.
 */
export function stopFlushing() {
  stopped = true;
  if (syncWorker) syncWorker.terminate();
  syncWorker = null;
  waiting.clear();
}
