// The proceeding page: contributions on the map and in the list; drawing and sending a new one.
import { addAreaLayer, addContributionLayers, csrfToken, deviceToken, fileAsDataUrl, plural, Sketch, toggleLayer } from "./drawing.js";
import { whenMapReady } from "../maps/ready.js";

const root = document.querySelector("[data-proceeding]");
const form = document.getElementById("contribution-form");
const api = root.dataset.api;
const token = deviceToken();
const area = JSON.parse(document.getElementById("proceeding-area").textContent);
const mapEl = document.getElementById("participation-map");
// Messages come translated from the page (gettext), so the script has no language of its own.
const T = JSON.parse(document.getElementById("contribute-strings").textContent);

let sketch = null;
let map = null;
let idempotencyKey = crypto.randomUUID();

function describe(s) {
  const status = document.getElementById("draw-status");
  if (!status) return;
  if (!s.mode) status.textContent = T.nothing;
  else if (s.mode === "Point") status.textContent = s.vertices.length ? T.point : T.nothing;
  else status.textContent = plural(T.vertices, s.vertices.length);
  for (const b of form.querySelectorAll("[data-draw]")) b.setAttribute("aria-pressed", String(b.dataset.draw === s.mode));
}

async function refresh() {
  const response = await fetch(`${api}/contributions`, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const data = await response.json();
  if (map && map.getSource("contributions")) map.getSource("contributions").setData(data);
}

whenMapReady(mapEl, async (detail) => {
  map = detail.map;
  addAreaLayer(map, area);
  addContributionLayers(map, { type: "FeatureCollection", features: [] });
  // Drawing is ready before the first (possibly slow) fetch of existing contributions.
  if (form) {
    sketch = new Sketch(map, "page", describe);
    map.on("click", (e) => { if (sketch.mode) sketch.add(e.lngLat); });
  }
  for (const input of document.querySelectorAll("#layer-toggles input[data-layer]")) {
    input.addEventListener("change", () => toggleLayer(map, input, mapEl.dataset.tiles));
  }
  map.on("click", "contributions-point", (e) => {
    if (sketch && sketch.mode) return; // drawing: the click adds a vertex instead
    window.location.href = root.dataset.detailBase + e.features[0].properties.id + "/";
  });
  root.dataset.ready = "true";
  await refresh();
});

if (form) {
  const status = document.getElementById("form-status");
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-draw], button[data-action]");
    if (!button || !sketch) return;
    if (button.dataset.draw) sketch.setMode(button.dataset.draw);
    else if (button.dataset.action === "centre") {
      if (!sketch.mode) { document.getElementById("draw-status").textContent = T.choose; return; }
      sketch.add(map.getCenter());
    } else if (button.dataset.action === "undo") sketch.undo();
    else if (button.dataset.action === "clear") sketch.clear();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const geometry = sketch && sketch.geometry();
    const category = form.querySelector("input[name=category]:checked");
    const text = form.elements.text.value.trim();
    if (!geometry) { status.textContent = T.needGeometry; return; }
    if (!category) { status.textContent = T.needCategory; return; }
    if (!text) { status.textContent = T.needText; form.elements.text.focus(); return; }
    status.textContent = T.sending;
    let photo = null;
    try { photo = await fileAsDataUrl(form.elements.photo.files[0]); } catch { photo = null; }
    const body = { category: Number(category.value), type: form.elements.type.value, text, geometry, photo,
                   website: form.elements.website.value };
    // Only a signed-in person has the box; their choice becomes their preference.
    if (form.elements.notify_me) body.notify_me = form.elements.notify_me.checked;
    let response;
    try {
      response = await fetch(`${api}/contributions`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json",
                   "Idempotency-Key": idempotencyKey, "X-Device-Token": token, "X-CSRFToken": csrfToken() },
        body: JSON.stringify(body), credentials: "same-origin",
      });
    } catch {
      status.textContent = T.offline;
      return;
    }
    const result = await response.json();
    if (!response.ok) { status.textContent = result.message; return; }
    status.textContent = T.sent;
    idempotencyKey = crypto.randomUUID();
    form.reset();
    sketch.clear();
    addToList(result.feature);
    await refresh();
  });
}

function addToList(feature) {
  const list = document.getElementById("contribution-list");
  list.querySelector(".empty")?.remove();
  const item = document.createElement("li");
  item.dataset.id = feature.id;
  const link = document.createElement("a");
  link.href = root.dataset.detailBase + feature.id + "/";
  const chip = document.querySelector(`#category-${feature.properties.category_id} + label .category-chip`);
  if (chip) link.append(chip.cloneNode(true), " ");
  const text = document.createElement("span");
  text.className = "contribution-text";
  text.textContent = feature.properties.text;
  link.append(text);
  item.append(link);
  list.prepend(item);
  const count = document.getElementById("contribution-count");
  count.textContent = String(Number(count.textContent) + 1);
}
