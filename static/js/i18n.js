// The page's language for the scripts: t("...") and tn("one", "many", n) return the text in
// the language of the page, from the catalogue the server wrote into it as a JSON data
// block (<script type="application/json" id="i18n">, see templates/base.html), so no
// inline script runs and the CSP stays strict. English pages carry no block: the source
// text is English. Imports nothing, so any module may import it without a cycle.
// Placeholders are named, as in the Python catalogue: t("Saved %(what)s.", { what }).

const LANG = (globalThis.document?.documentElement.lang || "en").split("-")[0];
const MESSAGES = readMessages();

function readMessages() {
  const block = globalThis.document?.getElementById("i18n");
  if (!block) return {};
  try {
    return JSON.parse(block.textContent) || {};
  } catch {
    return {}; // a broken block: English rather than nothing
  }
}

// As in Python, a message is formatted only when given values (then a literal % is %%).
function fill(text, values) {
  if (!values) return text;
  return text.replace(/%\((\w+)\)s|%%/g, (whole, name) => {
    if (!name) return "%";
    return name in values ? String(values[name]) : whole;
  });
}

/** ``message`` in the page's language, with its %(name)s placeholders filled from ``values``. */
export function t(message, values) {
  const found = MESSAGES[message];
  return fill(typeof found === "string" && found ? found : message, values);
}

/**
 * The singular or the plural of a message for the number ``n`` (also given as %(num)s).
 * English and Spanish both have one form for 1 and another for the rest; a language with
 * more forms needs its rule here (docs/translations.md).
 */
export function tn(singular, plural, n, values) {
  const index = n === 1 ? 0 : 1;
  const found = MESSAGES[singular];
  const text = Array.isArray(found) && found[index] ? found[index] : index === 0 ? singular : plural;
  return fill(text, { num: n, ...values });
}

/** The page's language code ("en", "es"), for dates and numbers (Intl). */
export const lang = () => LANG;

/** A number as the page's language writes it ("2.5", "2,5"). */
export const number = (value, options) => new Intl.NumberFormat(LANG, options).format(value);
