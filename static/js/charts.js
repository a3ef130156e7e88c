// The charts page: draws the timeline and each therapy's before/after chart from the JSON
// the server rendered into #chart-data's data-chart attribute, with the vendored Chart.js (window.Chart, loaded
// as classic scripts before this module). Without it the page keeps its tables.
import { intlLocale, number, t } from "./i18n.js";

import { painAxis, palette, periodTicks, periodTitle, readChartData, twoLines, withAlpha } from "./chart-style.js";

const DAY_MS = 86400000;

// The dates the timeline writes, in the page's language ("ago 2026", "23 sept 2026"): the
// date adapter only knows English. Made when first needed, once each (Intl's first use
// loads locale data, which costs a phone time).
const DATE_STYLES = {
  month: { month: "short", year: "numeric" },
  day: { day: "numeric", month: "short", year: "numeric" },
};
const formats = {};
function dateWords(style, time) {
  formats[style] ??= new Intl.DateTimeFormat(intlLocale(), DATE_STYLES[style]);
  return formats[style].format(time);
}

// Local midnight of an ISO day, as a timestamp (the time axis works in local time).
function dayTime(iso, offsetDays = 0) {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(y, m - 1, d + offsetDays).getTime();
}

// Stripes for back pain, so the two bars differ by pattern as well as colour.
function stripes(colour) {
  const tile = document.createElement("canvas");
  tile.width = 8;
  tile.height = 8;
  const ctx = tile.getContext("2d");
  ctx.fillStyle = withAlpha(colour, 0.25);
  ctx.fillRect(0, 0, 8, 8);
  ctx.strokeStyle = colour;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(-2, 10);
  ctx.lineTo(10, -2);
  ctx.moveTo(-2, 2);
  ctx.lineTo(2, -2);
  ctx.moveTo(6, 10);
  ctx.lineTo(10, 6);
  ctx.stroke();
  return ctx.createPattern(tile, "repeat");
}

// Single days skip unlogged days; averages keep them as gaps, so a week without entries
// shows as a break in the line instead of a made-up slope.
// ``times`` are the days as timestamps, computed once for the four series.
function points(times, values, { gaps = false } = {}) {
  const out = [];
  values.forEach((y, i) => {
    if (y !== null || gaps) out.push({ x: times[i], y });
  });
  return out;
}

// The pain scale runs 0-10; the timeline keeps a band above it for the therapies' numbers
// and one below it for the periods' names, so no label is ever drawn over the data.
const PAIN_TOP = 10;
const MARKER_Y = 11.3;
const AXIS_TOP = 12.2;
const AXIS_BOTTOM = -1.8;
const SHORT_NAMES = {
  baseline: t("Before"),
  "2w": t("2-3 wk"),
  "6w": t("5-8 wk"),
  "3m": t("3 mo"),
  "6m": t("6 mo"),
  "12m": t("12 mo"),
};

// Each therapy's start is a line with its number above the data (the key under the chart
// names it); the periods of one therapy at a time are shaded and named under the data
// (several therapies' periods overlap and would blur into one band). A period still
// running has a dashed edge and "so far" in its name.
function annotations(therapies, colours, shadedId) {
  const items = {};
  therapies.forEach((therapy, n) => {
    if (therapy.id !== shadedId) return;
    therapy.windows.forEach((w) => {
      // "latest" overlaps the fixed windows; shading it too would only darken them.
      if (!w.from || !w.enough_data || w.name === "latest") return;
      const name = SHORT_NAMES[w.name] + (w.in_progress ? t(" so far") : "");
      items[`w-${n}-${w.name}`] = {
        type: "box",
        xMin: dayTime(w.from),
        xMax: dayTime(w.to, 1),
        yMin: AXIS_BOTTOM,
        yMax: PAIN_TOP,
        backgroundColor: w.name === "baseline" ? colours.baseline : colours.followup,
        borderWidth: w.in_progress ? 1.5 : 0,
        borderDash: [5, 4],
        borderColor: colours.muted,
        drawTime: "beforeDatasetsDraw",
        label: {
          // Only where the name fits inside its period (a 2-week period is narrow on a phone).
          display: (ctx) => !ctx.element || ctx.element.width > name.length * 6.5 + 4,
          content: name,
          position: { x: "center", y: "end" },
          color: colours.text,
          font: { size: 11, weight: "600" },
          padding: 2,
        },
      };
    });
  });
  therapies.forEach((therapy, n) => {
    const x = dayTime(therapy.start_day);
    items[`start-${n}`] = {
      type: "line",
      xMin: x,
      xMax: x,
      yMin: 0,
      yMax: PAIN_TOP,
      borderColor: colours.start,
      borderWidth: 2,
    };
    items[`marker-${n}`] = {
      type: "label",
      xValue: x,
      yValue: MARKER_Y,
      content: String(n + 1),
      backgroundColor: colours.surface,
      color: colours.text,
      borderColor: colours.start,
      borderWidth: 1.5,
      borderRadius: 4,
      padding: { x: 6, y: 2 },
      font: { size: 12, weight: "700" },
    };
  });
  return items;
}

