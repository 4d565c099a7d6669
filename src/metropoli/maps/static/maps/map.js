// Shared map component: MapLibre GL (vendored ES module) reading our own vector tiles.
// Modules add their layers once the map is ready (`whenMapReady` in ready.js, which also
// covers a page module that runs after the map loaded) or through `createMap()`.
// MapLibre (a 1.1 MB module and a 0.5 MB worker) is fetched only on pages with a map, and only
// once a map comes near the screen or the page has finished loading, whichever is first: the
// page's own content comes first on a slow phone (issue 21).
// The map element names both files by their hashed URLs (maps/map.html), which the server lets
// browsers keep for a year; the worker is fetched alongside the library instead of after it has
// been parsed, and MapLibre then finds it in the HTTP cache (decision 0087).
let library = null;
export function loadMapLibre(el) {
  const url = el?.dataset.maplibre;
  const worker = el?.dataset.maplibreWorker;
  if (!library && worker) fetch(worker, { priority: "low" }).catch(() => {});
  library ||= (url ? import(url) : import("../vendor/maplibre-gl/maplibre-gl.mjs")).then((maplibregl) => {
    if (worker) maplibregl.setWorkerUrl(new URL(worker, window.location.href).href);
    return maplibregl;
  });
  return library;
}

const PALETTE = { fill: "#2e7d32", line: "#1b5e20", point: "#e65100" };

function tileTemplate(sample) {
  // The template renders the URL of tile 0/0/0; turn it into a {z}/{x}/{y} template.
  // (Not through `new URL`, which would percent-encode the braces.)
  const path = sample.replace(/\/0\/0\/0\.pbf/, "/{z}/{x}/{y}.pbf");
  return path.startsWith("http") ? path : window.location.origin + path;
}

function baseStyle(el) {
  const sources = {};
  const layers = [{ id: "background", type: "background", paint: { "background-color": "#f4f1ea" } }];
  if (el.dataset.basemap) {
    sources.basemap = {
      type: "raster",
      tiles: [el.dataset.basemap],
      tileSize: 256,
      attribution: el.dataset.attribution || "",
    };
    layers.push({ id: "basemap", type: "raster", source: "basemap" });
  }
  return { version: 8, sources, layers };
}

// Default look for the shared layers; modules style their own.
const DEFAULT_LAYERS = {
  municipalities: (source) => [
    { id: "municipalities-fill", type: "fill", source, "source-layer": "municipalities",
      paint: { "fill-color": PALETTE.fill, "fill-opacity": 0.08 } },
    { id: "municipalities-line", type: "line", source, "source-layer": "municipalities",
      paint: { "line-color": PALETTE.line, "line-width": 1.5 } },
    { id: "seats", type: "circle", source, "source-layer": "seats",
      paint: { "circle-radius": 6, "circle-color": PALETTE.point,
               "circle-stroke-color": "#fff", "circle-stroke-width": 2 } },
  ],
};

export async function createMap(el) {
  const maplibregl = await loadMapLibre(el);
  const [lon, lat] = (el.dataset.center || "-103.35,20.67").split(",").map(Number);
  const map = new maplibregl.Map({
    container: el,
    style: baseStyle(el),
    center: [lon, lat],
    zoom: Number(el.dataset.zoom || 10),
    cooperativeGestures: true,
  });
  map.addControl(new maplibregl.NavigationControl(), "top-right");
  const layer = el.dataset.layer;
  map.on("load", () => {
    if (layer) {
      map.addSource(layer, { type: "vector", tiles: [tileTemplate(el.dataset.tiles)], maxzoom: 16 });
      for (const def of (DEFAULT_LAYERS[layer] || (() => []))(layer)) map.addLayer(def);
    }
    // Names on click: the map carries no font glyphs (it works without outside servers).
    for (const id of ["seats", "municipalities-fill"]) {
      if (!map.getLayer(id)) continue;
      map.on("click", id, (event) => {
        const feature = event.features[0];
        new maplibregl.Popup().setLngLat(event.lngLat)
          .setText(`${feature.properties.name} (${feature.properties.inegi_code})`).addTo(map);
      });
      map.on("mouseenter", id, () => { map.getCanvas().style.cursor = "pointer"; });
      map.on("mouseleave", id, () => { map.getCanvas().style.cursor = ""; });
    }
    el.metropoliMap = { map, maplibregl, el };
    el.classList.add("map-ready");
    el.dispatchEvent(new CustomEvent("metropoli:map-ready", { detail: el.metropoliMap, bubbles: true }));
  });
  return map;
}

function start(el) {
  if (el.dataset.mapStarted) return;
  el.dataset.mapStarted = "1";
  createMap(el).catch((error) => {
    // No WebGL (old phone, locked-down browser): the list beside the map carries the content.
    el.classList.add("map-unavailable");
    console.warn("Map unavailable:", error);
  });
}

const maps = [...document.querySelectorAll("[data-map]")];
if (maps.length && "IntersectionObserver" in window) {
  const near = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) { near.unobserve(entry.target); start(entry.target); }
    }
  }, { rootMargin: "300px" });
  maps.forEach((el) => near.observe(el));
  // Maps further down the page are ready by the time the person scrolls to them.
  const later = () => maps.forEach(start);
  const idle = () => ("requestIdleCallback" in window ? requestIdleCallback(later, { timeout: 2000 }) : setTimeout(later, 0));
  if (document.readyState === "complete") idle();
  else window.addEventListener("load", idle, { once: true });
} else {
  maps.forEach(start);
}
