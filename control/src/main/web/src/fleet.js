import { ago, el, versions } from "./dom.js";

/** Rows in one page of the device table: the fleet is counted in full by the control plane and listed in pages. */
const PAGE = 200;

/** What the operator filters by, and the `after` cursor of each page visited so far (the first has none). */
const view = { group: "", selector: "", afters: [null], index: 0, next: null };

function filterQuery() {
  const query = new URLSearchParams();
  if (view.group) query.set("group", view.group);
  if (view.selector) query.set("selector", view.selector);
  return query;
}

/** The fleet's counts, for the filter shown. */
export function summaryPath() {
  const query = filterQuery().toString();
  return `/api/v1/fleet${query ? `?${query}` : ""}`;
}

/** The page of devices shown. */
export function devicesPath() {
  const query = filterQuery();
  query.set("limit", PAGE);
  const after = view.afters[view.index];
  if (after) query.set("after", after);
  return `/api/v1/devices?${query}`;
}

/** Wires the filter and the pager; `changed` reads the fleet again. */
export function bindFleetControls(changed) {
  document.getElementById("fleet-filter").addEventListener("submit", (event) => {
    event.preventDefault();
    view.group = document.getElementById("filter-group").value.trim();
    view.selector = document.getElementById("filter-selector").value.trim();
    view.afters = [null];
    view.index = 0;
    changed();
  });
  document.getElementById("devices-next").addEventListener("click", () => {
    if (!view.next) return;
    view.afters = [...view.afters.slice(0, view.index + 1), view.next];
    view.index += 1;
    changed();
  });
  document.getElementById("devices-previous").addEventListener("click", () => {
    if (view.index === 0) return;
    view.index -= 1;
    changed();
  });
}

/** Shows the counts of `summary` (GET /api/v1/fleet) and one page of devices (GET /api/v1/devices). */
export function renderFleet(summary, page, now) {
  document.getElementById("devices-total").textContent = summary.devices;
  document.getElementById("devices-online").textContent = summary.online;
  document.getElementById("devices-offline").textContent = summary.devices - summary.online;
  document.getElementById("devices-updating").textContent = summary.updating;
  document.getElementById("versions").replaceChildren(...versionCounts(summary.running));
  document.querySelector("#devices tbody").replaceChildren(...page.items.map((device) => row(device, now)));
  view.next = page.next;
  const first = view.index * PAGE;
  document.getElementById("devices-note").textContent =
    page.total === 0
      ? "No device matches."
      : `Devices ${first + 1}–${first + page.items.length} of ${page.total} by id.`;
  document.getElementById("devices-previous").disabled = view.index === 0;
  document.getElementById("devices-next").disabled = !page.next;
  return { online: summary.online, total: summary.devices };
}

/** How many devices run each model version: the figure a rollout moves. */
function versionCounts(running) {
  if (running.length === 0) return [el("span", { class: "empty" }, "No device reports a running model yet.")];
  return running.map(({ model, version, devices }) =>
    el("span", { class: "version", "data-version": `${model} v${version}` }, `${model} v${version}: ${devices}`),
  );
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
