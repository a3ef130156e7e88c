// The medicine list with this phone's changes: what is not synced yet at the top, medicines
// and doses taken when needed alike (the same panel and conflict chooser as History), and
// the list reconciled with IndexedDB, so the page works offline from the cache.
import { outbox } from "./page-outbox.js";
import { elsewhereNote, outboxPanel } from "./outbox-panel.js";
import { card, cardContent, doseClock, doseFields, editHref, medicationFields, medicationName } from "./medication-render.js";
import { showLeftMessage } from "./queued-pages.js";
import { badge, drawWhereMissing, oneAtATime } from "./outbox-render.js";
import { dayText } from "./therapy-render.js";
import { t } from "./i18n.js";

let list;
let panel;
const names = new Map(); // medication id -> name, for the doses' titles

const KINDS = {
  medication: {
    ...medicationFields(),
    name: "medication",
    noun: t("medicine"),
    title: (data) => medicationName(data),
    editHref,
    fixHref: editHref,
    deleteQuestion: (data) => ({
      title: t("Delete “%(name)s”?", { name: medicationName(data) }),
      text: t("It is removed on this phone and, once synced, everywhere. Your diary entries stay."),
      yes: t("Delete medicine"),
      no: t("Keep the medicine"),
    }),
  },
  dose: {
    ...doseFields(),
    name: "dose",
    noun: t("dose"),
    title: (data) => {
      const name = names.get(data.medication_id) || t("A medicine");
      if (!data.taken_at) return name;
      const { day, time } = doseClock(data.taken_at, data.time_zone); // in the zone it was taken in
      return t("%(name)s, taken %(day)s at %(time)s", { name, day: dayText(day), time });
    },
    // Doses are recorded and changed on Today.
    editHref: () => "/today#as-needed-heading",
    fixHref: () => "/today#as-needed-heading",
    deleteQuestion: () => ({
      title: t("Remove this dose?"),
      text: t("It is removed on this phone and, once synced, everywhere."),
      yes: t("Remove dose"),
      no: t("Keep it"),
    }),
  },
};

export function wire() {
  list = document.querySelector("[data-medication-list]");
  if (!list) return;
  panel = outboxPanel({ of: (name) => KINDS[name] || KINDS.medication }, (node) => list.before(node));
  showLeftMessage();
  document.addEventListener("diary:outbox-changed", render);
  render();
}

const render = oneAtATime(renderNow);

async function renderNow() {
  const box = await outbox();
  const medicines = await box.view("medication");
  for (const item of medicines) if (item.data) names.set(item.id, medicationName(item.data));
  const doses = (await box.view("dose")).filter((item) => item.record);
  const others = (await box.records()).filter((r) => r.kind === "entry" || r.kind === "therapy").length;
  panel.render(
    [...medicines.filter((item) => item.record), ...doses],
    elsewhereNote(others, t("diary"), "/history#outbox", t("see History")),
  );
  reconcile(medicines, await box.pulledSince(list.dataset.seq));
  list.dataset.rendered = String(Number(list.dataset.rendered || 0) + 1); // tests wait on it
}

function reconcile(items, pulledSince) {
  const cards = new Map([...list.querySelectorAll("[data-medication-id]")].map((c) => [c.dataset.medicationId, c]));
  for (const item of items) {
    let node = cards.get(item.id);
    if (!node) {
      if (!drawWhereMissing(item, pulledSince)) continue;
      node = card(item);
      list.append(node);
    }
    node.hidden = item.deleted;
    const local = item.state !== "synced";
    const newer = (item.version || 0) > (Number(node.dataset.version) || 0);
    if (item.data && (local || newer || node.dataset.shown === "local")) {
      node.replaceChildren(...cardContent(item));
      if (local) node.dataset.shown = "local";
      else {
        delete node.dataset.shown;
        node.dataset.version = String(item.version);
      }
    }
    const current = node.querySelector("[data-sync-badge]");
    if (!local) current?.remove();
    else if (!current || current.dataset.state !== item.state) {
      const fresh = badge(item.state);
      if (current) current.replaceWith(fresh);
      else (node.querySelector(".medication-actions") || node).prepend(fresh);
    }
  }
  const any = [...list.querySelectorAll("[data-medication-id]")].some((c) => !c.hidden);
  list.hidden = !any;
  const empty = document.querySelector("[data-medication-empty]");
  if (empty) empty.hidden = any;
}