// Ticks, grid lines and the axis title only for the 0-10 pain scale, not the label bands.
function timelineAxis(colours) {
  return {
    ...painAxis(colours),
    min: AXIS_BOTTOM,
    max: AXIS_TOP,
    afterBuildTicks: (axis) => {
      axis.ticks = [0, 2, 4, 6, 8, 10].map((value) => ({ value }));
    },
  };
}

// The four series' points from timeline columns ({day, leg, back, leg_avg7, back_avg7}), in
// the order of the chart's datasets.
function seriesPoints(columns) {
  const times = columns.day.map((day) => dayTime(day));
  return [
    points(times, columns.leg_avg7, { gaps: true }),
    points(times, columns.back_avg7, { gaps: true }),
    points(times, columns.leg),
    points(times, columns.back),
  ];
}

// The days before the page's own, until their single days come: each week's average on its
// Sunday, where it is that day's 7-day average, so the lines run on; no single-day dots.
function weeklyPoints(older) {
  if (!older) return [[], [], [], []];
  const times = older.weeks.day.map((day) => dayTime(day));
  return [
    points(times, older.weeks.leg, { gaps: true }),
    points(times, older.weeks.back, { gaps: true }),
    [],
    [],
  ];
}

function timelineChart(Chart, data, colours) {
  const canvas = document.getElementById("timeline-chart");
  if (!canvas) return null;
  const own = seriesPoints(data.timeline);
  const weekly = weeklyPoints(data.older);
  const all = (i) => weekly[i].concat(own[i]);
  const small = window.matchMedia("(max-width: 40rem)").matches;
  const config = {
    type: "line",
    data: {
      datasets: [
        {
          label: t("Leg pain, 7-day average"),
          ownPoints: own[0],
          allPoints: all(0),
          data: [], // the span shown: applyRange
          borderColor: colours.leg,
          backgroundColor: colours.leg,
          borderWidth: 3,
          pointRadius: 0,
          tension: 0.2,
        },
        {
          label: t("Back pain, 7-day average"),
          ownPoints: own[1],
          allPoints: all(1),
          data: [], // the span shown: applyRange
          borderColor: colours.back,
          backgroundColor: colours.back,
          borderWidth: 3,
          borderDash: [7, 5],
          pointRadius: 0,
          tension: 0.2,
        },
        {
          label: t("Leg pain, one day"),
          ownPoints: own[2],
          allPoints: all(2),
          data: [], // the span shown: applyRange
          showLine: false,
          pointStyle: "circle",
          pointRadius: small ? 2 : 2.5,
          backgroundColor: withAlpha(colours.leg, 0.45),
          borderColor: withAlpha(colours.leg, 0.45),
        },
        {
          label: t("Back pain, one day"),
          ownPoints: own[3],
          allPoints: all(3),
          data: [], // the span shown: applyRange
          showLine: false,
          pointStyle: "triangle",
          pointRadius: small ? 2.5 : 3,
          backgroundColor: withAlpha(colours.back, 0.45),
          borderColor: withAlpha(colours.back, 0.45),
        },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      // Days come sorted and once each: Chart.js may skip checking, and years of days are
      // thinned to what the canvas can show (min-max keeps every peak and trough).
      normalized: true,
      interaction: { mode: "nearest", axis: "x", intersect: false },
      scales: {
        x: {
          type: "time",
          time: { unit: "month" },
          max: dayTime(data.today, 1),
          ticks: {
            color: colours.muted,
            maxRotation: 0,
            autoSkipPadding: 12,
            // A month's tick names the month; a week's (the 3-month span), its first day.
            // Chart.js calls it with the scale as ``this``.
            callback(value) {
              return dateWords(this.options.time.unit === "week" ? "day" : "month", value);
            },
          },
          grid: { color: colours.grid },
        },
        y: timelineAxis(colours),
      },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { title: (items) => (items.length ? dateWords("day", items[0].parsed.x) : "") } },
        decimation: { enabled: true, algorithm: "min-max" },
        annotation: { annotations: annotations(data.therapies, colours, data.therapies[0]?.id) },
      },
    },
  };
  // Created with its first span and data: an empty chart laid out over every month since
  // 1970 and then redrawn cost a phone a long first pause.
  applyRange(config.options, config.data.datasets, data, firstRange(data));
  return new Chart(canvas, config);
}

