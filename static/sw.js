// The service worker: the app shell offline, the signed-in pages per user, Background Sync.
// Served at /sw.js by diary/web/pwa.py, which replaces the BUILD block below with the shell
// version (a hash of the static files and templates) and the list of files to precache.
import { flush } from "/static/js/sync.js";
import { Outbox } from "/static/js/outbox.js";

const BUILD = /*BUILD*/ { version: "dev", assets: "/static", shell: [], offline: { en: "/offline" } } /*END*/;
const SHELL_CACHE = `diary-shell-${BUILD.version}`;
const PAGE_CACHE_PREFIX = "diary-pages-";
// Survives the worker being stopped: whose pages the last navigation showed.
const META_CACHE = "diary-meta";
const USER_KEY = "/__diary/current-user";
// The reminder's words in the reader's language, as the pages give them (warm below).
const REMINDER_WORDS_KEY = "/__diary/reminder-words";
// Pages worth having offline; per user, because they hold that user's diary, and per
// language: the pages are kept in the language they were rendered in (Content-Language),
// and a change of language drops the others, so an offline page never mixes two.
const PAGE_PATH = /^\/(today|history|charts|therapies|medications|sharing|entries|questionnaires)(\/|$)/;
// An entry's edit page that was never opened online: the Today form stands in for it and
// offline.js fills it from IndexedDB (see entry-queue.js).
const EDIT_PATH = /^\/entries\/[0-9a-f-]{36}\/edit$/;
const SYNC_TAG = "diary-outbox";
// The older days of the charts page (olderDays below).
const TIMELINE_PATH = "/api/v1/timeline";

// Whose pages the worker may serve, until when, in which language: {id, expires, lang}
// (expires in ms, or null; lang as the server's Content-Language said, or null).
let current; // undefined: not read from META_CACHE yet
// Readable by scripts (the session cookie is not): "<user id>.<session expiry in s>", set by
// the server while a session lives and removed when it ends (diary/security.py).
const MARKER_COOKIE = "diary_user";

// English pages under the user's id alone, other languages with theirs: "diary-pages-7-es".
const pageCacheName = (userId, lang) => `${PAGE_CACHE_PREFIX}${userId}${lang && lang !== "en" ? `-${lang}` : ""}`;

async function getCurrent() {
  if (current === undefined) {
    const stored = await (await caches.open(META_CACHE)).match(USER_KEY);
    current = (stored && (await stored.json())) || { id: null, expires: null, lang: null };
  }
  return current;
}

async function getCurrentUser() {
  return (await getCurrent()).id;
}

// The server told us who is signed in (null: nobody) and in which language. Another
// person's pages never stay: on a shared phone the next person must not reach them, even
// offline; pages in another language go too (warm() fetches them again in this one).
async function setCurrentUser(id, expires = null, lang = undefined) {
  const before = await getCurrent();
  const language = lang === undefined ? before.lang : lang;
  if (id === before.id && expires === before.expires && language === before.lang) return;
  current = { id, expires, lang: language };
  // The session whose diary this browser showed is over: what it pulled goes too (the
  // changes not sent yet stay for that user's next sign-in). Not awaited: a delete of that
  // database may be waiting for a tab to let go of it, and a page must not wait for that.
  if (before.id && before.id !== id) Outbox.forgetPulled(before.id).catch(() => {});
  for (const name of await caches.keys()) {
    if (name.startsWith(PAGE_CACHE_PREFIX) && name !== pageCacheName(id, language)) await caches.delete(name);
  }
  const meta = await caches.open(META_CACHE);
  await meta.put(USER_KEY, new Response(JSON.stringify(current)));
}

// Offline, nobody can ask the server: serve the pages only while this browser still holds
// that user's session as far as it can tell (not expired; on browsers with cookieStore,
// the marker cookie still names them: gone when the cookies were cleared or the browser
// session ended). Otherwise the session is over: drop the pages.
async function liveOfflineUser() {
  const { id, expires } = await getCurrent();
  if (!id) return null;
  let live = expires === null || expires > Date.now();
  if (live && self.cookieStore) {
    try {
      const marker = await self.cookieStore.get(MARKER_COOKIE);
      const [markedId, markedExpiry] = marker ? marker.value.split(".") : [];
      live = markedId === id && Number(markedExpiry) * 1000 > Date.now();
    } catch {
      // cookieStore refused (an old browser): rely on the expiry alone
    }
  }
  if (!live) await setCurrentUser(null);
  return live ? id : null;
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache());
  // No skipWaiting() here: an update waits until the patient chooses "Reload" (SKIP_WAITING),
  // so a page never runs half old and half new code.
});

