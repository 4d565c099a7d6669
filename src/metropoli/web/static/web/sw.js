// Metrópoli service worker. The shell, and what every map and every offline queue needs, is
// cached on install; pages and static files are fetched from the network first (so a new
// version arrives as soon as there is signal) and fall back to the cache, pages then to the
// offline page. Modules add their own pages to the cache by importing the scripts in
// MODULE_SCRIPTS.
// web/tests/test_service_worker.py checks that every file listed exists, that what these files
// load is listed too, and that every script of the base template is.
const VERSION = "metropoli-shell-v2";
const SHELL = [
  "/", "/offline",
  "/static/web/site.css", "/static/web/pwa.js", "/static/web/scroll.js", "/static/web/colours.js",
  "/static/web/icons/icon.svg", "/static/web/icons/icon-192.png",
  // The offline outbox (trees, touch table).
  "/static/web/outbox.js", "/static/vendor/idb-keyval/idb-keyval.js",
  // The map: MapLibre starts its worker from maplibre-gl-worker.mjs?v=<version> (matched
  // without the query below).
  "/static/maps/map.js", "/static/maps/ready.js",
  "/static/vendor/maplibre-gl/maplibre-gl.mjs", "/static/vendor/maplibre-gl/maplibre-gl-worker.mjs",
  "/static/vendor/maplibre-gl/maplibre-gl.css",
];
const MODULE_SCRIPTS = ["/static/trees/capture-sw.js"];
if (MODULE_SCRIPTS.length) importScripts(...MODULE_SCRIPTS);

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(VERSION).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("metropoli-shell-") && k !== VERSION)
                                       .map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// The network's answer (kept for next time), or the kept copy when there is no network.
function networkFirst(request, fallback, options = {}) {
  return fetch(request)
    .then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(VERSION).then((cache) => cache.put(request, copy));
      }
      return response;
    })
    .catch(() => caches.match(request, options).then((hit) => hit || fallback()));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // Only same-origin GETs of pages and static files; the API and tiles always go to the network.
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/tiles/")) return;
  if (request.mode === "navigate") {
    event.respondWith(networkFirst(request, () => caches.match("/offline")));
  } else if (url.pathname.startsWith("/static/")) {
    // A static file's query only busts caches (MapLibre's ?v=): the kept copy serves any.
    event.respondWith(networkFirst(request, () => Response.error(), { ignoreSearch: true }));
  }
});
