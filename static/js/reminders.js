// The daily reminder on the account page: turning it on asks for permission to notify,
// subscribes this browser to Web Push with the server's key and sends the subscription
// (POST /api/v1/push/subscriptions), then the form saves the time. Turning it off
// unsubscribes the browser, and the form tells the server. Without JavaScript the form only
// saves the time (docs/reminders.md).
import { stopReminders } from "./offline.js";
import { t } from "./i18n.js";

const section = document.querySelector("[data-reminders]");
const form = section?.querySelector("[data-reminder-form]");

function problem(text) {
  const line = section.querySelector("[data-reminder-problem]");
  line.textContent = text;
  line.hidden = !text;
}

const supported = () => "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

// iPhone and iPad: Web Push only for the app added to the Home Screen (iOS 16.4 and later).
const appleWithoutHomeScreen = () =>
  /iPhone|iPad|iPod/.test(navigator.userAgent) && !window.matchMedia("(display-mode: standalone)").matches;

function keyBytes(base64url) {
  const base64 = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

async function api(path, init = {}) {
  const session = await (await fetch("/api/v1/session", { credentials: "same-origin", cache: "no-store" })).json();
  return fetch(path, {
    ...init,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": session.csrf_token, ...(init.headers || {}) },
  });
}

async function subscribe() {
  const permission = await Notification.requestPermission();
  if (permission !== "granted") {
    throw new Error(t("Notifications are blocked for this diary. Allow them in your browser's site settings, then try again."));
  }
  const registration = await navigator.serviceWorker.ready;
  const { public_key: key } = await (await api("/api/v1/push/key")).json();
  let subscription = await registration.pushManager.getSubscription();
  if (subscription) {
    // Made with another key (the server's changed): it cannot carry this server's pushes.
    const current = subscription.options?.applicationServerKey;
    const same = current && btoa(String.fromCharCode(...new Uint8Array(current))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "") === key;
    if (!same) {
      await subscription.unsubscribe();
      subscription = null;
    }
  }
  subscription ||= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
  const response = await api("/api/v1/push/subscriptions", { method: "POST", body: JSON.stringify(subscription.toJSON()) });
  if (!response.ok) {
    const error = (await response.json().catch(() => ({}))).error || {};
    throw new Error(t("The server did not accept this phone for reminders: %(why)s", { why: error.message || response.status }));
  }
}

function wire() {
  if (!form) return;
  const on = form.querySelector('button[value="on"]');
  if (!supported()) {
    problem(
      appleWithoutHomeScreen()
        ? t("To get reminders on this iPhone or iPad, add the diary to your Home Screen (Share, then “Add to Home Screen”) and turn them on from there.")
        : t("This browser cannot show reminders. You can still save the time for your other devices."),
    );
  }
  let passing = false;
  form.addEventListener("submit", async (event) => {
    if (passing) return;
    const action = event.submitter?.value;
    if (!supported() || (action === "on" && section.dataset.onHere === "yes")) return; // only the time changes
    event.preventDefault();
    problem("");
    if (on) on.disabled = true;
    try {
      if (action === "off") await stopReminders();
      else await subscribe();
    } catch (error) {
      problem(error.message || String(error));
      if (on) on.disabled = false;
      return;
    }
    passing = true;
    if (on) on.disabled = false; // a disabled button's value would not be sent
    form.requestSubmit(event.submitter);
  });
}

wire();
