// The service worker: the app shell offline, the signed-in pages per user, Background Sync.
// Served at /sw.js by diary/web/pwa.py, which replaces the BUILD block below with the shell
// version (a hash of the static files and templates) and the list of files to precache.
import { flush } from "/static/js/sync.js";

const BUILD = /*BUILD*/ { version: "dev", shell: [], offline: "/offline" } /*END*/;
const SHELL_CACHE = `diary-shell-${BUILD.version}`;
const PAGE_CACHE_PREFIX = "diary-pages-";
// Survives the worker being stopped: whose pages the last navigation showed.
const META_CACHE = "diary-meta";
const USER_KEY = "/__diary/current-user";
// Pages worth having offline; per user, because they hold that user's diary.
const PAGE_PATH = /^\/(today|history|charts|therapies|sharing|entries)(\/|$)/;
// An entry's edit page that was never opened online: the Today form stands in for it and
// offline.js fills it from IndexedDB (see entry-queue.js).
const EDIT_PATH = /^\/entries\/[0-9a-f-]{36}\/edit$/;
const SYNC_TAG = "diary-outbox";

let currentUser; // undefined: not read from META_CACHE yet

const pageCacheName = (userId) => `${PAGE_CACHE_PREFIX}${userId}`;

async function getCurrentUser() {
  if (currentUser === undefined) {
    const stored = await (await caches.open(META_CACHE)).match(USER_KEY);
    currentUser = stored ? (await stored.json()).id : null;
  }
  return currentUser;
}

async function setCurrentUser(id) {
  if (id === (await getCurrentUser())) return;
  currentUser = id;
  const meta = await caches.open(META_CACHE);
  await meta.put(USER_KEY, new Response(JSON.stringify({ id })));
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
  } else if (message.type === "SIGNED_OUT") {
    event.waitUntil(forgetUser(message.userId));
  } else if (message.type === "WARM") {
    event.waitUntil(warm(message.userId, message.urls || []));
  }
});

async function forgetUser(userId) {
  await caches.delete(pageCacheName(userId));
  if ((await getCurrentUser()) === String(userId)) await setCurrentUser(null);
}

// Fetch the signed-in pages the patient has not opened yet, so History works offline
// even when only Today was visited. The server, not the page, says who is signed in: a
// stale tab of someone signed out must not make the worker serve that person's pages.
async function warm(userId, urls) {
  try {
    const session = await (await fetch("/api/v1/session", { credentials: "same-origin", cache: "no-store" })).json();
    if (!session.user || String(session.user.id) !== String(userId)) return;
    await setCurrentUser(String(userId));
    const cache = await caches.open(pageCacheName(userId));
    for (const url of urls) {
      const path = new URL(url, self.location.origin).pathname;
      if (!PAGE_PATH.test(path) || (await cache.match(url))) continue;
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok && !response.redirected && response.headers.get("X-Diary-User") === String(userId)) {
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
  if (request.mode === "navigate") {
    event.respondWith(navigate(event));
  } else if (BUILD.shell.includes(url.pathname)) {
    event.respondWith(fromShell(request));
  }
  // Everything else (the API above all) goes to the network untouched.
});

async function fromShell(request) {
  const cached = await caches.match(request, { cacheName: SHELL_CACHE, ignoreSearch: true });
  return cached || fetch(request);
}

// Network first, so a page is never staler than it must be; the cache when offline.
async function navigate(event) {
  const request = event.request;
  try {
    const response = await fetch(request);
    event.waitUntil(remember(request, response.clone()));
    return response;
  } catch (error) {
    const userId = await getCurrentUser();
    if (userId) {
      const cache = await caches.open(pageCacheName(userId));
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
    const offline = await caches.match(BUILD.offline, { cacheName: SHELL_CACHE });
    if (offline) return offline;
    throw error;
  }
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
  if (!response.ok || response.redirected || !type.startsWith("text/html")) return;
  // A page without X-Diary-User was rendered for nobody: the session ended.
  const userId = response.headers.get("X-Diary-User");
  await setCurrentUser(userId);
  const path = new URL(request.url).pathname;
  if (userId && PAGE_PATH.test(path)) {
    await (await caches.open(pageCacheName(userId))).put(request, response);
  }
}

self.addEventListener("sync", (event) => {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil(
    (async () => {
      const userId = await getCurrentUser();
      if (!userId) return;
      const outcome = await flush(userId);
      // Background Sync retries later when the promise rejects.
      if (outcome.reason === "network") throw new Error("still offline");
    })(),
  );
});
