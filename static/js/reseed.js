// After the server's database was restored from a copy: send again what this phone knew the
// server had and the copy lacks (docs/sync-protocol.md, "A restored server").
//
// The server refuses a cursor of another sync epoch (a restored copy has its own); the
// flush then pulls everything from the start. Before that pull, ``begin`` keeps a snapshot
// of the synced rows (what the server had acknowledged) and marks each row unconfirmed; a
// row the pull brings is overwritten by the server's, mark gone, in the same transaction
// that stores the answer. Once the server says there is no more, ``finish`` compares the
// snapshot with what came (a row still marked never came: the server lacks it) and queues
// the difference in the outbox, which the same flush sends. The snapshot waits in ``meta``
// until then, so a pull cut short (no network, the page closed) is finished by a later
// flush. DOM-free: the service worker runs it through sync.js.
import { RESEED_KEY as KEY, done, promised, rowFromServer, sameState } from "./outbox.js";

const UNCONFIRMED = "reseed_unconfirmed";

/** Whether a pull from the start after a restore is under way (unfinished). */
export async function inProgress(outbox) {
  return !!(await outbox.getMeta(KEY));
}

/**
 * Start (or start again) the pull from the start: keep what the phone knew the server had,
 * mark every synced row unconfirmed and forget the refused cursor, in one transaction. A
 * pull begun before and cut short keeps its first snapshot: the rows have since been
 * partly overwritten by the server's.
 */
export async function begin(outbox) {
  const tx = outbox.tx(["rows", "meta"], "readwrite");
  const rows = tx.objectStore("rows");
  const meta = tx.objectStore("meta");
  const [held, started] = await Promise.all([promised(rows.getAll()), promised(meta.get(KEY))]);
  if (!started) meta.put({ started_at: new Date().toISOString(), rows: held.map(withoutMark) }, KEY);
  for (const row of held) rows.put({ ...row, [UNCONFIRMED]: true });
  meta.delete("cursor");
  await done(tx);
}

/**
 * The pull from the start is complete: queue what the server lacks (``plan``), clear the
 * marks and the snapshot, in one transaction. Returns how many outbox records it queued or
 * changed (0 when no pull was under way).
 */
export async function finish(outbox) {
  const tx = outbox.tx(["outbox", "rows", "meta"], "readwrite");
  const box = tx.objectStore("outbox");
  const rows = tx.objectStore("rows");
  const meta = tx.objectStore("meta");
  const [snapshot, held, records] = await Promise.all([
    promised(meta.get(KEY)),
    promised(rows.getAll()),
    promised(box.getAll()),
  ]);
  if (!snapshot) {
    await done(tx);
    return 0;
  }
  const server = new Map(held.filter((row) => !row[UNCONFIRMED]).map((row) => [row.id, row]));
  const { resend, rebased } = plan(snapshot.rows, server, records);
  for (const r of resend) box.put(outbox.newRecord(r.kind, r.id, r.known_version, r.desired));
  for (const record of rebased) box.put(record);
  for (const row of held) if (row[UNCONFIRMED]) rows.put(withoutMark(row));
  meta.delete(KEY);
  await done(tx);
  return resend.length + rebased.length;
}

function withoutMark(row) {
  const { [UNCONFIRMED]: _mark, ...plain } = row;
  return plain;
}

// Below the server's version: an edit on it is answered by the server's own comparison
// (the same content: "duplicate"; other content: "conflict" with its row, for the chooser).
const below = (version) => (version > 1 ? version - 1 : null);

// The server's row was written after the phone's version of it, by the server's clock: a
// change another device made since the restore, even when its version number is lower than
// the phone's (the restored copy numbers again from its own). Unknown without both stamps
// (rows kept before phones stored them): then the numbers decide, as before.
const writtenSince = (theirs, row) =>
  !!(row && row.updated_at && theirs.updated_at && theirs.updated_at > row.updated_at);

