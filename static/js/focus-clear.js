// The focused control is never hidden, not even partly, under the bars that stay on screen
// (WCAG 2.4.11): the bottom navigation on a phone and the daily form's sticky Save bar.
// showClearOfBars() measures them and scrolls a control clear, where the browser would not:
// after focus({preventScroll}), or once the page has moved under a focused control.
// Importing the module also watches every keyboard focus of the page (app.js imports it).

const BARS = ".main-nav, .entry-actions";
const GAP = 8; // px between the control and a bar, so its focus ring shows too

// What shows of ``element``: itself, or for a drawn radio or checkbox (a 1 px input under
// its label) the label.
function shownPart(element) {
  const box = element.getBoundingClientRect();
  if (box.width > 4 && box.height > 4) return element;
  return [...(element.labels || [])].find((l) => l.getBoundingClientRect().height > 4) || element;
}

/** Scroll the page, at once, so that ``element`` shows whole above the bars (its top first
    when it is taller than the room left). */
export function showClearOfBars(element) {
  if (element.closest(BARS)) return;
  const box = shownPart(element).getBoundingClientRect();
  let bottom = window.innerHeight;
  for (const bar of document.querySelectorAll(BARS)) {
    const position = getComputedStyle(bar).position;
    if (position === "static") continue;
    // What comes after a sticky bar is laid out below it, never under it.
    if (position === "sticky" && bar.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING) continue;
    const { top, height } = bar.getBoundingClientRect();
    if (top + height / 2 > window.innerHeight / 2) bottom = Math.min(bottom, top); // a bar at the bottom
  }
  let by = 0;
  if (box.bottom > bottom - GAP) by = box.bottom - (bottom - GAP);
  if (box.top - by < GAP) by = box.top - GAP;
  if (by) window.scrollBy({ top: by, behavior: "instant" });
}

// Tab, Shift+Tab or a tap in a text field: the focus the user sees (:focus-visible). The
// page's scroll-padding leaves room for the Save bar with one line of status, not for a
// longer message there. A tap on a drawn radio is left alone: the page must not move under
// a finger.
document.addEventListener("focusin", (event) => {
  if (event.target instanceof Element && event.target.matches(":focus-visible")) showClearOfBars(event.target);
});
