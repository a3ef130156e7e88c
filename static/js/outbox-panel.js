// "Not synced yet": this phone's changes of one kind that the server does not have, at the
// top of the page that lists that kind (History for entries, the therapy list for
// therapies), with what the patient can do about each: edit or delete a change waiting to
// be sent, choose between two versions after a conflict, fix or discard a refused change.
//
// ``kind`` describes the objects: {name ("entry"), noun ("entry"), Noun, fields,
// valueText (for the conflict chooser), title(data), editHref(item), fixHref(item),
// deleteQuestion(data) -> the ask() options}. A panel listing several kinds (medicines and
// their doses) passes {of(name) -> that kind's description} instead.
import { ask, changed, outbox } from "./page-outbox.js";
import { badge, conflictVersions, el } from "./outbox-render.js";
import { t, tn, tNodes } from "./i18n.js";

/** Put the panel on the page (``place(panel)`` inserts it); returns {render, wasShown}. */
export function outboxPanel(kind, place) {
  let panel = document.querySelector("[data-outbox-panel]");
  if (!panel) {
    panel = el("section", {
      className: "outbox-panel",
      id: "outbox",
      dataset: { outboxPanel: "" },
      "aria-labelledby": "outbox-title",
      hidden: true,
    });
    place(panel);
  }
  const shown = new Set(); // ids shown as not synced during this visit: they say "Synced" after
  panel.addEventListener("click", (event) => onClick(event, kind));
  return {
    /** Show ``items`` (outbox.view() items with a record), and ``elsewhere`` (a node) if given. */
    render(items, elsewhere = null) {
      panel.hidden = items.length === 0 && !elsewhere;
      if (panel.hidden) {
        panel.replaceChildren();
        return;
      }
      const parts = [el("h2", { id: "outbox-title" }, t("Not synced yet"))];
      if (items.length) {
        parts.push(el("p", {}, lead(items)), el("ul", { className: "outbox-list" }, ...items.map((i) => item(i, kind))));
      }
      if (elsewhere) parts.push(elsewhere);
      panel.replaceChildren(...parts);
      for (const i of items) shown.add(i.id);
    },
    wasShown: (id) => shown.has(id),
  };
}

function lead(items) {
  const waiting = items.filter((i) => i.state === "device").length;
  const needs = items.length - waiting;
  return [
    waiting &&
      tn(
        "%(num)s change is saved on this phone and will be sent when you are online.",
        "%(num)s changes are saved on this phone and will be sent when you are online.",
        waiting,
      ),
    needs && tn("%(num)s change needs you to choose what to keep.", "%(num)s changes need you to choose what to keep.", needs),
  ]
    .filter(Boolean)
    .join(" ");
}

const kindFor = (kind, name) => (kind.of ? kind.of(name) : kind);

function item(view, kinds) {
  const record = view.record;
  const kind = kindFor(kinds, record.kind);
  const data = record.desired.data || record.server || {};
  const title = kind.title(data);
  const what = record.desired.deleted
    ? t("Deleted: %(title)s", { title })
    : record.known_version === null
      ? t("New: %(title)s", { title })
      : t("Edited: %(title)s", { title });
  const li = el(
    "li",
    { className: "outbox-item", dataset: { outboxId: view.id, state: view.state } },
    el("p", {}, el("strong", {}, what), " ", badge(view.state)),
  );
  const hidden = (text) => el("span", { className: "visually-hidden" }, ` ${text}`);
  if (view.state === "conflict") {
    const server = record.server || {};
    li.append(
      el("p", {}, t("This %(noun)s was also changed on another device. Both versions are kept until you choose.", { noun: kind.noun })),
      conflictVersions(
        { data: record.desired.data, deleted: record.desired.deleted },
        { data: server, deleted: !!server.deleted },
        kind,
      ),
      el(
        "p",
        { className: "actions" },
        el("button", { type: "button", className: "button primary", dataset: { choose: "mine" } }, t("Keep mine"), hidden(title)),
        el("button", { type: "button", className: "button", dataset: { choose: "theirs" } }, t("Keep the other version"), hidden(title)),
      ),
    );
  } else if (view.state === "device" && !record.desired.deleted) {
    li.append(
      el(
        "p",
        { className: "actions" },
        el("a", { className: "button", href: kind.editHref(view) }, t("Edit"), hidden(title)),
        el("button", { type: "button", className: "button danger", dataset: { choose: "delete" } }, t("Delete"), hidden(title)),
      ),
    );
  } else if (view.state === "rejected") {
    const error = record.error || {};
    const fields = Object.values(error.fields || {});
    li.append(
      el("p", { className: "error" }, t("The server did not accept it: %(why)s.", { why: fields.length ? fields.join("; ") : error.message || t("it is not valid") })),
      el(
        "p",
        { className: "actions" },
        record.desired.deleted ? null : el("a", { className: "button primary", href: kind.fixHref(view) }, t("Fix it")),
        el("button", { type: "button", className: "button danger", dataset: { choose: "discard" } }, t("Discard this change")),
      ),
    );
  }
  return li;
}

async function onClick(event, kind) {
  const button = event.target.closest("[data-choose]");
  if (!button) return;
  const id = button.closest("[data-outbox-id]").dataset.outboxId;
  button.disabled = true;
  const box = await outbox();
  const choice = button.dataset.choose;
  if (choice === "delete") {
    const record = await box.record(id);
    const described = kindFor(kind, record?.kind);
    const sure = await ask({ ...described.deleteQuestion(record?.desired.data || {}), danger: true });
    if (!sure) {
      button.disabled = false;
      return;
    }
    await box.remove(described.name, id);
  } else if (choice === "discard") {
    await box.discard(id);
  } else {
    await box.resolve(id, choice);
  }
  await changed();
}

/** A line pointing to another page's changes: "2 therapy changes are not synced yet: …". */
export function elsewhereNote(count, what, href, linkText) {
  if (!count) return null;
  const link = el("a", { href }, linkText);
  const words = tn("%(num)s %(what)s change is not synced yet: %(link)s.", "%(num)s %(what)s changes are not synced yet: %(link)s.", count);
  return el("p", { dataset: { outboxElsewhere: "" } }, ...tNodes(words, { num: count, what, link }));
}

/** Several such lines as one node for ``render`` (null when there is none). */
export function elsewhereNotes(...notes) {
  const shown = notes.filter(Boolean);
  return shown.length ? el("div", {}, ...shown) : null;
}

/** How many changes of medicines (and their doses) are waiting, for the other pages' notes. */
export const medicineChanges = (records) => records.filter((r) => r.kind === "medication" || r.kind === "dose").length;