// Only the days of the span shown go to Chart.js (and the day before, so a line enters
// from the left edge): drawing five years to show one would cost a phone a long pause.
function inSpan(points, min) {
  if (min === undefined) return points;
  const from = points.findIndex((p) => p.x >= min);
  return from < 0 ? [] : points.slice(Math.max(0, from - 1));
}

// The x axis's start and tick unit for a span of ``days`` ("91", "365" or "all").
function span(data, days) {
  const first = data.first_day ? dayTime(data.first_day) : undefined;
  const min = days === "all" ? first : dayTime(data.today, 1 - Number(days));
  return {
    min: first !== undefined && min < first ? first : min,
    unit: days === "91" ? "week" : "month",
  };
}

// Puts the span into the chart's options and data; the caller draws (or creates) it.
function applyRange(options, datasets, data, days) {
  const { min, unit } = span(data, days);
  options.scales.x.min = min;
  options.scales.x.time.unit = unit;
  for (const dataset of datasets) dataset.data = inSpan(dataset.allPoints, min);
}

function pressed(buttons, days) {
  buttons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.rangeDays === days)));
}

// What a physician's or a view link's timeline answers once the share or link has ended
// (or the physician is signed out): not a network error, so not "when you are online".
const ENDED = [401, 403, 404];

// The chart area says how the days before the page's own are drawn (data-older: "weeks",
// "loading" or "days"); a note says so when their single days could not be had (``failure``,
// the error): offline, or, on another person's diary (data-older-gone), no longer shared.
function olderState(state, failure = null) {
  const area = document.querySelector("[data-chart-area]");
  if (area) area.dataset.older = state;
  const gone = document.querySelector("[data-older-gone]");
  const ended = Boolean(gone) && ENDED.includes(failure?.status);
  const note = document.querySelector("[data-older-note]");
  if (note) note.hidden = !failure || ended;
  if (gone) gone.hidden = !ended;
}

// A span reaching before the page's own days asks for their single days, once they are
// needed (five years of days would cost every visit of the page); until they come, and if
// they cannot (offline, never seen), the weekly averages stand in for them.
async function loadOlderDays(chart, data, range) {
  if (!data.older?.url || span(data, range.days).min >= dayTime(data.older.before)) return;
  if (["loading", "days"].includes(document.querySelector("[data-chart-area]")?.dataset.older)) return;
  olderState("loading");
  let older;
  try {
    // Loaded when first needed: most visits never ask for the older days.
    const { fetchOlderDays } = await import("./older-days.js");
    older = seriesPoints(await fetchOlderDays(data.older));
  } catch (failure) {
    olderState("weeks", failure);
    return;
  }
  chart.data.datasets.forEach((dataset, i) => {
    dataset.allPoints = older[i].concat(dataset.ownPoints);
  });
  applyRange(chart.options, chart.data.datasets, data, range.days);
  chart.update();
  olderState("days");
}

function setRange(chart, data, days, buttons, range) {
  range.days = days;
  applyRange(chart.options, chart.data.datasets, data, days);
  chart.update();
  pressed(buttons, days);
  loadOlderDays(chart, data, range);
}

function shadeButtons(chart, data, colours) {
  const buttons = Array.from(document.querySelectorAll("[data-shade-therapy]"));
  buttons.forEach((button) =>
    button.addEventListener("click", () => {
      const id = button.dataset.shadeTherapy;
      chart.options.plugins.annotation.annotations = annotations(data.therapies, colours, id);
      chart.update();
      buttons.forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
    }),
  );
}

// The last year of a longer diary; all of it when that year holds no day (a patient back
// after a long break sees their diary, not an empty year).
function firstRange(data) {
  const span = data.first_day ? (dayTime(data.today) - dayTime(data.first_day)) / DAY_MS : 0;
  return span > 365 && data.timeline.day.length ? "365" : "all";
}

function rangeButtons(chart, data) {
  const buttons = Array.from(document.querySelectorAll("[data-range-days]"));
  const range = { days: firstRange(data) }; // the chart was created with this span
  buttons.forEach((button) =>
    button.addEventListener("click", () =>
      setRange(chart, data, button.dataset.rangeDays, buttons, range),
    ),
  );
  pressed(buttons, range.days);
  if (data.older) olderState("weeks");
  loadOlderDays(chart, data, range); // only when the first span reaches before the page's days
}

