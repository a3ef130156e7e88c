// The outbox: every change made on this device, kept in IndexedDB until the server has it.
// One database per user ("diary-user-<id>"), so one person's diary is never shown to or
// sent for another person signed in on the same phone. It also keeps the last synced rows
// (from sync answers) so History works offline, and the sync cursor.
//
// One outbox record per object, coalesced:
//   { id, kind, known_version,          the server version the change builds on (null: new)
//     desired: {deleted, data},         what the patient wants now
//     sent: [change, ...],              changes sent whose answer never came: resent alone
//                                       (a newer state waits for their answer), so a lost
//                                       answer can never turn into a lost change
//     rev, sent_rev,                    rev counts local edits; sent_rev the rev sent
//     status: "pending"|"conflict"|"rejected", server, error, queued_at }
// An edit of a create not yet sent stays a create; deleting it removes the record.
// DOM-free: the service worker imports it (through sync.js) for Background Sync.

const VERSION = 1;
/** The meta key of a pull after a server restore (reseed.js), named here: forgetPulled keeps it. */
export const RESEED_KEY = "reseed";

export const dbName = (userId) => `diary-user-${userId}`;

export function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new DOMException("aborted", "AbortError"));
  });
}

export const sameState = (a, b) =>
  !!a && !!b && a.deleted === b.deleted && JSON.stringify(a.data) === JSON.stringify(b.data);

/**
 * What to send for a record: {changes, rev}, ``rev`` being the local edit the changes bring
 * to the server. Changes sent whose answer never came go again exactly as they were, and
 * nothing more: only the answer says whether the server applied them (a lost answer may
 * have been a conflict), so a newer state waits for it and goes in a later round on the
 * version the answer gives (applyAnswer). Otherwise the latest state, on the known version.
 */
export function changesOf(record) {
  if (record.sent.length) {
    const last = record.sent[record.sent.length - 1];
    // Edited since, and back to what was sent: the resend brings the latest state too.
    const rev = sameState(last, record.desired) ? record.rev : record.sent_rev;
    return { changes: record.sent.map((c) => ({ ...c })), rev };
  }
  const change = {
    kind: record.kind,
    id: record.id,
    base_version: record.known_version,
    deleted: record.desired.deleted,
    data: record.desired.deleted ? null : record.desired.data,
  };
  return { changes: [change], rev: record.rev };
}

const encoder = new TextEncoder();
const sizeOf = (value) => encoder.encode(JSON.stringify(value)).length;

export class Outbox {
  constructor(db, userId) {
    this.db = db;
    this.userId = String(userId);
  }

  /**
   * Open the user's outbox. Another page deleting the database (signing out) or upgrading
   * it waits for every open connection to close: this one closes at once when asked, and
   * ``onClose`` lets its holder drop it (and open a new one if it still needs one).
   */
  static async open(userId, { onClose = null } = {}) {
    if (!userId) throw new Error("an outbox belongs to a signed-in user");
    const request = indexedDB.open(dbName(userId), VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore("outbox", { keyPath: "id" });
      db.createObjectStore("rows", { keyPath: "id" });
      db.createObjectStore("meta");
    };
    const box = new Outbox(await promised(request), userId);
    // Asked to close (a delete or an upgrade elsewhere), or closed by the browser (the site's
    // storage cleared): either way this connection is done, and its holder opens a new one.
    box.db.onversionchange = box.db.onclose = () => {
      box.close();
      if (onClose) onClose();
    };
    return box;
  }