// The version to send the phone's state on when the server's is lower than the phone's: the
// server's (the copy's older state is replaced), or below it when another device wrote it
// after the restore (the server answers "conflict" and the patient chooses).
const onOlder = (theirs, row) => (writtenSince(theirs, row) ? below(theirs.version) : theirs.version);

/**
 * What to send after a restore. Pure. ``snapshot``: the synced rows the phone held before the
 * pull from the start ({id, kind, version, deleted, data}); ``server``: Map id -> the row the
 * server sent in that pull (an id missing: the server lacks it); ``records``: the outbox.
 * Returns {resend: [{kind, id, known_version, desired}], rebased: [outbox record]}:
 * - a live row the server lacks: a create; a deleted one: nothing;
 * - the server's version older than the phone's: the phone's state on the server's version,
 *   or on the version below when the server wrote its row after the phone's (another device
 *   since the restore: the server answers "conflict" and the patient chooses);
 * - the same version with other content (another device wrote after the restore and the
 *   numbers met): sent on the version below, so the server answers "conflict" with its row
 *   and the patient chooses; the same content: nothing;
 * - the server's version newer: the server's row stands.
 * A record already in the outbox is sent anyway; one waiting to be sent (pending) is moved
 * onto the restored server's version by the same rules, or it would be refused as built on
 * a version the server no longer has. A conflict waiting for the patient's choice is with
 * the restored server's row from now on (or, the server lacking the row, nothing is left to
 * choose from: the phone's version is sent as new).
 */
export function plan(snapshot, server, records) {
  const queued = new Map(records.map((record) => [record.id, record]));
  const mine = new Map(snapshot.map((row) => [row.id, row]));
  const resend = [];
  for (const row of snapshot) {
    if (queued.has(row.id)) continue;
    const theirs = server.get(row.id);
    let known;
    if (!theirs) {
      if (row.deleted) continue;
      known = null;
    } else if (theirs.version > row.version || sameRow(row, theirs)) {
      continue;
    } else {
      known = theirs.version < row.version ? onOlder(theirs, row) : below(theirs.version);
    }
    const desired = { deleted: !!row.deleted, data: row.data };
    resend.push({ kind: row.kind, id: row.id, known_version: known, desired });
  }
  const rebased = [];
  for (const record of records) {
    const theirs = server.get(record.id);
    if (record.status === "conflict") {
      const moved = reconflict(record, theirs);
      if (moved) rebased.push(moved);
      continue;
    }
    if (record.status !== "pending" || record.known_version == null) continue;
    const known = rebase(record, theirs, mine.get(record.id));
    if (known !== record.known_version) rebased.push({ ...record, known_version: known, sent: [] });
  }
  return { resend, rebased };
}

// A conflict with the server's row as it was before the restore: "Keep mine" would build on
// that row's version, which the restored server may not have.
function reconflict(record, theirs) {
  if (!theirs) return { ...record, status: "pending", known_version: null, server: null, sent: [] };
  const before = record.server ? rowFromServer(record.kind, record.server) : null;
  if (before && before.version === theirs.version && sameRow(before, theirs)) return null;
  const { id, version, deleted, data } = theirs;
  return { ...record, server: { ...data, id, version, deleted: !!deleted } };
}

// The version a change waiting to be sent builds on, on the restored server.
function rebase(record, theirs, row) {
  const known = record.known_version;
  // The server lacks the row: a create (a delete stays one: "not_found" is done).
  if (!theirs) return record.desired.deleted ? known : null;
  if (known > theirs.version) return onOlder(theirs, row);
  // The same number, but the server's version is not the one this change was made from.
  if (known === theirs.version && row && row.version === known && !sameRow(row, theirs)) return below(known);
  return known;
}

const sameRow = (a, b) => (!!a.deleted && !!b.deleted) || sameState(canonical(a), canonical(b));

// A row's state with its fields in one order: the phone keeps what it sent as the form
// ordered it, the server sends its own order.
function canonical(row) {
  return { deleted: !!row.deleted, data: sorted(row.data) };
}

function sorted(value) {
  if (Array.isArray(value)) return value.map(sorted);
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sorted(value[key])]),
  );
}
