import { ago, el, svg } from "./dom.js";

let chosen = null;

const percent = (value) => (value == null ? "–" : `${(100 * value).toFixed(1)}%`);

/** Shows the chosen federated job (the newest until the person picks another): its rounds, drawn and as a table. */
export function renderFederated(jobs, now) {
  const select = document.getElementById("federated-select");
  if (!jobs.some((job) => job.id === chosen)) chosen = jobs[0]?.id ?? null;
  select.replaceChildren(
    ...jobs.map((job) =>
      el("option", { value: job.id, selected: job.id === chosen }, `${job.id} ${job.model} v${job.version} (${job.state})`)),
  );
  select.onchange = () => {
    chosen = select.value;
    renderFederated(jobs, now);
  };
  const job = jobs.find((candidate) => candidate.id === chosen);
  document.getElementById("federated-job").replaceChildren(
    job ? detail(job, now) : el("p", { class: "empty" }, "No federated job yet."));
}

function detail(job, now) {
  const rounds = job.history ?? [];
  return el(
    "div",
    { "data-job": job.id },
    el("p", { class: "rollout-head" },
      el("b", {}, `${job.model} v${job.version}`),
      ` · ${job.aggregation} · round ${job.round} of ${job.rounds} · `,
      el("span", { class: `state ${job.state}`, "data-testid": "federated-state" }, job.state),
      job.reason ? el("span", { class: "reason" }, ` · ${job.reason}`) : null,
      job.state === "completed" ? ` · published v${job.result_version}` : null,
      el("small", {}, ` · updated ${ago(job.updated_at, now)}`)),
    roundsChart(rounds),
    el("table", { class: "federated-rounds" },
      el("thead", {}, el("tr", {}, ...["Round", "State", "Chosen", "Accepted", "Aggregated", "Refused",
        "Local accuracy", "Evaluated accuracy"].map((name) => el("th", {}, name)))),
      el("tbody", {}, ...rounds.map((round) => el("tr", { "data-round": round.round },
        el("td", {}, String(round.round)),
        el("td", {}, round.state),
        el("td", {}, String(round.chosen)),
        el("td", {}, String(round.accepted)),
        el("td", {}, round.aggregated == null ? "–" : String(round.aggregated)),
        el("td", {}, Object.entries(round.refusals ?? {}).map(([reason, count]) => `${count} ${reason}`).join(", ")
          || "none"),
        el("td", {}, percent(round.accuracy)),
        el("td", {}, percent(round.eval_accuracy)))))),
  );
}

/** Per round: bars of devices chosen and aggregated (left scale), and the evaluated accuracy as a line (0–100%). */
function roundsChart(rounds) {
  const width = 600;
  const height = 160;
  const pad = 28;
  if (rounds.length === 0) return el("p", { class: "empty" }, "No round yet.");
  const most = Math.max(1, ...rounds.map((round) => round.chosen));
  const step = (width - 2 * pad) / rounds.length;
  const y = (fraction) => height - pad - fraction * (height - 2 * pad);
  const parts = [svg("line", { x1: pad, y1: y(0), x2: width - pad, y2: y(0), class: "axis" })];
  const points = [];
  rounds.forEach((round, index) => {
    const x = pad + index * step;
    parts.push(svg("rect", { x: x + step * 0.1, y: y(round.chosen / most), width: step * 0.35,
      height: y(0) - y(round.chosen / most), class: "chosen" }, svg("title", {}, `round ${round.round}: ${round.chosen} chosen`)));
    const aggregated = round.aggregated ?? 0;
    parts.push(svg("rect", { x: x + step * 0.5, y: y(aggregated / most), width: step * 0.35,
      height: y(0) - y(aggregated / most), class: "aggregated" },
      svg("title", {}, `round ${round.round}: ${aggregated} aggregated`)));
    parts.push(svg("text", { x: x + step * 0.5, y: height - 8, "text-anchor": "middle" }, String(round.round)));
    const accuracy = round.eval_accuracy ?? round.accuracy;
    if (accuracy != null) points.push([x + step * 0.5, y(accuracy), round.round, accuracy]);
  });
  if (points.length > 0) {
    parts.push(svg("polyline", { points: points.map(([x, yy]) => `${x},${yy}`).join(" "), class: "accuracy" }));
    for (const [x, yy, round, accuracy] of points) {
      parts.push(svg("circle", { cx: x, cy: yy, r: 3, class: "accuracy" },
        svg("title", {}, `round ${round}: accuracy ${percent(accuracy)}`)));
    }
  }
  parts.push(svg("text", { x: pad, y: 14 }, `devices (bars, up to ${most}) · accuracy (line, 0–100%)`));
  return svg("svg", { class: "federated-chart", viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img",
    "aria-label": "participants and accuracy per round" }, ...parts);
}
