// Imported by the shell's service worker (/sw.js): keeps the tree capture page and its files on
// the device so that it opens without signal; the shell answers for them, network first (the map
// and the outbox are in the shell's own list). The captures themselves wait in the outbox
// (web/outbox.js, IndexedDB), not here.
const TREES_CACHE = "metropoli-trees-v3";
const TREES_OFFLINE = [
  "/arbol/capturar",
  "/static/trees/capture.js",
  "/static/trees/trees.css",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(TREES_CACHE).then((cache) => cache.addAll(TREES_OFFLINE)).catch((error) => {
      console.warn("Tree capture not cached for offline use:", error);
    }),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(
    keys.filter((k) => k.startsWith("metropoli-trees-") && k !== TREES_CACHE).map((k) => caches.delete(k)),
  )));
});
