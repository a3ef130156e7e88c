// The outbox's flush, off the page's main thread: pulling what other devices changed can
// mean years of rows to parse and store, which on a phone would freeze the page for a
// moment. The page (offline.js) posts {id, userId}; this answers {id, outcome}. sync.js is
// the same DOM-free module the service worker uses for Background Sync.
import { flush } from "./sync.js";

self.addEventListener("message", async (event) => {
  const { id, userId } = event.data || {};
  if (!userId) return;
  let outcome;
  try {
    outcome = await flush(userId);
  } catch (error) {
    outcome = { ok: false, reason: "error", sent: 0, detail: String(error) };
  }
  self.postMessage({ id, outcome });
});
