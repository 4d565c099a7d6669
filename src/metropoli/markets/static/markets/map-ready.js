// Run `callback({map, maplibregl})` once the map `id` is ready, even if it became ready before
// this module ran (templates/markets/_map_ready.html records the event from the start).
export function whenMapReady(id, callback) {
  const el = document.getElementById(id);
  if (!el) return;
  const ready = (window.mercadoMaps || {})[id];
  if (ready) callback(ready);
  else el.addEventListener("metropoli:map-ready", (event) => callback(event.detail), { once: true });
}