// Every shell file, or the install fails and the old worker stays. A few at a time, each
// tried three times: one dropped connection on a phone should not cost the offline shell.
async function precache() {
  const cache = await caches.open(SHELL_CACHE);
  const queue = [...BUILD.shell];
  const worker = async () => {
    for (let url = queue.shift(); url; url = queue.shift()) {
      // Without cookies and past the HTTP cache: the shell is the same for everyone and
      // must be this version's files, not yesterday's.
      const request = new Request(url, { cache: "reload", credentials: "omit" });
      for (let attempt = 1; ; attempt++) {
        try {
          const response = await fetch(request);
          if (!response.ok) throw new Error(`${url}: ${response.status}`);
          await cache.put(url, response);
          break;
        } catch (error) {
          if (attempt >= 3) throw error;
          await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
        }
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("diary-shell-") && name !== SHELL_CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "SKIP_WAITING") {
    self.skipWaiting();
  } else if (message.type === "SIGNED_OUT" || message.type === "SESSION_ENDED") {
    event.waitUntil(forgetUser(message.userId, { pulled: message.type === "SESSION_ENDED" }));
  } else if (message.type === "WARM") {
    event.waitUntil(Promise.all([warm(message.userId, message.urls || [], message.lang), keepReminderWords(message.words)]));
  }
});

// The user's cached pages go; and when their session ended without them signing out here
// (``pulled``), the diary their database pulled too (a sign-out deletes the database).
async function forgetUser(userId, { pulled = false } = {}) {
  const mine = pageCacheName(userId);
  for (const name of await caches.keys()) {
    if (name === mine || name.startsWith(`${mine}-`)) await caches.delete(name);
  }
  if ((await getCurrentUser()) === String(userId)) await setCurrentUser(null);
  if (pulled) await Outbox.forgetPulled(userId).catch(() => {});
}

// Fetch the signed-in pages the patient has not opened yet, so History works offline
// even when only Today was visited. The server, not the page, says who is signed in: a
// stale tab of someone signed out must not make the worker serve that person's pages.
async function warm(userId, urls, pageLang) {
  try {
    const session = await (await fetch("/api/v1/session", { credentials: "same-origin", cache: "no-store" })).json();
    if (!session.user || String(session.user.id) !== String(userId)) return;
    const known = await getCurrent();
    await setCurrentUser(String(userId), known.id === String(userId) ? known.expires : null, pageLang || known.lang);
    const lang = (await getCurrent()).lang;
    const cache = await caches.open(pageCacheName(userId, lang));
    for (const url of urls) {
      const path = new URL(url, self.location.origin).pathname;
      if (!PAGE_PATH.test(path) || (await cache.match(url))) continue;
      const response = await fetch(url, { credentials: "same-origin" });
      const sameLanguage = (response.headers.get("Content-Language") || "en") === (lang || "en");
      if (response.ok && !response.redirected && response.headers.get("X-Diary-User") === String(userId) && sameLanguage) {
        await cache.put(url, response);
      }
    }
  } catch {
    // offline: try again on the next page load
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  const copy = shellCopy(url.pathname);
  if (request.mode === "navigate") {
    event.respondWith(navigate(event));
  } else if (BUILD.shell.includes(url.pathname) || BUILD.shell.includes(url.pathname + url.search)) {
    event.respondWith(fromShell(request));
  } else if (copy) {
    event.respondWith(fromShell(request, copy));
  } else if (url.pathname === TIMELINE_PATH) {
    event.respondWith(olderDays(event));
  }
  // Everything else (the rest of the API above all) goes to the network untouched.
});

// The charts page carries its last year of days; the older ones come from the timeline API
// when the patient picks "All" (static/js/charts.js). Kept like the pages, per user and
// network first, so "All" shows them offline once they were seen.
function olderDays(event) {
  return networkFirst(event, keepOlderDays, async (request) => {
    const cache = await offlinePages();
    // The address names the day before the page's own, which moves on with the days: a
    // copy kept on an earlier day lacks only the days since, and is better than none.
    return cache && ((await cache.match(request)) || (await cache.match(request, { ignoreSearch: true })));
  });
}

// Network first, so an answer is never staler than it must be; offline, what `whenOffline`
// finds for the request (the network's error when it finds nothing).
async function networkFirst(event, keep, whenOffline) {
  try {
    const response = await fetch(event.request);
    event.waitUntil(keep(event.request, response.clone()));
    return response;
  } catch (error) {
    const kept = await whenOffline(event.request);
    if (kept) return kept;
    throw error;
  }
}

// The pages kept for this browser's user, while their session lives; null otherwise.
async function offlinePages() {
  const userId = await liveOfflineUser();
  if (!userId) return null;
  return caches.open(pageCacheName(userId, (await getCurrent()).lang));
}

// Only the signed-in user's days (the answer says whose they are), and one copy of them.
async function keepOlderDays(request, response) {
  const { id, lang } = await getCurrent();
  if (!id || !response.ok || response.headers.get("X-Diary-User") !== id) return;
  const cache = await caches.open(pageCacheName(id, lang));
  for (const old of await cache.keys(request, { ignoreSearch: true })) await cache.delete(old);
  await cache.put(request, response);
}

async function fromShell(request, address = request) {
  // The exact address first (the manifest in one language), else the file whatever its query.
  const cached =
    (await caches.match(address, { cacheName: SHELL_CACHE })) ||
    (await caches.match(address, { cacheName: SHELL_CACHE, ignoreSearch: true }));
  return cached || fetch(request);
}

// A static file is listed at this version's address, /static/<version>/js/app.js
// (diary/assets.py). Asked for at its plain address or at another version's (a page kept
// from before an update, opened offline), it is the same file: this version's copy, as
// the server answers too. Null for anything the shell does not hold.
const STATIC_PATH = /^\/static\/(?:[0-9a-f]{16}\/)?(.+)$/;
function shellCopy(pathname) {
  const match = STATIC_PATH.exec(pathname);
  const address = match && `${BUILD.assets}/${match[1]}`;
  return address && BUILD.shell.includes(address) ? address : null;
}

function navigate(event) {
  return networkFirst(event, remember, keptPage);
}

// Offline: the page as kept, else the entry form for an edit, else the offline page.
async function keptPage(request) {
  const cache = await offlinePages();
  if (cache) {
    const page =
      (await cache.match(request)) ||
      (await cache.match(withoutDraft(request.url))) ||
      (await cache.match(request, { ignoreSearch: true }));
    if (page) return page;
    if (EDIT_PATH.test(new URL(request.url).pathname)) {
      const form = await cache.match("/today", { ignoreSearch: true });
      if (form) return form;
    }
  }
  // The offline page in the language the last pages were in (else the browser's).
  const lang = (await getCurrent()).lang;
  const wanted = lang || (self.navigator.language || "en").split("-")[0];
  return caches.match(BUILD.offline[wanted] || BUILD.offline.en, { cacheName: SHELL_CACHE });
}

// "?draft=<id>" asks the page's script to load a change kept on this phone; the page itself
// is the one without it (/today, /therapies/new?kind=…), which ignoreSearch could confuse
// with the same path's other pages (the therapy forms differ by kind).
function withoutDraft(href) {
  const url = new URL(href);
  url.searchParams.delete("draft");
  return url.href;
}

async function remember(request, response) {
  const type = response.headers.get("Content-Type") || "";
  if (!type.startsWith("text/html")) return;
  // Every page the server renders says whose it is; one without X-Diary-User (the sign-in
  // page a redirect led to, too) was rendered for nobody: that session has ended.
  const userId = response.headers.get("X-Diary-User");
  const expires = Number(response.headers.get("X-Diary-Session-Expires")) * 1000 || null;
  const lang = response.headers.get("Content-Language") || "en";
  await setCurrentUser(userId, userId ? expires : null, lang);
  const path = new URL(request.url).pathname;
  if (userId && response.ok && !response.redirected && PAGE_PATH.test(path)) {
    await (await caches.open(pageCacheName(userId, lang))).put(request, response);
  }
}

self.addEventListener("sync", (event) => {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil(
    (async () => {
      const userId = await getCurrentUser();
      if (!userId) return;
      const outcome = await flush(userId);
      if (outcome.reason === "signin" || outcome.reason === "other_user") await forgetUser(userId, { pulled: true });
      // Background Sync retries later when the promise rejects.
      if (outcome.reason === "network") throw new Error("still offline");
    })(),
  );
});

// The daily reminder (docs/reminders.md). Whatever a push says, a tap opens Today: the
// worker never opens an address a message names.
const REMINDER_URL = "/today";

// A push without words (the server's always has them, in the patient's language) shows the
// ones the last page gave, in its language (the worker has no catalogue of its own); English
// before any page has.
async function keepReminderWords(words) {
  if (typeof words?.title !== "string" || typeof words?.body !== "string") return;
  const meta = await caches.open(META_CACHE);
  await meta.put(REMINDER_WORDS_KEY, new Response(JSON.stringify({ title: words.title, body: words.body })));
}

async function reminderWords() {
  const english = { title: "Time for your diary", body: "Tap to add today's entry." };
  try {
    const stored = await (await caches.open(META_CACHE)).match(REMINDER_WORDS_KEY);
    return stored ? { ...english, ...(await stored.json()) } : english;
  } catch {
    return english;
  }
}

self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    // not JSON: the default words below
  }
  event.waitUntil(
    (async () => {
      const words = message.title && message.body ? {} : await reminderWords();
      await self.registration.showNotification(message.title || words.title, {
        body: message.body || words.body,
        tag: "diary-reminder",
        icon: `${BUILD.assets}/icons/icon-192.png`,
        badge: `${BUILD.assets}/icons/icon-192.png`,
      });
    })(),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(openToday());
});

async function openToday() {
  const url = new URL(REMINDER_URL, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const today = windows.find((client) => new URL(client.url).pathname === REMINDER_URL);
  if (today) return today.focus();
  if (windows.length && "navigate" in windows[0]) {
    const client = await windows[0].focus();
    return client.navigate(url);
  }
  return self.clients.openWindow(url);
}
