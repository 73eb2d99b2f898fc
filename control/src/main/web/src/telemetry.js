import { TimeChart } from "./charts.js";
import { el, svg } from "./dom.js";

/**
 * The telemetry panels: per model version, requests, p95 latency and escalation rate per window over time, and per
 * device its drift (PSI of its inputs and outputs against the bundle's reference statistics).
 */
export class TelemetryPanels {
  /** {@code minutes}: the span the charts' time axis shows, up to now. */
  constructor(minutes) {
    const chart = (id, options) =>
      new TimeChart(document.getElementById(id), { ...options, spanSeconds: 60 * minutes });
    this.requests = chart("requests-chart", { title: "Requests per window", unit: "" });
    this.latency = chart("latency-chart", { title: "p95 latency, slowest device (ms)", unit: "", digits: 1 });
    this.escalation = chart("escalation-chart", { title: "Escalation rate (%)", unit: "", digits: 1 });
    this.drift = chart("drift-chart", { title: "Drift by device (PSI)", unit: "", digits: 2 });
    this.accuracy = chart("accuracy-chart", { title: "Live accuracy from ground truth (%)", unit: "", digits: 1 });
  }

  /** {@code points}: GET /api/v1/telemetry; {@code health}: GET /api/v1/health; {@code alerts}: the live ones. */
  render(points, health, alerts) {
    const byModel = series(points, (point) => `${point.model} v${point.version}`);
    this.requests.update(byModel.times, byModel.map((figures) => sum(figures, "requests")));
    this.latency.update(byModel.times, byModel.map((figures) => max(figures, "p95_ms")));
    this.escalation.update(byModel.times, byModel.map((figures) => weighted(figures, "escalation_rate", 100)));
    this.accuracy.update(byModel.times, byModel.map((figures) => weighted(figures, "accuracy", 100, "ground_truth")));
    const drift = series(points, (point) => point.device_id).map((figures) => max(figures, "drift_psi"));
    this.drift.update(times(points), mostDrifted(drift, MAX_DRIFT_SERIES));
    renderModels(health.models);
    renderDrift(health.devices, alerts);
  }
}

/** Lines on the drift chart and rows in the drift table: the devices that drifted most. */
const MAX_DRIFT_SERIES = 8;
const MAX_DRIFT_ROWS = 50;

const times = (points) => [...new Set(points.map((point) => Date.parse(point.end) / 1000))].sort((a, b) => a - b);

/** The {@code limit} series whose largest value is largest. */
function mostDrifted(series, limit) {
  const peak = (values) => Math.max(-1, ...values.filter((value) => value != null));
  return Object.fromEntries(
    Object.entries(series).sort(([, a], [, b]) => peak(b) - peak(a)).slice(0, limit),
  );
}

/** Windows grouped by their end and by {@code key}: times in seconds, and per key the figures at each time. */
function series(points, key) {
  const ends = times(points);
  const index = new Map(ends.map((time, i) => [time, i]));
  const grouped = {};
  for (const point of points) {
    const slots = (grouped[key(point)] ??= ends.map(() => []));
    slots[index.get(Date.parse(point.end) / 1000)].push(point.figures);
  }
  return {
    times: ends,
    map(reduce) {
      return Object.fromEntries(Object.entries(grouped).map(([name, slots]) => [name, slots.map(reduce)]));
    },
  };
}

const sum = (figures, field) => (figures.length ? figures.reduce((total, f) => total + f[field], 0) : null);

function max(figures, field) {
  const values = figures.map((f) => f[field]).filter((value) => value != null);
  return values.length ? Math.max(...values) : null;
}

/**
 * A rate over all requests of the windows (each window's rate weighted by its requests, or by the count named
 * {@code over}), times {@code scale}.
 */
function weighted(figures, field, scale, over = "requests") {
  const whole = sum(figures, over);
  if (!whole) return null;
  return (scale * figures.reduce((total, f) => total + (f[over] ? f[field] * f[over] : 0), 0)) / whole;
}

/** Live accuracy and, beside it, the bundle's reference accuracy, as percentages. */
export const accuracyCell = (f) =>
  f.accuracy == null ? "–" : `${fixed(100 * f.accuracy, 1)}% of ${f.ground_truth}` +
    (f.reference_accuracy == null ? "" : ` (ref. ${fixed(100 * f.reference_accuracy, 1)}%)`);

const fixed = (value, digits) => (value == null ? "–" : value.toFixed(digits));

function renderModels(models) {
  const rows = models.map((model) => {
    const f = model.figures;
    return el(
      "tr",
      { "data-model": `${model.model} v${model.version}` },
      el("td", {}, `${model.model} v${model.version}`),
      el("td", {}, model.devices),
      el("td", { class: "requests" }, f.requests),
      el("td", {}, fixed(f.p50_ms, 1)),
      el("td", { class: "p95" }, fixed(f.p95_ms, 1)),
      el("td", {}, fixed(f.p99_ms, 1)),
      el("td", { class: "escalation" }, `${fixed(100 * f.escalation_rate, 1)}%`),
      el("td", {}, `${fixed(100 * f.error_rate, 1)}%`),
      el("td", { class: "accuracy" }, accuracyCell(f)),
    );
  });
  document.querySelector("#models tbody").replaceChildren(
    ...(rows.length ? rows : [el("tr", {}, el("td", { colspan: 9, class: "empty" }, "No telemetry in this span."))]),
  );
}

/** Devices by drift, largest first; a device with a live drift alert is marked. */
function renderDrift(devices, alerts) {
  const drifting = new Set(alerts.filter((alert) => alert.kind === "drift").map((alert) => alert.device_id));
  const measured = devices.filter((device) => device.figures.drift_psi != null);
  const unjudged = devices.filter((device) => device.figures.drift_psi == null && device.figures.drift_not_judged);
  const top = Math.max(0.25, ...measured.map((device) => device.figures.drift_psi));
  const rows = measured
    .sort((a, b) => b.figures.drift_psi - a.figures.drift_psi)
    .slice(0, MAX_DRIFT_ROWS)
    .map((device) => {
      const psi = device.figures.drift_psi;
      const alerting = drifting.has(device.device_id);
      return el(
        "tr",
        { "data-drift": device.device_id, class: alerting ? "drifting" : "" },
        el("td", {}, device.device_id),
        el("td", { class: "psi" }, psi.toFixed(3)),
        el("td", {},
          svg("svg", { class: "psi-bar", width: "100%", height: 12, role: "img", "aria-label": `PSI ${psi.toFixed(3)}` },
            svg("rect", { x: 0, y: 0, width: `${(100 * psi) / top}%`, height: 12 }))),
        el("td", {}, alerting ? "drift alert" : device.status),
      );
    });
  rows.push(
    ...unjudged.slice(0, Math.max(0, MAX_DRIFT_ROWS - rows.length)).map((device) =>
      el(
        "tr",
        { "data-drift": device.device_id, class: "unjudged" },
        el("td", {}, device.device_id),
        el("td", { class: "psi" }, "–"),
        el("td", { colspan: 2 }, `not judged: ${device.figures.drift_not_judged}`),
      ),
    ),
  );
  document.querySelector("#drift tbody").replaceChildren(
    ...(rows.length ? rows : [el("tr", {}, el("td", { colspan: 4, class: "empty" }, "No drift measured yet."))]),
  );
}
