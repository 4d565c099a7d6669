// A courier draws the route on the map: each tap adds a stop; the stops, in order, become a
// GeoJSON LineString in the form's hidden "route" field (the API takes the same GeoJSON).
import { whenMapReady } from "../maps/ready.js";

const field = document.getElementById("id_route");
const list = document.getElementById("route-stops");
const count = document.getElementById("route-count");
let stops = [];
try {
  const saved = field.value ? JSON.parse(field.value) : null;
  if (saved && saved.type === "LineString") stops = saved.coordinates;
} catch {
  stops = [];
}
let api = null;

function geojson() {
  return { type: "LineString", coordinates: stops };
}

function render() {
  field.value = stops.length ? JSON.stringify(geojson()) : "";
  list.replaceChildren(
    ...stops.map(([lon, lat]) => {
      const item = document.createElement("li");
      item.textContent = `${lat.toFixed(5)}, ${lon.toFixed(5)}`;
      return item;
    }),
  );
  const text = stops.length === 0 ? count.dataset.none
    : stops.length === 1 ? count.dataset.one : count.dataset.many.replace("{n}", stops.length);
  count.textContent = text;
  if (!api) return;
  const source = api.map.getSource("route");
  const data = {
    type: "FeatureCollection",
    features: [
      ...(stops.length > 1 ? [{ type: "Feature", geometry: geojson(), properties: {} }] : []),
      ...stops.map((c) => ({ type: "Feature", geometry: { type: "Point", coordinates: c }, properties: {} })),
    ],
  };
  if (source) source.setData(data);
}

function add(lngLat) {
  stops.push([Number(lngLat.lng.toFixed(6)), Number(lngLat.lat.toFixed(6))]);
  render();
}

document.getElementById("route-undo").addEventListener("click", () => { stops.pop(); render(); });
document.getElementById("route-clear").addEventListener("click", () => { stops = []; render(); });
document.getElementById("route-add-centre").addEventListener("click", () => {
  if (api) add(api.map.getCenter());
});

whenMapReady("route-map", (detail) => {
  api = detail;
  const { map } = detail;
  // Taps count from the moment the map is there, not only once its style has loaded: on a slow
  // network the style comes later and the first stops would be lost.
  map.on("click", (e) => add(e.lngLat));
  document.getElementById("route-map").dataset.routeReady = "true";
  const start = () => {
    map.addSource("route", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
    map.addLayer({ id: "route-line", type: "line", source: "route", filter: ["==", "$type", "LineString"],
      paint: { "line-color": "#e65100", "line-width": 4 } });
    map.addLayer({ id: "route-stops", type: "circle", source: "route", filter: ["==", "$type", "Point"],
      paint: { "circle-radius": 6, "circle-color": "#1b5e20", "circle-stroke-color": "#fff", "circle-stroke-width": 2 } });
    if (stops.length) map.jumpTo({ center: stops[0], zoom: 13 });
    render();
  };
  if (map.isStyleLoaded()) start();
  else map.once("load", start);
});
render();
