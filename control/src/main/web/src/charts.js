import uPlot from "./uPlot.esm.js";

/** The narrowest time axis, in seconds: a minute. */
const MIN_SPAN_SECONDS = 60;

const COLOURS = ["#2b6cb0", "#c05621", "#2f855a", "#9b2c2c", "#6b46c1", "#b7791f", "#2c7a7b", "#97266d"];

/**
 * A time chart of named series over shared timestamps (seconds). The uPlot chart is made again only when the set of
 * series changes; otherwise new points just replace the data.
 */
export class TimeChart {
  /**
   * {@code spanSeconds}: the time axis always shows the last so many seconds up to now; without it, the span of the
   * data, and at least {@link MIN_SPAN_SECONDS} before the last point (a single point would otherwise sit on an axis
   * uPlot widens to years).
   */
  constructor(container, { title, unit, digits = 0, spanSeconds = null }) {
    this.container = container;
    this.title = title;
    this.unit = unit;
    this.digits = digits;
    this.spanSeconds = spanSeconds;
    this.plot = null;
    this.names = "";
    this.range = [0, 1];
  }

  /** {@code times}: seconds; {@code series}: name → values (null where a series has no point). */
  update(times, series) {
    const names = Object.keys(series).sort();
    const data = [times, ...names.map((name) => series[name])];
    this.range = this.timeRange(times);
    if (this.plot && this.names === names.join("\n")) {
      this.plot.setData(data);
      return;
    }
    this.plot?.destroy();
    this.names = names.join("\n");
    const { unit, digits } = this;
    this.plot = new uPlot(
      {
        title: this.title,
        width: Math.max(280, this.container.clientWidth),
        height: 180,
        series: [
          {},
          ...names.map((name, index) => ({
            label: name,
            stroke: COLOURS[index % COLOURS.length],
            width: 2,
            spanGaps: true,
            value: (_, value) => (value == null ? "–" : `${value.toFixed(digits)}${unit}`),
          })),
        ],
        axes: [{}, { values: (_, ticks) => ticks.map((tick) => `${tick.toFixed(digits)}${unit}`), size: 60 }],
        scales: {
          x: { time: true, range: () => this.range },
          y: { range: (_, min, max) => [Math.min(0, min ?? 0), Math.max(max ?? 1, 1e-9) * 1.1] },
        },
      },
      data,
      this.container,
    );
  }

  timeRange(times) {
    const now = Date.now() / 1000;
    if (this.spanSeconds != null) return [now - this.spanSeconds, now];
    const last = times.length ? times[times.length - 1] : now;
    const first = times.length ? times[0] : now;
    return [Math.min(first, last - MIN_SPAN_SECONDS), last];
  }
}

/** Keeps the last {@code limit} samples the page took itself, for figures the API gives only as they are now. */
export class Samples {
  constructor(limit = 300) {
    this.limit = limit;
    this.times = [];
    this.values = {};
  }

  add(seconds, named) {
    this.times.push(seconds);
    for (const name of Object.keys(named)) this.values[name] ??= new Array(this.times.length - 1).fill(null);
    for (const [name, values] of Object.entries(this.values)) values.push(named[name] ?? null);
    if (this.times.length > this.limit) {
      this.times.shift();
      for (const values of Object.values(this.values)) values.shift();
    }
  }
}
