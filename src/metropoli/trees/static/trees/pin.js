// The staff's forms: the tree's or site's point, moved by dragging the pin or tapping the map,
// or typed into the latitude and longitude fields (which stay the form's values).
import { whenMapReady } from "../maps/ready.js";

const lat = document.getElementById("id_lat");
const lon = document.getElementById("id_lon");

whenMapReady("pin-map", ({ map, maplibregl }) => {
  const here = () => (lat.value && lon.value ? [Number(lon.value), Number(lat.value)] : null);
  const start = here();
  const marker = new maplibregl.Marker({ draggable: true, color: "#1b5e20" })
    .setLngLat(start || map.getCenter()).addTo(map);
  if (start) map.jumpTo({ center: start, zoom: 17 });
  const put = ({ lng, lat: latitude }) => {
    lon.value = lng.toFixed(7);
    lat.value = latitude.toFixed(7);
    marker.setLngLat([lng, latitude]);
  };
  marker.on("dragend", () => put(marker.getLngLat()));
  map.on("click", (event) => put(event.lngLat));
  for (const input of [lat, lon]) {
    input.addEventListener("change", () => {
      const point = here();
      if (point) { marker.setLngLat(point); map.easeTo({ center: point }); }
    });
  }
  map.getContainer().dataset.pinReady = "1";
});
