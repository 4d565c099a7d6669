// Registering a sensor: the location comes from a click on the map or the phone's GPS.
import { whenMapReady } from "../maps/ready.js";

const script = document.getElementById("register-script");
const lat = document.getElementById("id_latitude");
const lon = document.getElementById("id_longitude");
const status = document.getElementById("location-status");
let marker = null;
let mapRef = null;

function setLocation(latitude, longitude) {
  lat.value = latitude.toFixed(6);
  lon.value = longitude.toFixed(6);
  if (mapRef) {
    if (!marker) marker = new mapRef.maplibregl.Marker().setLngLat([longitude, latitude]).addTo(mapRef.map);
    marker.setLngLat([longitude, latitude]);
  }
}

whenMapReady("register-map", (detail) => {
  mapRef = detail;
  const { map } = detail;
  if (lat.value && lon.value) setLocation(Number(lat.value), Number(lon.value));
  map.on("click", (e) => setLocation(e.lngLat.lat, e.lngLat.lng));
});

document.getElementById("use-my-location")?.addEventListener("click", () => {
  if (!navigator.geolocation) {
    status.textContent = script.dataset.noLocation;
    return;
  }
  navigator.geolocation.getCurrentPosition(
    (position) => {
      setLocation(position.coords.latitude, position.coords.longitude);
      status.textContent = script.dataset.located;
      if (mapRef) mapRef.map.flyTo({ center: [position.coords.longitude, position.coords.latitude], zoom: 16 });
    },
    () => { status.textContent = script.dataset.failed; },
    { enableHighAccuracy: true, timeout: 15000 },
  );
});
