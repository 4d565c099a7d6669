// Service worker of the touch table only (scope /participa/mesa/): keeps the table page, its
// scripts, styles, the map tiles of the consultation's area and its last contributions, so that
// a workshop without internet can reload the table. New contributions are not handled here: the
// page queues them in IndexedDB and sends them itself.
const CACHE = "participa-mesa-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "cache" && Array.isArray(event.data.urls)) {
    const port = event.ports && event.ports[0];
    event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(
      event.data.urls.map((url) => cache.add(url).catch(() => null)),
    )).then(() => { if (port) port.postMessage({ type: "cached" }); }));
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  const wanted = url.pathname.startsWith("/participa/mesa/") || url.pathname.startsWith("/static/")
    || url.pathname.startsWith("/tiles/")
    || /^\/api\/participation\/proceedings\/[^/]+\/contributions$/.test(url.pathname);
  if (!wanted) return;
  // Network first (fresh data when online), the cached copy when offline.
  event.respondWith(fetch(request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(request, copy));
    }
    return response;
  }).catch(() => caches.match(request, { ignoreVary: true }).then((hit) => hit || Response.error())));
});
