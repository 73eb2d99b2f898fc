import { ago, el } from "./dom.js";

/** The alerts, live ones first; {@code acknowledge(id)} runs a row's button. */
export function renderAlerts(alerts, now, acknowledge) {
  const live = alerts.filter((alert) => alert.state !== "resolved");
  document.getElementById("alerts-open").textContent = alerts.filter((alert) => alert.state === "open").length;
  document.getElementById("alerts-acknowledged").textContent =
    alerts.filter((alert) => alert.state === "acknowledged").length;
  const rows = [...live, ...alerts.filter((alert) => alert.state === "resolved")].map((alert) =>
    el(
      "tr",
      { class: `alert ${alert.state}`, "data-alert": alert.id, "data-kind": alert.kind },
      el("td", {}, el("span", { class: "kind" }, alert.kind.replaceAll("_", " "))),
      el("td", {}, alert.device_id ?? "fleet"),
      el("td", {}, alert.model ? `${alert.model}${alert.version ? ` v${alert.version}` : ""}` : "–"),
      el("td", { class: "message" }, alert.message),
      el("td", { title: alert.opened_at }, ago(Date.parse(alert.opened_at), now)),
      el("td", { class: "alert-state" }, alert.state),
      el("td", {},
        alert.state === "open"
          ? el("button", { type: "button", "data-ack": alert.id, onclick: () => acknowledge(alert.id) }, "Acknowledge")
          : null),
    ));
  document.querySelector("#alerts tbody").replaceChildren(
    ...(rows.length ? rows : [el("tr", {}, el("td", { colspan: 7, class: "empty" }, "No alerts."))]),
  );
}