  /**
   * Forget the copy of the diary this device pulled (the synced rows and the cursor), and
   * keep the changes not sent yet for the user's next sign-in: their session is over, and a
   * phone signed out from elsewhere (lost, or shared) must not keep their diary readable.
   * The next sign-in pulls it again. Kept while a pull after a server restore is under way
   * (reseed.js): its snapshot holds what the restored server may lack. A database this
   * browser does not have is not created.
   */
  static async forgetPulled(userId) {
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open(dbName(userId), VERSION);
      request.onupgradeneeded = (event) => {
        if (event.oldVersion === 0) request.transaction.abort(); // none here: nothing to forget
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = (event) => {
        event.preventDefault();
        if (request.error && request.error.name === "AbortError") resolve(null);
        else reject(request.error);
      };
    });
    if (!db) return;
    try {
      const tx = db.transaction(["rows", "meta"], "readwrite");
      const meta = tx.objectStore("meta");
      if (!(await promised(meta.get(RESEED_KEY)))) {
        tx.objectStore("rows").clear();
        meta.delete("cursor");
      }
      await done(tx);
    } finally {
      db.close();
    }
  }

  /**
   * Delete everything this device keeps for the user (signing out). Resolves true once
   * deleted, false when a page that does not close its connection when asked (a tab still
   * running an older version of this script) holds it open past ``blockedMs``: the delete
   * stays queued and happens once that page lets go, and signing out goes on meanwhile.
   */
  static destroy(userId, { blockedMs = 3000 } = {}) {
    return new Promise((resolve, reject) => {
      const request = indexedDB.deleteDatabase(dbName(userId));
      let timer = null;
      request.onsuccess = () => {
        clearTimeout(timer);
        resolve(true);
      };
      request.onerror = () => {
        clearTimeout(timer);
        reject(request.error);
      };
      request.onblocked = () => {
        timer = timer || setTimeout(() => resolve(false), blockedMs);
      };
    });
  }

  close() {
    this.closed = true;
    this.db.close();
  }

  tx(stores, mode = "readonly") {
    return this.db.transaction(stores, mode);
  }

  // ---- changes made by the patient ----------------------------------------------------

  /** Queue a create or an edit; ``baseVersion`` is the version the page showed, if any. */
  async save(kind, id, data, { baseVersion = null } = {}) {
    const tx = this.tx(["outbox", "rows"], "readwrite");
    const outbox = tx.objectStore("outbox");
    const existing = await promised(outbox.get(id));
    let record;
    if (existing) {
      record = { ...existing, desired: { deleted: false, data }, rev: existing.rev + 1 };
      if (record.status === "rejected") Object.assign(record, { status: "pending", error: null });
    } else {
      const row = await promised(tx.objectStore("rows").get(id));
      record = this.newRecord(kind, id, baseVersion ?? (row ? row.version : null), { deleted: false, data });
    }
    outbox.put(record);
    await done(tx);
    return record;
  }

  /** Queue a delete. A create the server never saw is simply forgotten. */
  async remove(kind, id, { baseVersion = null, data = null } = {}) {
    const tx = this.tx(["outbox", "rows"], "readwrite");
    const outbox = tx.objectStore("outbox");
    const existing = await promised(outbox.get(id));
    const row = await promised(tx.objectStore("rows").get(id));
    if (existing && existing.known_version == null && existing.sent.length === 0) {
      outbox.delete(id);
    } else if (existing) {
      outbox.put({
        ...existing,
        desired: { deleted: true, data: existing.desired.data },
        rev: existing.rev + 1,
        status: existing.status === "rejected" ? "pending" : existing.status,
      });
    } else {
      const known = baseVersion ?? (row ? row.version : null);
      if (known != null) {
        outbox.put(this.newRecord(kind, id, known, { deleted: true, data: row ? row.data : data }));
      }
    }
    await done(tx);
  }

  newRecord(kind, id, knownVersion, desired) {
    return {
      id,
      kind,
      known_version: knownVersion ?? null,
      desired,
      sent: [],
      rev: 1,
      sent_rev: 0,
      status: "pending",
      server: null,
      error: null,
      queued_at: new Date().toISOString(),
    };
  }

  /** The patient chose between their version and the server's after a conflict. */
  async resolve(id, choice) {
    const tx = this.tx(["outbox", "rows"], "readwrite");
    const outbox = tx.objectStore("outbox");
    const record = await promised(outbox.get(id));
    if (record && choice === "mine") {
      // Send mine again on top of the server's version: no longer a conflict.
      const version = record.server ? record.server.version : record.known_version;
      outbox.put({ ...record, known_version: version, sent: [], status: "pending", server: null, rev: record.rev + 1 });
    } else if (record && choice === "theirs") {
      outbox.delete(id);
      if (record.server) tx.objectStore("rows").put(rowFromServer(record.kind, record.server));
    }
    await done(tx);
  }

  /** Drop a change the server refused (the patient saw why). */
  async discard(id) {
    const tx = this.tx(["outbox"], "readwrite");
    tx.objectStore("outbox").delete(id);
    await done(tx);
  }

  // ---- reading ---------------------------------------------------------------------------

  async records() {
    const records = await promised(this.tx(["outbox"]).objectStore("outbox").getAll());
    return records.sort((a, b) => a.queued_at.localeCompare(b.queued_at));
  }

  async record(id) {
    return promised(this.tx(["outbox"]).objectStore("outbox").get(id));
  }

  async rows(kind) {
    const rows = await promised(this.tx(["rows"]).objectStore("rows").getAll());
    return rows.filter((r) => r.kind === kind);
  }

  /**
   * What the patient should see for ``kind``: the synced rows with this device's changes
   * on top. Each item: {id, kind, version, data, deleted, state, record}; state is
   * "synced", "device" (saved here, not yet on the server), "conflict" or "rejected".
   * Deleted items are included (deleted: true) so a stale page can hide them.
   */
  async view(kind) {
    const tx = this.tx(["outbox", "rows"]);
    const [records, rows] = await Promise.all([
      promised(tx.objectStore("outbox").getAll()),
      promised(tx.objectStore("rows").getAll()),
    ]);
    const items = new Map();
    for (const row of rows) {
      if (row.kind === kind) items.set(row.id, { ...row, state: "synced", record: null });
    }
    for (const record of records) {
      if (record.kind !== kind) continue;
      const state = record.status === "pending" ? "device" : record.status;
      items.set(record.id, {
        id: record.id,
        kind,
        version: record.known_version,
        data: record.desired.data,
        deleted: record.desired.deleted,
        state,
        record,
      });
    }
    return [...items.values()];
  }

  /**
   * Whether this phone has pulled changes a server page does not hold. The page says how
   * new it is (``pageSeq``: its data-seq, the patient's latest change in the sync cursor's
   * terms); a page kept for offline use is older than the phone's cursor, and the synced
   * rows it lacks are newer than it. On a page as new as the phone's copy, a row it lacks
   * was deleted elsewhere. Without a usable seq or cursor (a page or cursor from an older
   * version), assume the page is older, as before pages said.
   */
  async pulledSince(pageSeq) {
    // A cursor is "<epoch>.<seq>" (a bare seq before epochs); the page's seq is bare.
    const seen = /^(?:[0-9a-f]{16}\.)?(\d+)$/.exec((await this.getMeta("cursor")) || "");
    const page = /^\d+$/.test(pageSeq || "") ? Number(pageSeq) : null;
    return page === null || !seen || Number(seen[1]) > page;
  }

  async getMeta(key) {
    return promised(this.tx(["meta"]).objectStore("meta").get(key));
  }

  async setMeta(key, value) {
    const tx = this.tx(["meta"], "readwrite");
    tx.objectStore("meta").put(value, key);
    await done(tx);
  }

  // ---- used by sync.js -------------------------------------------------------------------

  /**
   * Take the next batch of changes to send, within the limits, and mark them sent in the
   * same transaction. ``skip`` holds ids already sent in this flush. Returns
   * {changes, taken: [{id, rev, from, to}]} (results[from..to) answer record id; ``rev``
   * is the local edit they bring to the server).
   */
  async takeBatch({ maxChanges, maxBytes, skip }) {
    const tx = this.tx(["outbox"], "readwrite");
    const outbox = tx.objectStore("outbox");
    const records = (await promised(outbox.getAll())).sort((a, b) => a.queued_at.localeCompare(b.queued_at));
    const changes = [];
    const taken = [];
    let bytes = 64; // the envelope: {"cursor": ..., "changes": []}
    for (const record of records) {
      if (record.status !== "pending" || skip.has(record.id)) continue;
      const { changes: mine, rev } = changesOf(record);
      const size = mine.reduce((sum, c) => sum + sizeOf(c) + 1, 0);
      if (changes.length && (changes.length + mine.length > maxChanges || bytes + size > maxBytes)) break;
      taken.push({ id: record.id, rev, from: changes.length, to: changes.length + mine.length });
      changes.push(...mine);
      bytes += size;
      skip.add(record.id);
      outbox.put({ ...record, sent: mine, sent_rev: rev });
    }
    await done(tx);
    return { changes, taken };
  }

  /**
   * Store a sync answer: per-change results, the rows changed since the cursor, the cursor.
   * Returns the ids of the records edited since they were sent, whose newer state can now
   * go on the version the answer gave: the flush sends them again at once.
   */
  async applyAnswer(batch, answer) {
    const newer = [];
    const tx = this.tx(["outbox", "rows", "meta"], "readwrite");
    const outbox = tx.objectStore("outbox");
    const rows = tx.objectStore("rows");
    // One read of the whole outbox, not one round trip per record: batches hold 1,000.
    const records = new Map((await promised(outbox.getAll())).map((r) => [r.id, r]));
    for (const { id, rev, from, to } of batch.taken) {
      const record = records.get(id);
      if (!record) continue;
      const results = answer.results.slice(from, to);
      const sentChanges = batch.changes.slice(from, to);
      const failed = results.find((r) => r.status !== "applied" && r.status !== "duplicate");
      const outcome = failed || results[results.length - 1];
      const last = sentChanges[sentChanges.length - 1];
      if (!outcome) continue;
      if (outcome.status === "applied" || outcome.status === "duplicate") {
        if (record.rev === rev) {
          outbox.delete(id);
          rows.put({ id, kind: record.kind, version: outcome.version, deleted: last.deleted, data: last.data });
        } else {
          // Edited while in flight: the newer edit now builds on the version just made.
          outbox.put({ ...record, sent: [], known_version: outcome.version });
          if (record.status === "pending") newer.push(id);
        }
      } else if (outcome.status === "conflict") {
        outbox.put({ ...record, sent: [], status: "conflict", server: outcome.server });
      } else if (outcome.error && outcome.error.code === "not_found" && last.deleted) {
        outbox.delete(id); // deleting what the server does not have: it is gone either way
      } else {
        outbox.put({ ...record, sent: [], status: "rejected", error: outcome.error || null });
      }
    }
    // Tombstones are kept: a cached History page must learn that an entry it shows is gone.
    for (const change of answer.changes || []) rows.put(rowFromServer(change.kind, change));
    if (answer.cursor) tx.objectStore("meta").put(answer.cursor, "cursor");
    await done(tx);
    return newer;
  }

  /** Counts for the header: unsynced changes, and those that need the patient. */
  async counts() {
    const records = await this.records();
    return {
      pending: records.length,
      conflicts: records.filter((r) => r.status === "conflict").length,
      rejected: records.filter((r) => r.status === "rejected").length,
    };
  }
}

/** A server row (a sync answer's change, or a conflict's flat "server") as a synced row. */
export function rowFromServer(kind, row) {
  const data = row.data || Object.fromEntries(Object.entries(row).filter(([k]) => !ROW_META.has(k)));
  const kept = { id: row.id, kind, version: row.version, deleted: !!row.deleted, data };
  // When the server wrote this version, by its clock: after a restore, it tells a version the
  // copy brought back from one another device wrote since (reseed.js).
  if (row.updated_at) kept.updated_at = row.updated_at;
  return kept;
}

// A server row (a conflict's "server") is its fields plus these; a therapy's "kind" is one
// of its fields (the kind of therapy), not the object's kind. A response's score is worked
// out from its answers, not one of its fields.
const ROW_META = new Set(["id", "version", "deleted", "created_at", "updated_at", "score"]);
