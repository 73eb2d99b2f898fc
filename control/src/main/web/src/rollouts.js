import { ago, el, svg } from "./dom.js";

/** The commands each state allows, as the control plane's RolloutState has them; it refuses the rest with 409. */
const COMMANDS = {
  running: ["pause", "abort", "rollback"],
  waiting_approval: ["approve", "pause", "abort", "rollback"],
  paused: ["resume", "abort", "rollback"],
};
/** Commands that undo work on devices ask first. */
const CONFIRM = new Set(["abort", "rollback"]);

const SEGMENTS = [
  ["switched", "switched"],
  ["quality_failed", "quality failed"],
  ["failed", "failed"],
  ["timed_out", "timed out"],
  ["pending", "pending"],
];

let chosen = null;

/** Shows the chosen rollout (the newest until the person picks another); {@code command(id, name)} runs a button. */
export function renderRollouts(rollouts, now, command) {
  const select = document.getElementById("rollout-select");
  if (!rollouts.some((rollout) => rollout.id === chosen)) chosen = rollouts[0]?.id ?? null;
  select.replaceChildren(
    ...rollouts.map((rollout) =>
      el("option", { value: rollout.id, selected: rollout.id === chosen },
        `#${rollout.id} ${rollout.model} v${rollout.version} (${rollout.state})`)),
  );
  select.onchange = () => {
    chosen = Number(select.value);
    renderRollouts(rollouts, now, command);
  };
  const rollout = rollouts.find((candidate) => candidate.id === chosen);
  const target = document.getElementById("rollout");
  target.replaceChildren(rollout ? detail(rollout, now, command) : el("p", { class: "empty" }, "No rollout yet."));
}

function detail(rollout, now, command) {
  const commands = COMMANDS[rollout.state] ?? [];
  return el(
    "div",
    { "data-rollout": rollout.id },
    el("p", { class: "rollout-head" },
      el("b", {}, `${rollout.model} v${rollout.version}`),
      ` to ${rollout.targets} devices · `,
      el("span", { class: `state ${rollout.state}`, "data-testid": "rollout-state" }, rollout.state.replace("_", " ")),
      rollout.state_reason ? el("span", { class: "reason" }, ` · ${rollout.state_reason}`) : null,
      el("small", {}, ` · updated ${ago(rollout.updated_at, now)}`)),
    el("div", { class: "commands" },
      ...commands.map((name) =>
        el("button", {
          type: "button",
          "data-command": name,
          onclick: () => {
            if (!CONFIRM.has(name) || confirm(`${name} rollout #${rollout.id}?`)) command(rollout.id, name);
          },
        }, name))),
    el("p", { class: "gates", "data-testid": "rollout-gates" }, gatesLine(rollout.spec)),
    el("ol", { class: "waves" }, ...rollout.waves.map((wave) => waveFigure(wave, rollout.current_wave))),
    rollout.rollback ? rollbackLine(rollout.rollback) : null,
  );
}

function waveFigure(wave, current) {
  const tally = wave.tally ?? { size: wave.size, pending: wave.size };
  const total = Math.max(1, wave.size);
  let x = 0;
  const bars = [];
  for (const [field, label] of SEGMENTS) {
    const count = tally[field] ?? 0;
    if (count === 0) continue;
    const width = (100 * count) / total;
    bars.push(svg("rect", { x: `${x}%`, y: 0, width: `${width}%`, height: 16, class: field },
      svg("title", {}, `${count} ${label}`)));
    x += width;
  }
  const name = wave.wave === 0 ? "canary" : `wave ${wave.wave}`;
  const counts = SEGMENTS.filter(([field]) => tally[field]).map(([field, label]) => `${tally[field]} ${label}`);
  return el(
    "li",
    { class: `wave ${wave.result}${wave.wave === current ? " current" : ""}`, "data-wave": wave.wave },
    el("span", { class: "wave-name" }, `${name} · ${wave.size} device${wave.size === 1 ? "" : "s"}`),
    svg("svg", { class: "wave-bar", width: "100%", height: 16, role: "img", "aria-label": counts.join(", ") },
      svg("rect", { x: 0, y: 0, width: "100%", height: 16, class: "track" }), ...bars),
    el("span", { class: "wave-result" }, wave.result),
    el("small", { class: "wave-counts" }, counts.join(" · ")),
    wave.reason ? el("small", { class: "reason" }, wave.reason) : null,
  );
}

const percent = (fraction) => `${Math.round(fraction * 1000) / 10}%`;

/** The gates each wave must pass, in words. */
function gatesLine(spec) {
  const gates = spec?.gates;
  if (!gates) return null;
  const parts = [`success ≥ ${percent(gates.success_threshold)}`];
  if (gates.failure_threshold != null) {
    parts.push(`failure ≤ ${percent(gates.failure_threshold)} of ≥ ${gates.min_sample} ended`);
  }
  parts.push(`device timeout ${gates.device_timeout_seconds} s`);
  const quality = gates.quality ?? {};
  if (quality.golden_passed) parts.push("golden tests pass");
  if (quality.max_p95_ms != null) parts.push(`p95 ≤ ${quality.max_p95_ms} ms`);
  if (quality.max_error_rate != null) parts.push(`errors ≤ ${percent(quality.max_error_rate)}`);
  if (quality.max_escalation_rate != null) parts.push(`escalations ≤ ${percent(quality.max_escalation_rate)}`);
  const live = gates.live;
  if (live) {
    const limits = [];
    if (live.max_escalation_rate_increase != null) limits.push(`escalations +${percent(live.max_escalation_rate_increase)}`);
    if (live.max_error_rate_increase != null) limits.push(`errors +${percent(live.max_error_rate_increase)}`);
    if (live.max_p95_ratio != null) limits.push(`p95 ×${live.max_p95_ratio}`);
    if (live.max_class_psi != null) limits.push(`class PSI ${live.max_class_psi}`);
    if (live.max_accuracy_drop != null) limits.push(`accuracy −${percent(live.max_accuracy_drop)}`);
    parts.push(`live after ${live.bake_seconds} s bake vs the old version: ${limits.join(", ") || "no limit"}`);
  }
  const waves = spec.waves;
  const pace = waves.every_seconds ? `, a wave every ${waves.every_seconds} s` : "";
  return `Canary ${waves.canary}, then ×${waves.factor}${pace} · on failure ${spec.on_failure} · gates: ${parts.join(", ")}`;
}

function rollbackLine(rollback) {
  return el("p", { class: "rollback" },
    `Rollback: ${rollback.switched} of ${rollback.devices} back, ${rollback.failed} failed, ${rollback.pending} pending`);
}
