// The map of the market list: one point per market; a click (or "Show on the map" in the list)
// opens a popup with its name and a link to its page. The list works without this script.
import { whenMapReady } from "../maps/ready.js";

const MAP_ID = "markets-map";
const data = JSON.parse(document.getElementById("market-points").textContent);
const i18n = JSON.parse(document.getElementById("markets-map-i18n").textContent);

function popupContent(properties) {
  // Built from DOM nodes, never from HTML text: names come from the database.
  const box = document.createElement("div");
  box.className = "market-popup";
  const name = document.createElement("strong");
  name.textContent = properties.name;
  const address = document.createElement("p");
  address.textContent = properties.address;
  const link = document.createElement("a");
  link.href = properties.url;
  link.textContent = i18n.open;
  link.setAttribute("aria-label", `${i18n.open}: ${properties.name}`);
  box.append(name, address, link);
  return box;
}

whenMapReady(MAP_ID, ({ map, maplibregl }) => {
  const el = document.getElementById(MAP_ID);
  // Municipal seats would look like markets, and a click on a municipality's area would open a
  // second popup: only the boundary lines stay, as context.
  for (const id of ["seats", "municipalities-fill"]) {
    if (map.getLayer(id)) map.setLayoutProperty(id, "visibility", "none");
  }
  map.addSource("markets", { type: "geojson", data });
  map.addLayer({
    id: "markets-points", type: "circle", source: "markets",
    paint: { "circle-radius": 9, "circle-color": "#1b5e20",
             "circle-stroke-color": "#fff", "circle-stroke-width": 3 },
  });
  let popup = null;
  function open(feature, focus) {
    if (popup) popup.remove();
    const content = popupContent(feature.properties);
    popup = new maplibregl.Popup({ offset: 12, maxWidth: "16rem" })
      .setLngLat(feature.geometry.coordinates).setDOMContent(content).addTo(map);
    if (focus) content.querySelector("a").focus();
  }
  map.on("click", "markets-points", (event) => open(event.features[0], false));
  map.on("mouseenter", "markets-points", () => { map.getCanvas().style.cursor = "pointer"; });
  map.on("mouseleave", "markets-points", () => { map.getCanvas().style.cursor = ""; });

  const points = data.features.map((f) => f.geometry.coordinates);
  if (points.length === 1) map.jumpTo({ center: points[0], zoom: 14 });
  else if (points.length > 1) {
    const bounds = new maplibregl.LngLatBounds(points[0], points[0]);
    for (const point of points) bounds.extend(point);
    map.fitBounds(bounds, { padding: 40, maxZoom: 14, duration: 0 });
  }

  // "Show on the map" buttons of the list: keyboard users reach every point through them.
  const bySlug = new Map(data.features.map((f) => [f.properties.slug, f]));
  for (const button of document.querySelectorAll("[data-show-market]")) {
    button.hidden = false;
    button.addEventListener("click", () => {
      const feature = bySlug.get(button.dataset.showMarket);
      if (!feature) return;
      el.scrollIntoView({ block: "nearest" });
      map.jumpTo({ center: feature.geometry.coordinates, zoom: Math.max(map.getZoom(), 14) });
      open(feature, true);
    });
  }
  el.dataset.marketsReady = "true";
});
