// The import form of "Your data" with a progress bar. Without JavaScript the form posts the
// file and the server answers with the page; here the file goes up with XMLHttpRequest
// (fetch cannot report upload progress) and the same answer page replaces this one's main
// content in place, so there is one summary, rendered by the server.
import { t } from "./i18n.js";

function wire(form) {
  if (!form) return;
  const input = form.querySelector('input[type="file"]');
  const bar = form.querySelector("[data-import-progress]");
  const status = form.querySelector("[data-import-status]");
  const button = form.querySelector('button[type="submit"]');
  const say = (text) => {
    status.textContent = text;
  };

  form.addEventListener("submit", (event) => {
    const file = input.files[0];
    if (!file) return; // the server says what to do, as without JavaScript
    event.preventDefault();
    if (file.size > Number(form.dataset.maxBytes)) {
      say(t("This file is larger than %(limit)s, so it cannot be a copy of a diary. Nothing was imported.", { limit: form.dataset.maxSize }));
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.responseType = "document";
    xhr.upload.addEventListener("progress", (progress) => {
      if (!progress.lengthComputable) return;
      const percent = Math.round((progress.loaded / progress.total) * 100);
      bar.value = percent;
      say(t("Sending the copy: %(percent)s%%", { percent }));
    });
    xhr.upload.addEventListener("load", () => {
      bar.removeAttribute("value"); // the server's part has no known length
      say(t("Checking the copy and importing it…"));
    });
    xhr.addEventListener("load", () => show(xhr.response, say));
    xhr.addEventListener("error", () => {
      say(t("The copy could not be sent. Check your connection and try again. Nothing was imported."));
      bar.hidden = true;
      button.disabled = false;
    });
    bar.value = 0;
    bar.hidden = false;
    button.disabled = true;
    say(t("Sending the copy: %(percent)s%%", { percent: 0 }));
    xhr.send(new FormData(form));
  });
}

// The server's answer page (a summary, or the form with what was wrong) in place of this one.
function show(answer, say) {
  const main = document.querySelector("main");
  const next = answer && answer.querySelector("main");
  if (!next) {
    say(t("The server's answer could not be read. Reload the page to see your diary as it is now."));
    return;
  }
  // A copy of the list first: adopting a node takes it out of the answer's live childNodes.
  const nodes = [...next.childNodes];
  main.replaceChildren(...nodes.map((node) => document.adoptNode(node)));
  document.title = answer.title;
  const focus = main.querySelector("[data-import-result]") || main.querySelector("[role=alert]");
  if (focus) {
    if (!focus.hasAttribute("tabindex")) focus.setAttribute("tabindex", "-1");
    focus.focus();
  }
  wire(main.querySelector("[data-import-form]"));
}

wire(document.querySelector("[data-import-form]"));
