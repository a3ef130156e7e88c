// The page's language for the scripts: t("...") and tn("one", "many", n) return the text in
// the language of the page, from the catalogue the server wrote into it as JSON in a meta
// element's content (<meta id="i18n">, see templates/base.html): no inline script at all,
// so the CSP stays strict. English pages carry no block: the source
// text is English. Imports nothing, so any module may import it without a cycle.
// Placeholders are named, as in the Python catalogue: t("Saved %(what)s.", { what }).

const LANG = (globalThis.document?.documentElement.lang || "en").split("-")[0];
const MESSAGES = readMessages();

function readMessages() {
  const block = globalThis.document?.getElementById("i18n");
  if (!block) return {};
  try {
    return JSON.parse(block.getAttribute("content")) || {};
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

/** The page's language code ("en", "es"). */
export const lang = () => LANG;

/** The locale for Intl's dates and numbers: British English for English ("Tuesday 3 March",
 * as the server writes it), the page's language otherwise. */
export const intlLocale = () => (LANG === "en" ? "en-GB" : LANG);

/** A number as the page's language writes it ("2.5", "2,5"). */
export const number = (value, options) => new Intl.NumberFormat(intlLocale(), options).format(value);

/**
 * A message whose placeholders hold nodes (a link in a sentence): the sentence as a list of
 * strings and nodes, for ``element.append(...)``. Text values are filled in as text.
 */
export function tNodes(message, values = {}) {
  const text = t(message);
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(/%\((\w+)\)s/g)) {
    parts.push(text.slice(last, match.index));
    const value = values[match[1]];
    parts.push(value === undefined ? match[0] : typeof value === "object" ? value : String(value));
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts.filter((part) => part !== "");
}
