// The touch table: several draft panels at once, layer toggles, facilitator settings behind a
// PIN, idle reset, and the outbox of web/outbox.js so that contributions made offline are sent
// once when the connection comes back (each carries its Idempotency-Key from the moment it is
// made).
import { addAreaLayer, addContributionLayers, plural, Sketch, toggleLayer } from "./drawing.js";
import { whenMapReady } from "../maps/ready.js";
import { Outbox } from "../web/outbox.js";
import { createStore, get, set } from "../vendor/idb-keyval/idb-keyval.js";

const root = document.getElementById("table");
const api = root.dataset.api;
const slug = root.dataset.slug;
const strings = JSON.parse(document.getElementById("table-strings").textContent);
const area = JSON.parse(document.getElementById("proceeding-area").textContent);
const fmt = (text, n) => plural(text, n);
const SETTINGS_KEY = `participa-table-settings:${slug}`;
const settings = { panels: 2, idle: 180, ...JSON.parse(localStorage.getItem(SETTINGS_KEY) || "{}") };
// The table's token (a workshop's higher sending limit) is handed out only by the facilitator
// PIN; the table keeps it across reloads until it expires.
const TOKEN_KEY = `participa-table-token:${slug}`;
const SKETCH_COLOURS = ["#d81b60", "#6a1b9a", "#e65100", "#00838f"];

// --- outbox (web/outbox.js) ---------------------------------------------------------------------
// One group per proceeding: the table's token (sent when each request goes out) is this one's.
const outbox = new Outbox("participa-table", {
  group: slug,
  credentials: "omit",
  headers: () => {
    const token = localStorage.getItem(TOKEN_KEY);
    return token ? { "X-Table-Token": token } : {};
  },
});
const contributionsUrl = (proceeding) => api.replace(/[^/]+$/, encodeURIComponent(proceeding)) + "/contributions";
// The outbox of earlier versions of this page (its own IndexedDB database), taken over once.
const adopted = outbox.adopt("participa-table", "outbox", (old) => ({
  key: old.key, group: old.slug, url: contributionsUrl(old.slug), json: old.body, at: old.created,
})).catch(() => null);
const pending = () => outbox.list();

outbox.addEventListener("change", () => { showStatus(); draw(); });
// A refused contribution leaves the outbox (nothing would make the server take it later); why
// stays in the status line until the next one goes out.
let refusal = "";
outbox.addEventListener("sent", () => {
  refusal = "";
  root.dataset.sent = String(Number(root.dataset.sent || 0) + 1);
});
outbox.addEventListener("refused", ({ detail }) => {
  refusal = `${strings.rejected} ${detail.entry.message}`;
  outbox.discard(detail.entry.key);
});

async function sync() {
  await outbox.flush({ now: true });
  await showStatus();
  await refresh();
}

async function showStatus() {
  const waiting = (await pending()).length;
  const status = document.getElementById("sync-status");
  const summary = waiting ? fmt(strings.waiting, waiting) : strings.allSent;
  status.textContent = refusal ? `${refusal} ${summary}` : summary;
  status.dataset.waiting = String(waiting);
}

// --- map ----------------------------------------------------------------------------------------
let map = null;
let armed = null;
const panels = [];

// The last contributions the table received, kept in IndexedDB: without signal (even after a
// reload) the map shows them, plus those waiting in the outbox, until fresh ones arrive.
const kept = createStore("participa-table-data", "kept");
const KEPT_KEY = `contributions:${slug}`;
const categoryColours = JSON.parse(document.getElementById("category-colours").textContent);
let shown = { type: "FeatureCollection", features: [] };

async function waitingFeatures() {
  return (await pending()).filter((entry) => entry.json && entry.json.geometry).map((entry) => ({
    type: "Feature", geometry: entry.json.geometry,
    properties: { waiting: true, text: entry.json.text, colour: categoryColours[entry.json.category] || "#555555" },
  }));
}

async function draw() {
  if (!map) return;
  const features = [...shown.features, ...(await waitingFeatures())];
  map.getSource("contributions").setData({ type: "FeatureCollection", features });
  root.dataset.shownContributions = String(shown.features.length);
}

async function refresh() {
  if (!map) return;
  try {
    const response = await fetch(`${api}/contributions`, { headers: { Accept: "application/json" } });
    if (response.ok) {
      shown = await response.json();
      await set(KEPT_KEY, shown, kept).catch(() => null);
    }
  } catch { /* offline: keep what the map shows */ }
  await draw();
}

