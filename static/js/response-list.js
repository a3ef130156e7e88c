// The questionnaires page with this phone's changes: what is not synced yet at the top (the
// same panel and conflict chooser as History), and each questionnaire's list of answers
// reconciled with IndexedDB, so the page works offline from the cache: every answer synced
// since it was cached and every change made here is shown at once, each with its state.
import { outbox } from "./page-outbox.js";
import { elsewhereNote, outboxPanel } from "./outbox-panel.js";
import { card, cardContent, definitionsOf, editHref, responseFields, responseTitle } from "./response-render.js";
import { drawWhereMissing, oneAtATime } from "./outbox-render.js";
import { refreshCard, showLeftMessage, showState } from "./queued-pages.js";
import { dayText } from "./therapy-render.js";
import { t } from "./i18n.js";

let root;
let definitions;
let panel;

export function wire() {
  root = document.querySelector("[data-response-list]");
  if (!root) return;
  definitions = definitionsOf(root);
  panel = outboxPanel(
    {
      ...responseFields(definitions),
      name: "response",
      noun: t("answer"),
      title: (data) => responseTitle(data, definitions),
      editHref,
      fixHref: editHref,
      deleteQuestion: (data) => ({
        title: t("Delete your %(short)s of %(day)s?", { short: definitions[data.questionnaire]?.short || t("answer"), day: dayText(data.day) }),
        text: t("It is removed on this phone and, once synced, everywhere. Your diary entries stay."),
        yes: t("Delete answer"),
        no: t("Keep it"),
      }),
    },
    (node) => root.before(node),
  );
  showLeftMessage();
  document.addEventListener("diary:outbox-changed", render);
  render();
}

// wire() runs after this module is evaluated, so render exists by then.
const render = oneAtATime(renderNow);

async function renderNow() {
  const box = await outbox();
  const items = await box.view("response");
  const others = (await box.records()).filter((r) => r.kind !== "response").length;
  panel.render(
    items.filter((item) => item.record),
    elsewhereNote(others, t("diary"), "/history#outbox", t("see History")),
  );
  reconcile(items, await box.pulledSince(root.dataset.seq));
  // Synchronous flag for tests: the lists show what IndexedDB held at this render.
  root.dataset.rendered = String(Number(root.dataset.rendered || 0) + 1);
}

function reconcile(items, pulledSince) {
  const cards = new Map([...root.querySelectorAll("[data-response-id]")].map((c) => [c.dataset.responseId, c]));
  for (const item of items) {
    let node = cards.get(item.id);
    if (!node) {
      // Not on the page the server rendered (a new one, or the page is from the cache).
      if (!drawWhereMissing(item, pulledSince) || !listOf(item.data.questionnaire)) continue;
      node = card(item, definitions);
      place(node, item.data);
    }
    node.hidden = item.deleted;
    show(node, item);
  }
  for (const list of root.querySelectorAll("[data-responses]")) {
    const any = [...list.querySelectorAll("[data-response-id]")].some((c) => !c.hidden);
    list.hidden = !any;
    const empty = root.querySelector(`[data-responses-empty="${CSS.escape(list.dataset.responses)}"]`);
    if (empty) empty.hidden = any;
  }
}

function listOf(questionnaire) {
  return root.querySelector(`[data-responses="${CSS.escape(questionnaire)}"]`);
}

function show(node, item) {
  refreshCard(node, item, {
    content: () => cardContent(item, definitions),
    key: JSON.stringify([item.data, editHref(item)]),
    moved: () => node.dataset.day !== item.data.day && place(node, item.data),
  });
  showState(node, item, panel, ".response-actions");
}

// Newest day first, as the server lists them.
function place(node, data) {
  const list = listOf(data.questionnaire);
  if (!list) return;
  node.dataset.day = data.day;
  const older = [...list.querySelectorAll("[data-response-id]")].find((c) => c !== node && c.dataset.day < data.day);
  if (older) older.before(node);
  else list.append(node);
}
