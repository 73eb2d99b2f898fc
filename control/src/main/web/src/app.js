import * as api from "./api.js";
import { Samples, TimeChart } from "./charts.js";
import { renderFleet } from "./fleet.js";
import { renderRollouts } from "./rollouts.js";

/** How often the page reads the API; `?every=SECONDS` changes it. */
const EVERY_MS = 1000 * (Number(new URLSearchParams(location.search).get("every")) || 3);

const online = new Samples();
let onlineChart;
let timer;

function showError(message) {
  const banner = document.getElementById("error");
  banner.textContent = message ?? "";
  banner.hidden = !message;
}

function showSignIn(message) {
  clearTimeout(timer);
  document.getElementById("panels").hidden = true;
  document.getElementById("logout").hidden = true;
  document.getElementById("login").hidden = false;
  showError(message);
}

async function refresh() {
  clearTimeout(timer);
  try {
    const [devices, rollouts] = await Promise.all([api.get("/api/v1/devices"), api.get("/api/v1/rollouts")]);
    const now = Date.now();
    document.getElementById("login").hidden = true;
    document.getElementById("logout").hidden = false;
    document.getElementById("panels").hidden = false;
    const fleet = renderFleet(devices, now);
    online.add(now / 1000, { online: fleet.online, devices: fleet.total });
    onlineChart ??= new TimeChart(document.getElementById("online-chart"), { title: "Devices online", unit: "" });
    onlineChart.update(online.times, online.values);
    renderRollouts(rollouts, now, command);
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

async function command(id, name) {
  let failure = null;
  try {
    await api.post(`/api/v1/rollouts/${id}/${name}`);
  } catch (error) {
    failure = error.message;
  }
  await refresh();
  if (failure) showError(failure);
}

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

api.adoptTokenFromFragment();
if (api.token()) refresh();
else showSignIn(null);
