// Questionnaire cards with this phone's answers: hidden once an answer here settles one, a
// weekly one shown when its week has passed (a cached page too), set aside offline in the
// cookie the server's form writes: "<user>~<key>..." (diary/questionnaires/schedule.py).
import { outbox, currentUserId } from "./offline.js";
import { localToday } from "./device-day.js";
import { dayText } from "./therapy-render.js";
import { oneAtATime } from "./outbox-render.js";

const COOKIE = "diary_reminders";
const WEEK = 7;
const MAX_KEYS = 20;
const MAX_AGE = 400 * 24 * 3600;

export function wire() {
  const root = document.querySelector("[data-questionnaire-cards]");
  if (!root) return;
  root.addEventListener("submit", setAside);
  document.addEventListener("diary:outbox-changed", render);
  // On Today the cards wait until "Logged today" shows (today-view.js, after a save).
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

// ``n`` calendar days before "YYYY-MM-DD" (local dates: no time zone shift).
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

// A weekly key is stale once its week is over (schedule._stale).
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
  if (status) status.textContent = card.dataset.asked === "weekly" ? "Set aside until next week." : "Set aside until the next follow-up.";
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
      const words = card.querySelector("[data-last-words]");
      if (words && last) words.textContent = `You last answered it on ${dayText(last)}.`;
    } else {
      const { therapy, from, to, key } = card.dataset;
      const answered = mine.some((i) => i.data.therapy_id === therapy && from <= i.data.day && i.data.day <= to);
      card.hidden = !may || answered || keys.includes(key) || today > to;
    }
  }
  // For tests: the cards show what IndexedDB held at this render.
  root.dataset.rendered = String(Number(root.dataset.rendered || 0) + 1);
}
