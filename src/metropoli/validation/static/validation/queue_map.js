// The work queue's map: flagged trees, filtered like the list beside it.
const COLOURS = ["case", ["get", "risk"], "#b71c1c", ["get", "dead"], "#424242",
  ["get", "disease"], "#6a1b9a", "#e65100"];
import { whenMapReady } from "../maps/ready.js";

const wrap = document.getElementById("queue-map-wrap");
if (wrap) {
  whenMapReady(wrap, ({ map, el }) => {
    const filters = new URLSearchParams(wrap.dataset.filters);
    const template = el.dataset.tiles.replace(/\/0\/0\/0\.pbf/, "/{z}/{x}/{y}.pbf");
    const base = template.startsWith("http") ? template : window.location.origin + template;
    map.addSource("flagged", { type: "vector", tiles: [`${base}?${filters}`], maxzoom: 16 });
    map.addLayer({ id: "flagged-points", type: "circle", source: "flagged", "source-layer": "flagged",
      paint: { "circle-radius": 6, "circle-color": COLOURS, "circle-stroke-color": "#fff",
               "circle-stroke-width": 1.5 } });
  });
}
