// Checkout: show the fields of the chosen method; a tap on the map sets the delivery point.
import { whenMapReady } from "../maps/ready.js";

const form = document.querySelector("form.checkout");
const lon = document.getElementById("id_lon");
const lat = document.getElementById("id_lat");

function showMethod() {
  const chosen = form.querySelector("input[name=method]:checked");
  for (const set of form.querySelectorAll("fieldset[data-method]")) {
    set.hidden = !chosen || set.dataset.method !== chosen.value;
  }
}
form.addEventListener("change", showMethod);
showMethod();

let marker = null;
let mapApi = null;
function placeMarker(lngLat) {
  if (!mapApi) return;
  if (!marker) marker = new mapApi.maplibregl.Marker({ color: "#e65100" }).setLngLat(lngLat).addTo(mapApi.map);
  else marker.setLngLat(lngLat);
}
whenMapReady("delivery-map", (detail) => {
  mapApi = detail;
  const [mlon, mlat] = document.getElementById("checkout-script").dataset.market.split(",").map(Number);
  mapApi.map.jumpTo({ center: [mlon, mlat], zoom: 13 });
  new mapApi.maplibregl.Marker({ color: "#1b5e20" }).setLngLat([mlon, mlat]).addTo(mapApi.map);
  mapApi.map.on("click", (e) => {
    lon.value = e.lngLat.lng.toFixed(6);
    lat.value = e.lngLat.lat.toFixed(6);
    placeMarker(e.lngLat);
  });
  if (lon.value && lat.value) placeMarker([Number(lon.value), Number(lat.value)]);
  document.getElementById("delivery-map").dataset.pickReady = "true";
});
// Typed coordinates move the pin too, once both are numbers in range.
function typedPoint() {
  const x = Number(lon.value.replace(",", "."));
  const y = Number(lat.value.replace(",", "."));
  if (lon.value && lat.value && Math.abs(x) <= 180 && Math.abs(y) <= 90) placeMarker([x, y]);
}
lon.addEventListener("change", typedPoint);
lat.addEventListener("change", typedPoint);
const locate = document.getElementById("use-location");
if (locate && navigator.geolocation) {
  locate.addEventListener("click", () => navigator.geolocation.getCurrentPosition((pos) => {
    lon.value = pos.coords.longitude.toFixed(6);
    lat.value = pos.coords.latitude.toFixed(6);
    placeMarker([pos.coords.longitude, pos.coords.latitude]);
  }));
} else if (locate) {
  locate.hidden = true;
}