// Draws each window's median as a line across its bar (Chart.js has no box plot).
const medianTicks = {
  id: "medianTicks",
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    const y = chart.scales.y;
    chart.data.datasets.forEach((dataset, i) => {
      const meta = chart.getDatasetMeta(i);
      if (meta.hidden) return;
      meta.data.forEach((bar, j) => {
        const median = dataset.medians[j];
        if (median === null || median === undefined) return;
        const half = bar.width / 2;
        ctx.save();
        ctx.strokeStyle = dataset.medianColour;
        ctx.lineWidth = 3;
        ctx.beginPath();
        ctx.moveTo(bar.x - half - 3, y.getPixelForValue(median));
        ctx.lineTo(bar.x + half + 3, y.getPixelForValue(median));
        ctx.stroke();
        ctx.restore();
      });
    });
  },
};

function windowsChart(Chart, canvas, therapy, colours) {
  const shown = therapy.windows.filter((w) => w.enough_data);
  // A period still running is paler, and its name says "so far".
  const fill = (colour, alpha) =>
    shown.map((w) => withAlpha(colour, w.in_progress ? alpha / 2.5 : alpha));
  const range = (side) => shown.map((w) => [w[side].q1, w[side].q3]);
  const medians = (side) => shown.map((w) => w[side].median);
  // The server sends them rounded to the one decimal of the table below the chart
  // (diary/charts/page.py); this writes them as the page's language does ("4,3").
  const decimal = (value) =>
    value === null || value === undefined ? "–" : number(value, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const quartiles = (side, w) =>
    t("median %(median)s, middle half %(low)s to %(high)s", {
      median: decimal(w[side].median),
      low: decimal(w[side].q1),
      high: decimal(w[side].q3),
    });
  return new Chart(canvas, {
    type: "bar",
    data: {
      // Two short lines under each bar pair: long labels would overlap on a phone. A period
      // still running keeps its name on one line and "(so far)" on the second: a third line
      // would run into its neighbours when Chart.js turns the names (it turns them by the
      // widest line alone).
      labels: shown.map((w) => (w.in_progress ? [w.label, t("(so far)")] : twoLines(w.label))),
      datasets: [
        {
          label: t("Leg pain"),
          data: range("leg"),
          medians: medians("leg"),
          medianColour: colours.text,
          backgroundColor: fill(colours.leg, 0.85),
          borderColor: colours.leg,
          borderWidth: 2,
          minBarLength: 4,
        },
        {
          label: t("Back pain"),
          data: range("back"),
          medians: medians("back"),
          medianColour: colours.text,
          backgroundColor: stripes(colours.back),
          borderColor: colours.back,
          borderWidth: 2,
          minBarLength: 4,
        },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: {
        x: { ticks: periodTicks(colours), grid: { display: false } },
        y: painAxis(colours),
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: periodTitle,
            label: (item) => {
              const side = item.datasetIndex === 0 ? "leg" : "back";
              return `${item.dataset.label}: ${quartiles(side, shown[item.dataIndex])}`;
            },
          },
        },
      },
    },
    plugins: [medianTicks],
  });
}

function main() {
  const Chart = window.Chart;
  const data = readChartData();
  if (!Chart || !data) return; // the tables already say everything
  const annotation = window["chartjs-plugin-annotation"];
  if (annotation) Chart.register(annotation);
  const colours = palette();
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 13;
  Chart.defaults.color = colours.muted;

  // The chart areas keep their space from the first paint (no layout shift); without
  // scripting, CSS hides them and the tables say everything.
  const timeline = timelineChart(Chart, data, colours);
  if (timeline) {
    rangeButtons(timeline, data);
    shadeButtons(timeline, data, colours);
  }
  const byId = new Map(data.therapies.map((therapy) => [therapy.id, therapy]));
  // Each therapy's chart is drawn when it comes near the screen, not all at load.
  const draw = (canvas) => {
    const therapy = byId.get(canvas.dataset.windowsChart);
    if (therapy && !Chart.getChart(canvas)) windowsChart(Chart, canvas, therapy, colours);
  };
  const canvases = document.querySelectorAll("[data-windows-chart]");
  if (!("IntersectionObserver" in window)) {
    canvases.forEach(draw);
    return;
  }
  const observer = new IntersectionObserver(
    (seen) => {
      for (const entry of seen) {
        if (!entry.isIntersecting) continue;
        observer.unobserve(entry.target);
        draw(entry.target);
      }
    },
    { rootMargin: "400px 0px" },
  );
  canvases.forEach((canvas) => observer.observe(canvas));
}

main();