// --- draft panels -----------------------------------------------------------------------------
function buildPanels() {
  for (const panel of panels.splice(0)) { panel.sketch.destroy(); panel.el.remove(); }
  armed = null;
  const template = document.getElementById("panel-template");
  for (let index = 0; index < settings.panels; index += 1) {
    const fragment = template.content.cloneNode(true);
    const el = fragment.querySelector(".draft-panel");
    const n = index + 1;
    el.id = `panel-${n}`;
    el.dataset.panel = String(n);
    const title = el.querySelector("[data-title]");
    title.id = `panel-${n}-title`;
    title.textContent = fmt(strings.side, n);
    el.setAttribute("aria-labelledby", title.id);
    // Unique ids per panel so every label points at its own control.
    for (const input of el.querySelectorAll("[data-id]")) input.id = `p${n}-${input.dataset.id}`;
    for (const label of el.querySelectorAll("label[data-for]")) label.htmlFor = `p${n}-${label.dataset.for}`;
    for (const radio of el.querySelectorAll("input[type=radio]")) radio.name = `category-${n}`;
    (index % 2 === 0 ? document.getElementById("panels-left") : document.getElementById("panels-right")).append(el);
    const panel = { n, el, form: el.querySelector("form"), key: crypto.randomUUID() };
    panel.sketch = new Sketch(map, `table-${n}`, () => describe(panel));
    map.setPaintProperty(`sketch-table-${n}-line`, "line-color", SKETCH_COLOURS[index]);
    map.setPaintProperty(`sketch-table-${n}-vertex`, "circle-color", SKETCH_COLOURS[index]);
    map.setPaintProperty(`sketch-table-${n}-fill`, "fill-color", SKETCH_COLOURS[index]);
    wirePanel(panel);
    panels.push(panel);
    describe(panel);
  }
}

function describe(panel) {
  const { sketch, el } = panel;
  const status = el.querySelector("[data-draw-status]");
  status.textContent = sketch.mode ? fmt(strings.drawing, sketch.vertices.length) : strings.nothing;
  for (const b of el.querySelectorAll("[data-draw]")) b.setAttribute("aria-pressed", String(b.dataset.draw === sketch.mode));
  el.classList.toggle("drawing", armed === panel);
}

function arm(panel) {
  armed = panel;
  for (const other of panels) describe(other);
}

function wirePanel(panel) {
  const { el, form, sketch } = panel;
  el.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-draw], button[data-action]");
    if (!button) return;
    if (button.dataset.draw) { sketch.setMode(button.dataset.draw); arm(panel); }
    else if (button.dataset.action === "centre") { if (sketch.mode) { sketch.add(map.getCenter()); arm(panel); } }
    else if (button.dataset.action === "undo") sketch.undo();
    else if (button.dataset.action === "clear") { sketch.clear(); if (armed === panel) arm(null); }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = el.querySelector("[data-form-status]");
    const geometry = sketch.geometry();
    const category = form.querySelector("input[type=radio]:checked");
    const text = form.elements.text.value.trim();
    if (!geometry) { status.textContent = strings.needGeometry; return; }
    if (!category) { status.textContent = strings.needCategory; return; }
    if (!text) { status.textContent = strings.needText; return; }
    // The key is fixed when the person presses Send: every retry of this draft reuses it.
    await outbox.add({ key: panel.key, url: `${api}/contributions`,
                       json: { category: Number(category.value), text, geometry, website: "" } });
    panel.key = crypto.randomUUID();
    form.reset();
    sketch.clear();
    if (armed === panel) arm(null);
    status.textContent = strings.queued;
    await showStatus();
    sync();
  });
}

function clearDrafts() {
  for (const panel of panels) {
    panel.form.reset();
    panel.sketch.clear();
    panel.key = crypto.randomUUID();
    panel.el.querySelector("[data-form-status]").textContent = "";
  }
  arm(null);
  for (const id of ["settings-panel", "layer-panel"]) document.getElementById(id).hidden = true;
  document.getElementById("settings-form").hidden = true;
  if (map) addAreaFit();
}

let lastUse = Date.now();
function addAreaFit() {
  const coords = area.coordinates.flat(2);
  const lons = coords.map((c) => c[0]);
  const lats = coords.map((c) => c[1]);
  map.fitBounds([[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]], { padding: 20, animate: false });
}

