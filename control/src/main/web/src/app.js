import * as api from "./api.js";
import { Samples, TimeChart } from "./charts.js";
import { renderAlerts } from "./alerts.js";
import { renderFederated } from "./federated.js";
import { bindFleetControls, devicesPath, renderFleet, summaryPath } from "./fleet.js";
import { renderRollouts } from "./rollouts.js";
import { FieldPanel } from "./field.js";
import { TelemetryPanels } from "./telemetry.js";

const settings = new URLSearchParams(location.search);
/** How often the page reads the API; `?every=SECONDS` changes it. */
const EVERY_MS = 1000 * (Number(settings.get("every")) || 3);
/** The span of telemetry the charts and tables show; `?minutes=M` changes it (1 to 10080, as the API takes). */
const MINUTES = Math.min(10080, Math.max(1, Math.round(Number(settings.get("minutes")) || 30)));

const online = new Samples();
let onlineChart;
let telemetry;
let field;
let timer;
/**
 * Whether the credential has been accepted since it was given: a new one is tried with a single request, so that a
 * wrong one is refused once, not by each of the panels' requests in flight beside it.
 */
let credentialAccepted = false;

function showError(message) {
  const banner = document.getElementById("error");
  banner.textContent = message ?? "";
  banner.hidden = !message;
}

function showSignIn(message) {
  clearTimeout(timer);
  credentialAccepted = false;
  document.getElementById("panels").hidden = true;
  document.getElementById("logout").hidden = true;
  document.getElementById("login").hidden = false;
  showError(message);
}

async function refresh() {
  clearTimeout(timer);
  try {
    const summaryRead = api.get(summaryPath());
    if (!credentialAccepted) {
      await summaryRead;
      credentialAccepted = true;
    }
    const [summary, devices, rollouts, jobs, alerts, health, series, deviceHealth] = await Promise.all([
      summaryRead,
      api.page(devicesPath()),
      api.get("/api/v1/rollouts"),
      api.get("/api/v1/federated/jobs"),
      api.get("/api/v1/alerts"),
      api.get(`/api/v1/health?minutes=${MINUTES}`),
      api.get(`/api/v1/telemetry?minutes=${MINUTES}`),
      api.get(`/api/v1/device-health?minutes=${MINUTES}`),
    ]);
    const now = Date.now();
    document.getElementById("login").hidden = true;
    document.getElementById("logout").hidden = false;
    document.getElementById("panels").hidden = false;
    const fleet = renderFleet(summary, devices, now);
    online.add(now / 1000, { online: fleet.online, devices: fleet.total });
    onlineChart ??= new TimeChart(document.getElementById("online-chart"), { title: "Devices online", unit: "" });
    onlineChart.update(online.times, online.values);
    renderRollouts(rollouts, now, command);
    renderFederated(jobs, now);
    renderAlerts(alerts, now, acknowledge);
    telemetry ??= new TelemetryPanels(MINUTES);
    telemetry.render(series.windows, health, alerts.filter((alert) => alert.state !== "resolved"));
    field ??= new FieldPanel(MINUTES);
    field.render(deviceHealth, health);
    document.getElementById("updated").textContent = `updated ${new Date(now).toLocaleTimeString()}`;
    showError(null);
  } catch (error) {
    if (error instanceof api.Unauthorized) {
      showSignIn(`Sign in: ${error.message}`);
      return;
    }
    showError(`Cannot reach the control plane: ${error.message}`);
  }
  timer = setTimeout(refresh, EVERY_MS);
}

/** Sends an operator's command, then shows its effect, or why it was refused. */
async function act(path) {
  let failure = null;
  try {
    await api.post(path);
  } catch (error) {
    failure = error.message;
  }
  await refresh();
  if (failure) showError(failure);
}

const command = (id, name) => act(`/api/v1/rollouts/${id}/${name}`);
const acknowledge = (id) => act(`/api/v1/alerts/${id}/acknowledge`);

document.getElementById("login").addEventListener("submit", (event) => {
  event.preventDefault();
  api.signIn(document.getElementById("token").value.trim());
  document.getElementById("token").value = "";
  refresh();
});
document.getElementById("logout").addEventListener("click", () => {
  api.signOut();
  showSignIn(null);
});

bindFleetControls(refresh);
for (const span of document.querySelectorAll(".span-minutes")) span.textContent = MINUTES;
api.adoptTokenFromFragment();
if (api.token()) refresh();
else showSignIn(null);
