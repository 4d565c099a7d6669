// Metrópoli service worker. The shell is cached on install; pages are fetched from the
// network first and fall back to the cache, then to the offline page. Modules add their
// own routes (e.g. the tree capture queue) by importing scripts listed in MODULE_SCRIPTS.
const VERSION = "metropoli-shell-v1";
const SHELL = ["/", "/offline", "/static/web/site.css", "/static/web/pwa.js",
               "/static/web/icons/icon.svg", "/static/web/icons/icon-192.png"];
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

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // Only same-origin GETs of pages and static files; the API and tiles always go to the network.
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/tiles/")) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request)
        .then((response) => {
          const copy = response.clone();
          caches.open(VERSION).then((cache) => cache.put(request, copy));
          return response;
        })
        .catch(() => caches.match(request).then((hit) => hit || caches.match("/offline"))),
    );
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});
