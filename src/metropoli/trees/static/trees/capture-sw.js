// Imported by the shell's service worker (/sw.js): keeps the tree capture page on the device so
// that it opens without signal; the shell answers for it, network first. Its scripts, styles and
// the map are in the shell's own list (web/precache.py derives it from the templates), and the
// tiles seen are kept by the shell too. The captures themselves wait in the outbox (web/outbox.js,
// IndexedDB), not here.
const TREES_CACHE = "metropoli-trees-v4";
const TREES_OFFLINE = ["/arbol/capturar"];

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
