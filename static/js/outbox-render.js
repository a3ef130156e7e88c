// Building the DOM for changes kept on this phone, whatever their kind: a small element
// builder, the sync-state badge in words, and the two versions of a conflict side by side.
// No state here; callers pass plain data and a description of the kind (see outbox-panel.js).
import { t } from "./i18n.js";

export const BADGE_TEXT = {
  synced: t("Synced"),
  device: t("Saved on this phone"),
  conflict: t("Needs your choice"),
  rejected: t("Not saved"),
};

/**
 * Whether a list draws a card its server page lacks for ``item`` (from Outbox.view): a
 * change made on this phone, always; a synced row only when the phone has pulled changes
 * since the page was made (``pulledSince``, from Outbox.pulledSince: a page kept for
 * offline use). On a page as new as the phone's copy, a synced row it lacks was deleted
 * elsewhere, and the phone has not pulled that yet.
 */
export function drawWhereMissing(item, pulledSince) {
  return !item.deleted && !!item.data && (item.state !== "synced" || pulledSince);
}

/** Wrap an async render so that calls run one after another, never overlapping: two
 * renders at once would interleave their DOM edits. Returns the wrapped function. */
export function oneAtATime(renderNow) {
  let last = Promise.resolve();
  return () => (last = last.then(renderNow, renderNow));
}

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

export function badge(state, extra = "") {
  return el("span", { className: "sync-badge", dataset: { state, syncBadge: "" } }, BADGE_TEXT[state] + extra);
}

function versionList(title, data, other, deleted, kind) {
  const list = el("dl");
  if (deleted) {
    list.append(el("dt", {}, kind.Noun), el("dd", { className: "differs" }, t("Deleted")));
  } else {
    for (const [name, label] of kind.fields) {
      const text = kind.valueText(name, data[name], data);
      const differs = !other || text !== kind.valueText(name, other[name], other);
      if (text === "—" && !differs) continue;
      list.append(el("dt", {}, label), el("dd", { className: differs ? "differs" : "" }, text));
    }
  }
  return el("section", { className: "conflict-version" }, el("h3", {}, title), list);
}

/**
 * Both versions of a conflicting object, side by side, fields that differ in bold.
 * ``mine``/``theirs``: {data, deleted}; ``kind``: {Noun, fields: [[name, label]], valueText(name, value, data)}.
 */
export function conflictVersions(mine, theirs, kind) {
  return el(
    "div",
    { className: "conflict-versions" },
    versionList(t("On this phone"), mine.data || {}, theirs.data, mine.deleted, kind),
    versionList(t("Saved from another device"), theirs.data || {}, mine.data, theirs.deleted, kind),
  );
}
