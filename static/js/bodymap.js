// The body map: a tap, Enter or Space on a region cycles none -> pain -> numb -> none.
//
// The fallback checkboxes (pain_regions / numb_regions) stay the source of truth: they are
// what the form posts, every change is written to them first, and the drawing and the words
// list are then redrawn from them. Importing this module does nothing by itself.

const NEXT = { none: "pain", pain: "numb", numb: "none" };
const STATES = new Set(["pain", "numb"]);

function checkbox(root, name, code) {
  return root.querySelector(
    `input[type="checkbox"][name="${name}"][value="${CSS.escape(code)}"]`,
  );
}

// Catalogue order, as the server rendered the checkboxes.
function codes(root) {
  return Array.from(
    root.querySelectorAll('input[type="checkbox"][name="pain_regions"]'),
    (input) => input.value,
  );
}

function stateOf(root, code) {
  // Pain wins when both boxes are ticked, as on the server (regions.selection_from_form).
  if (checkbox(root, "pain_regions", code)?.checked) return "pain";
  if (checkbox(root, "numb_regions", code)?.checked) return "numb";
  return "none";
}

function write(root, code, state) {
  checkbox(root, "pain_regions", code).checked = state === "pain";
  checkbox(root, "numb_regions", code).checked = state === "numb";
}

// The words come from the page (data-words-*), so the server and the script agree.
function words(root, state) {
  return root.dataset[`words${state[0].toUpperCase()}${state.slice(1)}`] ?? state;
}

function labelOf(root, code) {
  const shape = root.querySelector(`.region[data-region="${CSS.escape(code)}"]`);
  return shape?.dataset.label ?? code;
}

function render(root) {
  const list = root.querySelector("[data-bodymap-list]");
  let previous = null;
  let any = false;
  for (const code of codes(root)) {
    const state = stateOf(root, code);
    const label = labelOf(root, code);
    const shape = root.querySelector(`.region[data-region="${CSS.escape(code)}"]`);
    if (shape) {
      shape.classList.toggle("is-pain", state === "pain");
      shape.classList.toggle("is-numb", state === "numb");
      shape.setAttribute("aria-pressed", String(state !== "none"));
      shape.setAttribute("aria-label", `${label}: ${words(root, state)}`);
    }
    if (!list) continue;
    let item = list.querySelector(`li[data-region="${CSS.escape(code)}"]`);
    if (state === "none") {
      item?.remove();
      continue;
    }
    any = true;
    // Items are added or edited one by one, never rebuilt, so the live region reads out
    // only what changed.
    if (!item) {
      item = document.createElement("li");
      item.dataset.region = code;
      const swatch = document.createElement("span");
      swatch.setAttribute("aria-hidden", "true");
      item.append(swatch, document.createTextNode(""));
      if (previous) previous.after(item);
      else list.prepend(item);
    }
    const swatch = item.querySelector(".bodymap-swatch") ?? item.firstElementChild;
    swatch.className = `bodymap-swatch is-${state}`;
    const text = `${label} — ${words(root, state)}`;
    const textNode = item.lastChild;
    if (textNode.nodeType === Node.TEXT_NODE) {
      if (textNode.textContent !== text) textNode.textContent = text;
    } else {
      item.append(document.createTextNode(text));
    }
    previous = item;
  }
  const empty = list?.querySelector("[data-bodymap-empty]");
  if (empty) empty.hidden = any;
}

function announceChange(root) {
  root.dispatchEvent(new Event("input", { bubbles: true }));
}

function cycle(root, shape) {
  const code = shape.dataset.region;
  write(root, code, NEXT[stateOf(root, code)]);
  render(root);
  announceChange(root);
}

/** Return the map's state as {code: "pain" | "numb"}; regions without symptoms are left out. */
export function getRegions(root) {
  const state = {};
  for (const code of codes(root)) {
    const s = stateOf(root, code);
    if (s !== "none") state[code] = s;
  }
  return state;
}

/**
 * Replace the whole map with `state` ({code: "pain" | "numb"}; codes left out are cleared),
 * as "same as yesterday" does, and fire a bubbling `input` event from the wrapper.
 * Throws (and changes nothing) on an unknown code or state.
 */
export function setRegions(root, state) {
  const entries = Object.entries(state ?? {});
  for (const [code, s] of entries) {
    if (!checkbox(root, "pain_regions", code)) {
      throw new RangeError(`unknown body-map region: ${code}`);
    }
    if (!STATES.has(s)) throw new RangeError(`unknown state for ${code}: ${s}`);
  }
  const wanted = new Map(entries);
  for (const code of codes(root)) write(root, code, wanted.get(code) ?? "none");
  render(root);
  announceChange(root);
}

/**
 * Turn the server-rendered checkbox lists into the tappable drawing: show the SVG and its
 * help, hide the fallback fieldsets (their checkboxes stay in the form and still post) and
 * wire taps and keys. Safe to call twice; does nothing without a root or a drawing.
 */
export function initBodymap(root) {
  if (!root || "bodymapReady" in root.dataset) return;
  const svg = root.querySelector("[data-bodymap-svg]");
  if (!svg) return;
  root.dataset.bodymapReady = "";

  // SVG elements have no `hidden` property, so remove the attribute itself.
  svg.removeAttribute("hidden");
  root.querySelector("[data-bodymap-help]")?.removeAttribute("hidden");
  const fallback = root.querySelector("[data-bodymap-fallback]");
  if (fallback) fallback.hidden = true;
  root.classList.add("js");

  const regionFrom = (event) => event.target.closest?.(".region[data-region]");

  svg.addEventListener("click", (event) => {
    const shape = regionFrom(event);
    if (shape) cycle(root, shape);
  });

  // Like a native button: Enter acts on keydown, Space on keyup; both keep the page still.
  let spaceOn = null;
  svg.addEventListener("keydown", (event) => {
    const shape = regionFrom(event);
    if (!shape) return;
    if (event.key === "Enter") {
      event.preventDefault();
      if (!event.repeat) cycle(root, shape);
    } else if (event.key === " ") {
      event.preventDefault();
      spaceOn = shape;
    }
  });
  svg.addEventListener("keyup", (event) => {
    const shape = regionFrom(event);
    if (event.key !== " " || !shape) return;
    event.preventDefault();
    if (spaceOn === shape) cycle(root, shape);
    spaceOn = null;
  });

  // Another script may tick a fallback box and fire `change`: keep one state per region
  // and redraw.
  root.addEventListener("change", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement)) return;
    const other = { pain_regions: "numb_regions", numb_regions: "pain_regions" }[input.name];
    if (!other) return;
    if (input.checked) {
      const twin = checkbox(root, other, input.value);
      if (twin) twin.checked = false;
    }
    render(root);
  });

  render(root);
}
