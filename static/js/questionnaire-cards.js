// The questionnaire cards (Today, the questionnaires page) with this phone's answers: a card
// hides as soon as this phone holds an answer that settles it (sent or not), a weekly card
// shows once a week has passed even on a page kept offline, and "Not this week"/"Not now"
// set it aside in a cookie of this browser, offline too. The cookie is the one the server's
// plain form writes (diary/questionnaires/schedule.py): "<user id>~<key>~<key>...", a
// weekly key "<questionnaire>.<day set aside>", a follow-up key "<questionnaire>.<therapy>.<window>".
import { outbox, currentUserId } from "./page-outbox.js";
import { localToday } from "./device-day.js";
import { oneAtATime } from "./outbox-render.js";
import { t } from "./i18n.js";

const COOKIE = "diary_reminders";
const WEEK = 7;
const MAX_KEYS = 20;
const MAX_AGE = 400 * 24 * 3600;

export function wire() {
  const root = document.querySelector("[data-questionnaire-cards]");
  if (!root) return;
  root.addEventListener("submit", setAside);
  document.addEventListener("diary:outbox-changed", render);
  // On Today the cards wait for the day's entry: they show once "Logged today" does
  // (today-view.js shows it after a save, also offline).
  const logged = document.querySelector("[data-logged-today]");
  if (root.hasAttribute("data-after-entry") && logged) {
    new MutationObserver(render).observe(logged, { attributes: true, attributeFilter: ["hidden"] });
  }
  render();
}

function entryLogged(root) {
  if (!root.hasAttribute("data-after-entry")) return true;
  const logged = document.querySelector("[data-logged-today]");
  return !!logged && !logged.hidden;
}

// "YYYY-MM-DD" ``n`` calendar days before ``day`` (local dates: no time zone shift).
function daysBefore(day, n) {
  const [year, month, date] = day.split("-").map(Number);
  const then = new Date(year, month - 1, date - n);
  const pad = (value) => String(value).padStart(2, "0");
  return `${then.getFullYear()}-${pad(then.getMonth() + 1)}-${pad(then.getDate())}`;
}

// ---- the cookie -------------------------------------------------------------------------------

function readKeys() {
  const pair = document.cookie.split("; ").find((c) => c.startsWith(`${COOKIE}=`));
  if (!pair) return [];
  const [owner, ...keys] = decodeURIComponent(pair.slice(COOKIE.length + 1)).split("~");
  return owner === String(currentUserId()) ? keys : [];
}

// A weekly key is stale once its week is over (as schedule._stale on the server).
function stale(key, today) {
  const parts = key.split(".");
  return parts.length === 2 && parts[1] <= daysBefore(today, WEEK);
}

function addKey(key) {
  const today = localToday();
  const keys = readKeys().filter((k) => k !== key && !stale(k, today));
  const value = [String(currentUserId()), ...[...keys, key].slice(-MAX_KEYS)].join("~");
  const secure = window.location.protocol === "https:" ? "; secure" : "";
  document.cookie = `${COOKIE}=${value}; path=/; max-age=${MAX_AGE}; samesite=lax${secure}`;
}

function setAside(event) {
  const form = event.target.closest("[data-dismiss]");
  const card = form?.closest("[data-questionnaire-card]");
  if (!card) return;
  event.preventDefault();
  const key = card.dataset.asked === "weekly" ? `${card.dataset.questionnaire}.${localToday()}` : card.dataset.key;
  addKey(key);
  card.hidden = true;
  const status = document.querySelector("[data-today-status]");
  if (status) status.textContent = card.dataset.asked === "weekly" ? t("Set aside until next week.") : t("Set aside until the next follow-up.");
}

// ---- which cards show ---------------------------------------------------------------------------

const render = oneAtATime(renderNow);

async function renderNow() {
  const items = (await (await outbox()).view("response")).filter((i) => !i.deleted && i.data);
  const today = localToday();
  const keys = readKeys();
  const root = document.querySelector("[data-questionnaire-cards]");
  const may = entryLogged(root);
  for (const card of document.querySelectorAll("[data-questionnaire-card]")) {
    const questionnaire = card.dataset.questionnaire;
    const mine = items.filter((i) => i.data.questionnaire === questionnaire);
    if (card.dataset.asked === "weekly") {
      const days = [card.dataset.lastDay, ...mine.map((i) => i.data.day)].filter(Boolean).sort();
      const last = days[days.length - 1];
      const due = !last || last <= daysBefore(today, WEEK);
      const dismissed = keys.some((k) => k.startsWith(`${questionnaire}.`) && k.split(".").length === 2 && !stale(k, today));
      card.hidden = !may || !due || dismissed;
    } else {
      const { therapy, from, to, key } = card.dataset;
      const answered = mine.some((i) => i.data.therapy_id === therapy && from <= i.data.day && i.data.day <= to);
      card.hidden = !may || answered || keys.includes(key) || today > to;
    }
  }
  // Synchronous flag for tests: the cards show what IndexedDB held at this render.
  root.dataset.rendered = String(Number(root.dataset.rendered || 0) + 1);
}
