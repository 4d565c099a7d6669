// Run `callback({ map, maplibregl, el })` once the shared map is ready: `target` is the map
// element, its id, or an element holding it. The page's own module may run after the map has
// already loaded (the map module came first and the page module was slow to arrive on a weak
// signal); map.js keeps the ready map on its element, so the callback still runs, exactly once.
export function whenMapReady(target, callback) {
  let el = typeof target === "string" ? document.getElementById(target) : target;
  if (el && !el.hasAttribute("data-map")) el = el.querySelector("[data-map]");
  if (!el) return;
  if (el.metropoliMap) callback(el.metropoliMap);
  else el.addEventListener("metropoli:map-ready", (event) => callback(event.detail), { once: true });
}
