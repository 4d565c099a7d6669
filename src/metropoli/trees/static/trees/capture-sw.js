// Imported by the shell's service worker (/sw.js): keeps the tree capture app and its files
// on the device so it opens without signal. The captures themselves wait in IndexedDB
// (capture.js), not here.
const TREES_CACHE = "metropoli-trees-v2";
const TREES_OFFLINE = [
  "/arbol/capturar",
  "/static/trees/capture.js",
  "/static/trees/trees.css",
  "/static/maps/map.js",
  "/static/maps/ready.js",
  "/static/vendor/maplibre-gl/maplibre-gl.mjs",
  "/static/vendor/maplibre-gl/maplibre-gl-worker.mjs",
  "/static/vendor/maplibre-gl/maplibre-gl-shared.mjs",
  "/static/vendor/maplibre-gl/maplibre-gl.css",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(TREES_CACHE).then((cache) => cache.addAll(TREES_OFFLINE)).catch((error) => {
      console.warn("Tree capture not cached for offline use:", error);
    }),
  );
});

// Network first (so a new version arrives as soon as there is signal), the copy otherwise.
function networkFirst(request, key) {
  return fetch(request)
    .then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(TREES_CACHE).then((cache) => cache.put(key, copy));
      }
      return response;
    })
    .catch(() => caches.match(key, { ignoreSearch: true }).then((hit) => hit || Response.error()));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === "/arbol/capturar" || url.pathname.startsWith("/static/trees/")) {
    event.respondWith(networkFirst(request, url.pathname));
  }
});