// --- settings ---------------------------------------------------------------------------------
function wireSettings() {
  const panel = document.getElementById("settings-panel");
  const layers = document.getElementById("layer-panel");
  document.getElementById("settings-button").addEventListener("click", () => { panel.hidden = false; (panel.querySelector("input") || panel.querySelector("button")).focus(); });
  document.getElementById("layers-button").addEventListener("click", (event) => {
    layers.hidden = !layers.hidden;
    event.currentTarget.setAttribute("aria-expanded", String(!layers.hidden));
  });
  for (const close of document.querySelectorAll("[data-close]")) {
    close.addEventListener("click", () => { close.closest(".table-settings").hidden = true; });
  }
  for (const input of layers.querySelectorAll("input[data-layer]")) {
    input.addEventListener("change", () => toggleLayer(map, input, root.dataset.tilesBase));
  }
  const pinForm = document.getElementById("pin-form");
  const settingsForm = document.getElementById("settings-form");
  pinForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = document.getElementById("pin-status");
    try {
      const response = await fetch(`${api}/table/unlock`, {
        method: "POST", credentials: "omit",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ pin: pinForm.elements.pin.value }),
      });
      const result = await response.json();
      if (!response.ok) { status.textContent = result.message || strings.wrongPin; return; }
      localStorage.setItem(TOKEN_KEY, result.table_token);
    } catch {
      status.textContent = strings.wrongPin;
      return;
    }
    pinForm.elements.pin.value = "";
    status.textContent = "";
    settingsForm.hidden = false;
    settingsForm.elements.panels.value = String(settings.panels);
    settingsForm.elements.idle.value = String(settings.idle);
    settingsForm.elements.panels.focus();
  });
  settingsForm.addEventListener("submit", (event) => {
    event.preventDefault();
    settings.panels = Math.min(4, Math.max(1, Number(settingsForm.elements.panels.value)));
    settings.idle = Math.min(3600, Math.max(15, Number(settingsForm.elements.idle.value)));
    localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
    settingsForm.hidden = true;
    panel.hidden = true;
    buildPanels();
  });
  document.getElementById("sync-now").addEventListener("click", () => sync());
}

// --- start ------------------------------------------------------------------------------------
whenMapReady(document.getElementById("table-map"), async (detail) => {
  map = detail.map;
  addAreaLayer(map, area);
  addContributionLayers(map, { type: "FeatureCollection", features: [] });
  shown = (await get(KEPT_KEY, kept).catch(() => null)) || shown;
  await draw();
  map.on("click", (e) => { if (armed && armed.sketch.mode) { armed.sketch.add(e.lngLat); describe(armed); } });
  buildPanels();
  wireSettings();
  root.dataset.ready = "true";
  await adopted;
  await showStatus();
  await outbox.start();
  await refresh();
});

for (const type of ["pointerdown", "keydown", "wheel"]) document.addEventListener(type, () => { lastUse = Date.now(); }, { passive: true });
setInterval(() => {
  if (Date.now() - lastUse > settings.idle * 1000) { lastUse = Date.now(); clearDrafts(); }
}, 5000);
window.addEventListener("online", () => sync());

// The map tiles of the consultation's area (ours, not the outside basemap) at the zoom levels
// around the table's view: maplibre fetches tiles in a web worker, so they are not among the
// page's resources, and the first visit is not yet under the service worker.
function areaTiles(template) {
  const coords = area.coordinates.flat(2);
  const [west, east] = [Math.min(...coords.map((c) => c[0])), Math.max(...coords.map((c) => c[0]))];
  const [south, north] = [Math.min(...coords.map((c) => c[1])), Math.max(...coords.map((c) => c[1]))];
  const tileX = (lon, z) => Math.floor(((lon + 180) / 360) * 2 ** z);
  const tileY = (lat, z) => {
    const r = (lat * Math.PI) / 180;
    return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z);
  };
  const urls = [];
  const zoom = Math.floor(map ? map.getZoom() : 12);
  for (let z = Math.max(0, zoom - 3); z <= Math.min(16, zoom + 1); z += 1) {
    for (let x = tileX(west, z); x <= tileX(east, z); x += 1) {
      for (let y = tileY(north, z); y <= tileY(south, z); y += 1) {
        if (urls.length < 400) urls.push(template.replace("/0/0/0.pbf", `/${z}/${x}/${y}.pbf`));
      }
    }
  }
  return urls;
}

async function keepForOffline() {
  const registration = await navigator.serviceWorker.register(root.dataset.sw, { scope: "/participa/mesa/" });
  await navigator.serviceWorker.ready;
  const worker = registration.active;
  if (!worker) return;
  const urls = [window.location.href, ...performance.getEntriesByType("resource").map((e) => e.name),
                `${api}/contributions`, ...areaTiles(root.dataset.tilesBase)]
    .filter((u) => !u.startsWith("http") || u.startsWith(window.location.origin))
    .map((u) => new URL(u, window.location.href).href);
  // The worker answers once every file is in its cache: the table is then ready without signal.
  const channel = new MessageChannel();
  const done = new Promise((resolve) => { channel.port1.onmessage = resolve; });
  worker.postMessage({ type: "cache", urls: [...new Set(urls)] }, [channel.port2]);
  await done;
  root.dataset.offlineReady = "true";
}

if ("serviceWorker" in navigator) {
  // After the map is ready, so that the tiles are chosen for the table's own view.
  whenMapReady(document.getElementById("table-map"), () => {
    keepForOffline().catch(() => { /* the table still works online without it */ });
  });
}
