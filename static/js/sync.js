// Flushing the outbox: POST /api/v1/sync in batches, one flush at a time per user
// (DESIGN.md section 4). DOM-free, so pages and the service worker (Background Sync) share it.
// Whoever flushes announces the outcome on a BroadcastChannel; pages redraw from IndexedDB.
import { announce } from "./channel.js";
import { Outbox } from "./outbox.js";
import * as Reseed from "./reseed.js";

// The server's limits are 1,000 changes and 2 MB a batch; stay clearly below the bytes.
export const LIMITS = { maxChanges: 1000, maxBytes: 1900 * 1024 };
const TIMEOUT_MS = 30000;
const MAX_PULLS = 50;


class Stop extends Error {
  constructor(reason, detail) {
    super(reason);
    this.reason = reason;
    this.detail = detail;
  }
}

const running = new Map(); // userId -> {promise, again}

/**
 * Send the user's outbox and pull what changed elsewhere. Resolves to
 * {ok, reason, sent}: reason is null, "offline"/"network" (try later), "signin" (the
 * session ended: the outbox is kept until the same user signs in again), "other_user"
 * (someone else is signed in now: this outbox must not be sent) or "error".
 * Concurrent calls join the flush in progress, which then runs once more (also when it
 * lost the network: the call may have come because the network is back).
 */
export function flush(userId, { fetchImpl } = {}) {
  userId = String(userId);
  const current = running.get(userId);
  if (current) {
    current.again = true;
    return current.promise;
  }
  const state = { again: false };
  state.promise = (async () => {
    try {
      let outcome;
      do {
        state.again = false;
        outcome = await withLock(userId, () => flushOnce(userId, fetchImpl || fetch.bind(self)));
        // A call that joined this flush came after it started (a change queued, the phone
        // back online): its reason to send stands even when this try lost the network.
      } while (state.again && (outcome.ok || outcome.reason === "network"));
      return outcome;
    } finally {
      running.delete(userId);
    }
  })();
  running.set(userId, state);
  return state.promise;
}

// Web Locks make one flush at a time across tabs and the service worker as well.
function withLock(userId, task) {
  if (self.navigator && navigator.locks) return navigator.locks.request(`diary-sync-${userId}`, task);
  return task();
}

async function flushOnce(userId, fetchImpl) {
  if (self.navigator && navigator.onLine === false) return { ok: false, reason: "offline", sent: 0 };
  let outbox = null;
  let sent = 0;
  announce(userId, { type: "syncing" });
  try {
    const token = await csrfToken(userId, fetchImpl);
    // Opened once the session is known to be this user's: a flush that comes as the user
    // signs out (Background Sync) does not create the deleted database again.
    outbox = await Outbox.open(userId);
    const skip = new Set();
    let allowed = { ...LIMITS }; // what the server takes, as far as this flush knows
    let limits = allowed;
    let cursor = (await outbox.getMeta("cursor")) ?? null;
    let pulls = 0;
    let more = true; // until the server said otherwise, there may be changes to pull
    // After a restore, pull everything before sending anything: what the outbox waits to
    // send may build on versions the restored server no longer has (reseed.js).
    let reseeding = await Reseed.inProgress(outbox);
    for (;;) {
      const batch = reseeding ? { changes: [], taken: [] } : await outbox.takeBatch({ ...limits, skip });
      if (batch.changes.length === 0 && (!more || ++pulls > MAX_PULLS)) {
        if (!reseeding || more) break;
        // The pull from the start is complete: queue what the restored server lacks, and
        // send it in this flush.
        await Reseed.finish(outbox);
        reseeding = false;
        announce(userId, { type: "changed" });
        continue;
      }
      let answer;
      try {
        answer = await post(fetchImpl, token, { cursor, changes: batch.changes });
      } catch (error) {
        if (error.reason === "too_large" && batch.changes.length > 1) {
          // Limits changed on the server: halve and send these again.
          allowed = limits = { ...limits, maxChanges: half(batch) };
          for (const { id } of batch.taken) skip.delete(id);
          continue;
        }
        if (error.reason === "refused" && batch.taken.length > 1) {
          // One record the server cannot read (a note that is not valid text) refuses the
          // whole request: halve until it is alone, so the others still go.
          limits = { ...limits, maxChanges: half(batch) };
          for (const { id } of batch.taken) skip.delete(id);
          continue;
        }
        if (error.reason === "refused" && batch.taken.length === 1) {
          // That record is at fault: it waits, refused, for the patient to fix or discard
          // it (as a change refused on its own does), and the rest go in full batches again.
          const results = batch.changes.map(() => ({ status: "rejected", error: error.detail }));
          await outbox.applyAnswer(batch, { results, changes: [], cursor: null });
          limits = allowed;
          announce(userId, { type: "changed" });
          continue;
        }
        if (error.reason === "bad_cursor" && cursor !== null) {
          // The server was restored from a copy: pull again from the beginning, then send
          // what this phone knew it had and the copy lacks.
          await Reseed.begin(outbox);
          reseeding = more = true;
          cursor = null;
          for (const { id } of batch.taken) skip.delete(id);
          continue;
        }
        throw error.reason === "refused" ? new Stop("error", error.detail.code) : error;
      }
      // Records edited while their change was unanswered go again in this flush, on the
      // version the answer gave, rather than waiting for the next reason to flush.
      for (const id of await outbox.applyAnswer(batch, answer)) skip.delete(id);
      sent += batch.changes.length;
      cursor = answer.cursor;
      more = answer.more;
      announce(userId, { type: "changed" });
    }
    announce(userId, { type: "synced", sent });
    return { ok: true, reason: null, sent };
  } catch (error) {
    const reason = error instanceof Stop ? error.reason : "network";
    announce(userId, { type: "failed", reason, sent });
    return { ok: false, reason, sent, detail: error.detail || String(error) };
  } finally {
    outbox?.close();
  }
}

const half = (batch) => Math.max(1, Math.floor(batch.changes.length / 2));

// The CSRF token is asked for when sending, not when queueing: a token from before the
// phone went offline may belong to a session that has ended since.
async function csrfToken(userId, fetchImpl) {
  const response = await request(fetchImpl, "/api/v1/session", { method: "GET" });
  if (!response.ok) throw new Stop(response.status >= 500 ? "network" : "error", response.status);
  const body = await response.json();
  if (!body.user) throw new Stop("signin");
  if (String(body.user.id) !== userId) throw new Stop("other_user");
  return body.csrf_token;
}

async function post(fetchImpl, token, body) {
  const response = await request(fetchImpl, "/api/v1/sync", {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": token },
    body: JSON.stringify(body),
  });
  if (response.ok) return response.json();
  const error = await response.json().catch(() => ({}));
  const code = error.error && error.error.code;
  if (response.status === 401) throw new Stop("signin");
  if (response.status === 413) throw new Stop("too_large");
  if (response.status === 422 && error.error && error.error.fields && error.error.fields.cursor) {
    throw new Stop("bad_cursor");
  }
  if (response.status >= 500 || response.status === 429) throw new Stop("network", code);
  if ((response.status === 400 || response.status === 422) && error.error && code !== "csrf_failed") {
    // The request was read and refused for what it holds, not for who sent it.
    throw new Stop("refused", error.error);
  }
  throw new Stop("error", code || response.status);
}

function request(fetchImpl, url, init) {
  return fetchImpl(url, {
    ...init,
    credentials: "same-origin",
    cache: "no-store",
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
}
