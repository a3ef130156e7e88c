// The therapy list with this phone's changes: what is not synced yet at the top (the same
// panel and conflict chooser as History), and the list reconciled with IndexedDB, so the
// page works offline from the cache: every therapy synced since it was cached and every
// change made here is shown at once, each card with its state.
import { outbox } from "./page-outbox.js";
import { elsewhereNote, elsewhereNotes, medicineChanges, outboxPanel } from "./outbox-panel.js";
import { card, cardContent, editHref, kindsOf, therapyFields, therapyName, therapyTitle } from "./therapy-render.js";
import { drawWhereMissing, oneAtATime } from "./outbox-render.js";
import { refreshCard, showLeftMessage, showState } from "./queued-pages.js";
import { t } from "./i18n.js";

let list;
let kinds;
let panel;

export function wire() {
  list = document.querySelector("[data-therapy-list]");
  if (!list) return;
  kinds = kindsOf(list);
  panel = outboxPanel(
    {
      ...therapyFields(kinds),
      name: "therapy",
      noun: t("therapy"),
      title: (data) => therapyTitle(data, kinds),
      editHref,
      fixHref: editHref,
      deleteQuestion: (data) => ({
        title: t("Delete “%(name)s”?", { name: therapyName(data, kinds) }),
        text: t("It is removed on this phone and, once synced, everywhere. Your diary entries stay."),
        yes: t("Delete therapy"),
        no: t("Keep it"),
      }),
    },
    (node) => list.before(node),
  );
  showLeftMessage();
  document.addEventListener("diary:outbox-changed", render);
  render();
}

// wire() runs after this module is evaluated, so render exists by then.
const render = oneAtATime(renderNow);

async function renderNow() {
  const box = await outbox();
  const items = await box.view("therapy");
  const records = await box.records();
  const entries = records.filter((r) => r.kind === "entry").length;
  panel.render(
    items.filter((item) => item.record),
    elsewhereNotes(
      elsewhereNote(entries, t("diary entry"), "/history#outbox", t("see History")),
      elsewhereNote(medicineChanges(records), t("medicine"), "/medications/#outbox", t("see your medicines")),
    ),
  );
  reconcile(items, await box.pulledSince(list.dataset.seq));
  // Synchronous flag for tests: the list shows what IndexedDB held at this render.
  list.dataset.rendered = String(Number(list.dataset.rendered || 0) + 1);
}

function reconcile(items, pulledSince) {
  const cards = new Map([...list.querySelectorAll("[data-therapy-id]")].map((c) => [c.dataset.therapyId, c]));
  for (const item of items) {
    let node = cards.get(item.id);
    if (!node) {
      // Not on the page the server rendered (a new one, or the page is from the cache).
      if (!drawWhereMissing(item, pulledSince)) continue;
      node = card(item, kinds);
      place(node, item.data.start_day);
    }
    node.hidden = item.deleted;
    show(node, item);
  }
  const any = [...list.querySelectorAll("[data-therapy-id]")].some((c) => !c.hidden);
  list.hidden = !any;
  const empty = document.querySelector("[data-therapy-empty]");
  if (empty) empty.hidden = any;
}

function show(node, item) {
  refreshCard(node, item, {
    content: () => cardContent(item, kinds),
    key: JSON.stringify([item.data, editHref(item)]),
    moved: () => node.dataset.startDay !== item.data.start_day && place(node, item.data.start_day),
  });
  showState(node, item, panel, ".therapy-actions");
}

// In start-day order, as the server lists them.
function place(node, day) {
  node.dataset.startDay = day;
  const later = [...list.querySelectorAll("[data-therapy-id]")].find((c) => c !== node && c.dataset.startDay > day);
  if (later) later.before(node);
  else list.append(node);
}
