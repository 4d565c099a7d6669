// A tap on the map fills in a longitude and latitude pair: the fields id_lon and id_lat of a form
// with the map "point-map" (where a new market is, a municipality's seat). A pair typed in or
// already saved is marked, and the map opens on it.
import { whenMapReady } from "./ready.js";

const lon = document.getElementById("id_lon");
const lat = document.getElementById("id_lat");
let marker = null;

whenMapReady("point-map", ({ map, maplibregl }) => {
  const place = (lngLat) => {
    if (!marker) marker = new maplibregl.Marker({ color: "#1b5e20" }).setLngLat(lngLat).addTo(map);
    else marker.setLngLat(lngLat);
  };
  map.on("click", (e) => {
    lon.value = e.lngLat.lng.toFixed(6);
    lat.value = e.lngLat.lat.toFixed(6);
    place(e.lngLat);
  });
  if (lon.value && lat.value) {
    place([Number(lon.value), Number(lat.value)]);
    map.jumpTo({ center: [Number(lon.value), Number(lat.value)], zoom: 14 });
  }
  document.getElementById("point-map").dataset.pickReady = "true";
});
