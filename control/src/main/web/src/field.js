import { TimeChart } from "./charts.js";
import { el } from "./dom.js";
import { accuracyCell } from "./telemetry.js";

/** Lines on the health charts: the devices that ran hottest (or busiest, where none reports a temperature). */
const MAX_SERIES = 8;
const MAX_ROWS = 200;

/**
 * The field panel: per device its health over the span (CPU, memory, disk, hottest thermal zone, heat throttling)
 * and its live accuracy from ground truth, with charts per window of CPU busy share and temperature.
 */
export class FieldPanel {
  constructor(minutes) {
    const chart = (id, options) =>
      new TimeChart(document.getElementById(id), { ...options, spanSeconds: 60 * minutes });
    this.cpu = chart("cpu-chart", { title: "CPU busy by device (%)", unit: "", digits: 0 });
    this.temperature = chart("temperature-chart", { title: "Hottest thermal zone by device (°C)", unit: "", digits: 1 });
  }

  /** {@code deviceHealth}: GET /api/v1/device-health; {@code health}: GET /api/v1/health, for live accuracy. */
  render(deviceHealth, health) {
    const hottest = (h) => Math.max(-Infinity, ...Object.values(h.temperatures_max_celsius ?? {}));
    const ranked = [...deviceHealth.devices].sort(
      (a, b) => (b.hottest_celsius ?? -1) - (a.hottest_celsius ?? -1) || b.health.cpu_busy - a.health.cpu_busy,
    );
    const shown = new Set(ranked.slice(0, MAX_SERIES).map((device) => device.device_id));
    const ends = [...new Set(deviceHealth.windows.map((w) => Date.parse(w.end) / 1000))].sort((a, b) => a - b);
    const index = new Map(ends.map((time, i) => [time, i]));
    const cpu = {};
    const temperature = {};
    for (const window of deviceHealth.windows) {
      if (!shown.has(window.device_id)) continue;
      const slot = index.get(Date.parse(window.end) / 1000);
      (cpu[window.device_id] ??= ends.map(() => null))[slot] = 100 * window.health.cpu_busy;
      const celsius = hottest(window.health);
      if (celsius > -Infinity) (temperature[window.device_id] ??= ends.map(() => null))[slot] = celsius;
    }
    this.cpu.update(ends, cpu);
    this.temperature.update(ends, temperature);
    renderTable(ranked, new Map(health.devices.map((device) => [device.device_id, device.figures])));
  }
}

const percent = (share) => `${(100 * share).toFixed(1)}%`;
const mebibytes = (bytes) => `${Math.round(bytes / 1048576)} MiB`;

function renderTable(devices, figures) {
  const rows = devices.slice(0, MAX_ROWS).map((device) => {
    const h = device.health;
    return el(
      "tr",
      { "data-field": device.device_id, class: device.problems.length ? "unhealthy" : "" },
      el("td", {}, device.device_id),
      el("td", { class: "cpu" }, percent(h.cpu_busy)),
      el("td", {}, `${percent(device.memory_available_share)} (${mebibytes(h.memory_available_min_bytes)})`),
      el("td", {}, `${percent(device.disk_free_share)} (${mebibytes(h.disk_free_min_bytes)})`),
      el("td", { class: "celsius" }, device.hottest_celsius == null ? "–" : `${device.hottest_celsius.toFixed(1)} °C`),
      el("td", {}, h.throttle_events),
      el("td", { class: "accuracy" }, figures.has(device.device_id) ? accuracyCell(figures.get(device.device_id)) : "–"),
      el("td", {}, device.problems.join(", ") || "ok"),
    );
  });
  document.querySelector("#field tbody").replaceChildren(
    ...(rows.length ? rows : [el("tr", {}, el("td", { colspan: 8, class: "empty" }, "No device health in this span."))]),
  );
}
