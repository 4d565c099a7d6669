// Metrópoli service worker, served at /sw.js by web/views.py, which writes in the list of what to
// keep on install (PRECACHE) and its version: every static file the templates name, under its
// hashed URL in production, and what those load (MapLibre's worker, every module, stylesheets
// and what they point at) — web/precache.py, docs/decisions/0067-precache-derived-from-templates.md.
// Pages and static files come from the network first (a new version arrives as soon as there is
// signal) and fall back to the kept copy, pages then to the offline page. Map tiles seen online
// are kept in a cache of their own within TILE_BUDGET, least recently fetched out first
// (docs/decisions/0068-map-tiles-kept-within-a-budget.md). Modules add their own pages by the
// scripts in MODULE_SCRIPTS.
const PRECACHE = []; // written in by the server
const VERSION = "metropoli-shell-dev"; // written in by the server
const TILES = "metropoli-tiles-v1";
// What the kept tiles may take on the device: vector tiles are 1–50 kB, so the area of a few
// days of fieldwork fits, and a phone's storage is never filled by maps.
const TILE_BUDGET = { bytes: 25 * 1024 * 1024, count: 3000 };
const MODULE_SCRIPTS = ["/static/trees/capture-sw.js"];
if (MODULE_SCRIPTS.length) importScripts(...MODULE_SCRIPTS);

// One file that cannot be fetched (a deploy half-way) must not leave the device without the
// others: each is kept on its own, and a later visit fetches what is missing.
self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(VERSION)
    .then((cache) => Promise.all(PRECACHE.map((url) => cache.add(url).catch((error) => {
      console.warn("Not kept for offline use:", url, error);
    }))))
    .then(() => self.skipWaiting()));
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

// --- map tiles ---------------------------------------------------------------------------------
// Kept under their URL without `v=` (the data version a page pins): without signal, the tile
// last seen of that place serves, whatever version the kept page asks for.
function tileKey(url) {
  const key = new URL(url);
  key.searchParams.delete("v");
  return key.href;
}

let trimming = null;
let putsSinceTrim = 0;

async function keepTile(key, response) {
  const body = await response.arrayBuffer();
  const headers = new Headers(response.headers);
  headers.set("X-Metropoli-Bytes", String(body.byteLength));
  const cache = await caches.open(TILES);
  // A put replaces the entry and moves it to the end: keys() lists the least recently fetched
  // first.
  await cache.put(key, new Response(body, { status: 200, statusText: "OK", headers }));
  putsSinceTrim += 1;
  if (putsSinceTrim >= 25 && !trimming) trimming = trimTiles().finally(() => { trimming = null; });
  return trimming;
}

// Drops the least recently fetched tiles until the kept ones fit in the budget (TILE_BUDGET, or
// a smaller one a page asks for to free space).
async function trimTiles(budget = TILE_BUDGET) {
  putsSinceTrim = 0;
  const cache = await caches.open(TILES);
  const keys = await cache.keys();
  let bytes = 0;
  let count = 0;
  const drop = [];
  for (let i = keys.length - 1; i >= 0; i -= 1) { // newest first
    const kept = await cache.match(keys[i]);
    const size = Number(kept && kept.headers.get("X-Metropoli-Bytes")) || 0;
    if (count + 1 > budget.count || bytes + size > budget.bytes) drop.push(keys[i]);
    else { count += 1; bytes += size; }
  }
  await Promise.all(drop.map((key) => cache.delete(key)));
  return { count, bytes, dropped: drop.length };
}

function tile(event) {
  const key = tileKey(event.request.url);
  return fetch(event.request)
    .then((response) => {
      if (response.status === 200) event.waitUntil(keepTile(key, response.clone()));
      return response;
    })
    .catch(() => caches.open(TILES).then((cache) => cache.match(key))
      .then((hit) => hit || Response.error()));
}

// A page may ask how much the kept tiles take ({type: "tiles"}), or to keep less
// ({type: "tiles", budget: {bytes, count}}, never more than TILE_BUDGET); the answer goes to the
// port sent with the message.
self.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "tiles" || !event.ports[0]) return;
  const asked = event.data.budget || {};
  const budget = {
    bytes: Math.min(Number(asked.bytes) || TILE_BUDGET.bytes, TILE_BUDGET.bytes),
    count: Math.min(Number(asked.count) || TILE_BUDGET.count, TILE_BUDGET.count),
  };
  event.waitUntil(trimTiles(budget).then((usage) => event.ports[0].postMessage({ ...usage, budget })));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // Only same-origin GETs of pages, static files and tiles; the API always goes to the network.
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;
  if (url.pathname.startsWith("/tiles/")) {
    event.respondWith(tile(event));
  } else if (request.mode === "navigate") {
    event.respondWith(networkFirst(request, () => caches.match("/offline")));
  } else if (url.pathname.startsWith("/static/")) {
    // A static file's query only busts caches (MapLibre's ?v=): the kept copy serves any.
    event.respondWith(networkFirst(request, () => Response.error(), { ignoreSearch: true }));
  }
});
