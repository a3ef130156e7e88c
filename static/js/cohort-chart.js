// The cohort page: draws the group's mean leg and back pain per window with error bars (one
// SD), and a faint line of leg pain per patient, from the JSON in #chart-data (words
// included: they come from diary/cohorts/words.py, but for the mean's tooltip, whose
// "patients" needs the plural of the number at each point: tn here). A patient's name shows
// only in this physician's tooltip, on hover or tap. Without Chart.js the page keeps its table.

import { number, tn } from "./i18n.js";
import { painAxis, palette, periodTicks, periodTitle, readChartData, twoLines, withAlpha } from "./chart-style.js";
import { errorBars } from "./error-bars.js";

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
}

// One decimal, as the page's language writes it ("7,5"), as the table beside the chart does.
// The server sends each figure already rounded to that decimal (diary/cohorts/chart.py), so
// this only writes it and never rounds it a second time.
function shown(value) {
  return value === null || value === undefined ? "–" : number(value, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

function patientLines(data, colours) {
  return data.patients.map((patient) => ({
    label: patient.label,
    patientName: patient.name,
    data: patient.leg,
    borderColor: withAlpha(colours.leg, 0.3),
    backgroundColor: withAlpha(colours.leg, 0.3),
    borderWidth: 1.5,
    pointRadius: 3,
    pointHoverRadius: 6,
    pointHitRadius: 8,
    order: 2,
  }));
}

function meanLine(side, data, colours, words) {
  const leg = side === "leg";
  return {
    label: leg ? words.leg_mean : words.back_mean,
    data: data[side].mean,
    errorBars: data[side].sd,
    errorBarShift: leg ? -5 : 5,
    counts: data[side].n,
    sds: data[side].sd,
    borderColor: leg ? colours.leg : colours.back,
    backgroundColor: leg ? colours.leg : colours.back,
    borderWidth: 3,
    borderDash: leg ? [] : [7, 5],
    pointStyle: leg ? "circle" : "triangle",
    pointRadius: 5,
    pointHitRadius: 10,
    order: 0,
  };
}

function tooltipLabel(item, words) {
  const dataset = item.dataset;
  if (dataset.patientName !== undefined) {
    return fill(words.patient_tooltip, {
      label: dataset.label,
      name: dataset.patientName,
      value: shown(item.parsed.y),
    });
  }
  return tn(
    "%(label)s: %(mean)s ± %(sd)s SD (%(num)s patient)",
    "%(label)s: %(mean)s ± %(sd)s SD (%(num)s patients)",
    dataset.counts[item.dataIndex],
    { label: dataset.label, mean: shown(item.parsed.y), sd: shown(dataset.sds[item.dataIndex]) },
  );
}

function main() {
  const Chart = window.Chart;
  const data = readChartData();
  const canvas = document.getElementById("cohort-chart");
  if (!Chart || !data || !canvas) return; // the table already says everything
  const colours = palette();
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 13;
  Chart.defaults.color = colours.muted;
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels.map(twoLines),
      datasets: [
        meanLine("leg", data, colours, data.words),
        meanLine("back", data, colours, data.words),
        ...patientLines(data, colours),
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: "nearest", intersect: true },
      scales: {
        x: {
          ticks: periodTicks(colours),
          grid: { color: colours.grid },
        },
        y: painAxis(colours, data.words.axis),
      },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { title: periodTitle, label: (item) => tooltipLabel(item, data.words) } },
      },
    },
    plugins: [errorBars],
  });
}

main();
