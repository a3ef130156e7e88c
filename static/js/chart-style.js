// What every chart of the diary shares: the colours of the page's scheme (light or dark,
// read from its CSS custom properties) and the 0-10 pain axis. Imported by the pages'
// chart modules (charts.js, cohort-chart.js); it draws nothing itself.
import { t } from "./i18n.js";

export function cssColour(name, fallback) {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

export function withAlpha(colour, alpha) {
  const hex = colour.replace("#", "");
  if (!/^[0-9a-f]{6}$/i.test(hex)) return colour;
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

export function palette() {
  return {
    leg: cssColour("--chart-leg", "#414487"),
    back: cssColour("--chart-back", "#21918c"),
    grid: cssColour("--chart-grid", "#d5dbe0"),
    text: cssColour("--fg", "#1b1f23"),
    muted: cssColour("--muted", "#4a5560"),
    surface: cssColour("--surface", "#ffffff"),
    baseline: cssColour("--chart-baseline", "rgba(120,120,120,0.14)"),
    followup: cssColour("--chart-followup", "rgba(33,145,140,0.12)"),
    start: cssColour("--chart-start", "#4a5560"),
  };
}

export function painAxis(colours, title = t("Pain (0-10)")) {
  return {
    min: 0,
    max: 10,
    // Whole numbers said as they are: Chart.js's own formatter builds an Intl.NumberFormat,
    // whose first use costs a phone tens of milliseconds loading locale data.
    ticks: { stepSize: 2, color: colours.muted, callback: (value) => String(value) },
    grid: { color: colours.grid },
    title: { display: true, text: title, color: colours.muted },
  };
}

// A period's name on two lines, split at its first space ("Weeks" over "2-3"): a phone's
// chart has about 40 px for each period, too little for "12 months" on one line.
export function twoLines(label) {
  const space = label.indexOf(" ");
  return space < 0 ? [label] : [label.slice(0, space), label.slice(space + 1)];
}

// The x axis of periods: every period named (none skipped); Chart.js turns the names only
// when even their two lines do not fit side by side (a narrow phone).
export function periodTicks(colours) {
  return { color: colours.muted, maxRotation: 90, autoSkip: false };
}

// A tooltip's title for a period drawn on lines: its name on one ("Weeks 2-3", not
// Chart.js's "Weeks,2-3").
export function periodTitle(items) {
  return items.map((item) => [item.chart.data.labels[item.dataIndex]].flat().join(" "));
}

// The numbers a page's charts draw: the JSON the server rendered into the data-chart
// attribute of #chart-data (no inline script: the CSP forbids it); null without it.
export function readChartData() {
  const block = document.getElementById("chart-data");
  if (!block) return null;
  try {
    return JSON.parse(block.dataset.chart);
  } catch {
    return null;
  }
}
