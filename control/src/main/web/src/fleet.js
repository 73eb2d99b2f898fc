import { ago, el, versions } from "./dom.js";

/** Rows in the device table: a fleet of thousands is counted in full and listed in part. */
const MAX_ROWS = 200;

/** Steps of an update between a device's first report and its last: the device is busy with an update. */
const UPDATING = new Set(["downloading", "verifying", "unpacking", "loading", "testing"]);

export function renderFleet(devices, now) {
  const online = devices.filter((device) => device.online).length;
  const updating = devices.filter((device) => UPDATING.has(device.last_status)).length;
  document.getElementById("devices-total").textContent = devices.length;
  document.getElementById("devices-online").textContent = online;
  document.getElementById("devices-offline").textContent = devices.length - online;
  document.getElementById("devices-updating").textContent = updating;
  document.getElementById("versions").replaceChildren(...versionCounts(devices));
  const shown = devices.slice(0, MAX_ROWS);
  document.querySelector("#devices tbody").replaceChildren(...shown.map((device) => row(device, now)));
  document.getElementById("devices-note").textContent =
    shown.length < devices.length ? `The first ${shown.length} of ${devices.length} devices by id.` : "";
  return { online, total: devices.length };
}

/** How many devices run each model version: the figure a rollout moves. */
function versionCounts(devices) {
  const counts = new Map();
  for (const device of devices) {
    for (const entry of device.running ?? []) {
      const key = `${entry.model} v${entry.version}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  if (counts.size === 0) return [el("span", { class: "empty" }, "No device reports a running model yet.")];
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([version, count]) => el("span", { class: "version", "data-version": version }, `${version}: ${count}`));
}

function row(device, now) {
  const labels = Object.entries(device.labels ?? {}).map(([key, value]) => `${key}=${value}`).join(", ");
  const status = device.online ? "online" : "offline";
  const last = device.last_status ? `${device.last_status}${device.last_reason ? `: ${device.last_reason}` : ""}` : "";
  return el(
    "tr",
    { "data-device": device.id },
    el("td", {}, device.id),
    el("td", {}, device.group ?? "–"),
    el("td", {}, labels || "–"),
    el("td", { class: status }, el("span", { class: "dot" }), status, last ? el("small", {}, ` · ${last}`) : null),
    el("td", { title: device.last_seen ? new Date(device.last_seen).toISOString() : "" }, ago(device.last_seen, now)),
    el("td", { class: "running" }, versions(device.running ?? [])),
    el("td", {}, versions(device.desired ?? [])),
  );
}
