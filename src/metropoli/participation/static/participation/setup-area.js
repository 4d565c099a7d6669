// The consultation's area of interest, drawn on our map by tapping its corners (or adding them
// at the map centre, for keyboards). The polygon goes into the form's hidden `area` field as
// GeoJSON; the server checks it (a valid polygon, stored as a MultiPolygon).
import { plural, Sketch } from "./drawing.js";
import { whenMapReady } from "../maps/ready.js";

const field = document.getElementById("area-field");
const input = document.getElementById("area-input");
const status = document.getElementById("area-status");
const T = JSON.parse(document.getElementById("area-strings").textContent);
const saved = input.value ? JSON.parse(input.value) : null;
let sketch = null;
let map = null;

function describe(s) {
  const n = s.vertices.length;
  if (s.mode) status.textContent = plural(n >= 3 ? T.ready : T.corners, n);
  const geometry = s.geometry();
  if (s.mode) input.value = geometry ? JSON.stringify(geometry) : "";
  field.querySelector("[data-area=draw]").setAttribute("aria-pressed", String(Boolean(s.mode)));
  field.dataset.corners = String(n);
}

function fit(geometry) {
  const coords = (geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates).flat(2);
  const lons = coords.map((c) => c[0]);
  const lats = coords.map((c) => c[1]);
  map.fitBounds([[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]], { padding: 30, animate: false });
}

whenMapReady(document.getElementById("area-map"), ({ map: ready }) => {
  map = ready;
  if (saved) {
    map.addSource("saved-area", { type: "geojson", data: saved });
    map.addLayer({ id: "saved-area-fill", type: "fill", source: "saved-area", paint: { "fill-color": "#0d47a1", "fill-opacity": 0.15 } });
    map.addLayer({ id: "saved-area-line", type: "line", source: "saved-area", paint: { "line-color": "#0d47a1", "line-width": 3, "line-dasharray": [2, 1] } });
    fit(saved);
  }
  sketch = new Sketch(map, "area", describe);
  map.on("click", (event) => { if (sketch.mode) sketch.add(event.lngLat); });
  field.dataset.ready = "true";
});

field.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-area]");
  if (!button || !sketch) return;
  const action = button.dataset.area;
  if (action === "draw") {
    sketch.setMode("Polygon");
    if (map.getLayer("saved-area-fill")) for (const id of ["saved-area-fill", "saved-area-line"]) map.setLayoutProperty(id, "visibility", "none");
  } else if (action === "centre") {
    if (!sketch.mode) { status.textContent = T.choose; return; }
    sketch.add(map.getCenter());
  } else if (action === "undo") sketch.undo();
  else if (action === "clear") {
    // Back to what was saved (nothing, for a new consultation).
    input.value = saved ? JSON.stringify(saved) : "";
    sketch.clear();
    if (map.getLayer("saved-area-fill")) for (const id of ["saved-area-fill", "saved-area-line"]) map.setLayoutProperty(id, "visibility", "visible");
    status.textContent = saved ? T.saved : T.nothing;
  }
});
