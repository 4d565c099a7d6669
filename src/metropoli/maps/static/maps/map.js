// Shared map component: MapLibre GL (vendored ES module) reading our own vector tiles.
// Modules add their layers once the map is ready (`whenMapReady` in ready.js, which also
// covers a page module that runs after the map loaded) or through `createMap()`.
// MapLibre (a 1.1 MB module and a 0.5 MB worker) is fetched only on pages with a map, and only
// once a map comes near the screen or the page has finished loading, whichever is first: the
// page's own content comes first on a slow phone (issue 21).
// The map element names both files by their hashed URLs (maps/map.html), which the server lets
// browsers keep for a year (decision 0087). On a slow link MapLibre has the bandwidth to itself;
// once it is in, its worker and the basemap tiles of the first view are fetched while it builds
// the map, the network being idle then (decision 0093).
let library = null;
export function loadMapLibre(el) {
  const url = el?.dataset.maplibre;
  const worker = el?.dataset.maplibreWorker;
  library ||= (url ? import(url) : import("../vendor/maplibre-gl/maplibre-gl.mjs")).then((maplibregl) => {
    // The worker only now: fetched alongside MapLibre it halved the bandwidth MapLibre had on a
    // slow link, and the map waits for MapLibre first (decision 0093). Fetched from the page,
    // the worker MapLibre starts next reads it from the HTTP cache.
    if (worker) fetch(worker).catch(() => {});
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
    layers.push({ id: "basemap", type: "raster", source: "basemap", paint: { "raster-fade-duration": 0 } });
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

// The basemap tiles the first view shows (a 256-px raster source at MapLibre's zoom + 1,
// rounded, as MapLibre covers it without pitch). Asked for once MapLibre has arrived, while it
// builds the map, the network being idle then; MapLibre finds them in the HTTP cache.
function prefetchBasemap(el, lon, lat, zoom) {
  const template = el.dataset.basemap;
  if (!template || /\{(?![zxy]\})/.test(template)) return;
  const z = Math.max(0, Math.round(zoom + 1));
  const n = 2 ** z;
  const size = 512 * 2 ** zoom / n; // CSS pixels of one tile
  const x = ((lon + 180) / 360) * n;
  const rad = (lat * Math.PI) / 180;
  const y = ((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n;
  const halfX = el.clientWidth / 2 / size;
  const halfY = el.clientHeight / 2 / size;
  for (let tx = Math.floor(x - halfX); tx <= Math.floor(x + halfX); tx++) {
    for (let ty = Math.max(0, Math.floor(y - halfY)); ty <= Math.min(n - 1, Math.floor(y + halfY)); ty++) {
      const url = template.replace("{z}", z).replace("{x}", ((tx % n) + n) % n).replace("{y}", ty);
      fetch(url, { mode: "cors", credentials: "same-origin" }).catch(() => {});
    }
  }
}

export async function createMap(el) {
  const maplibregl = await loadMapLibre(el);
  const [lon, lat] = (el.dataset.center || "-103.35,20.67").split(",").map(Number);
  prefetchBasemap(el, lon, lat, Number(el.dataset.zoom || 10));
  const map = new maplibregl.Map({
    container: el,
    style: baseStyle(el),
    center: [lon, lat],
    zoom: Number(el.dataset.zoom || 10),
    cooperativeGestures: true,
    fadeDuration: 0,
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
