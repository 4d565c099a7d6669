// Sensors on the shared map: circles coloured by the Índice AIRE Y SALUD category.
import { whenMapReady } from "../maps/ready.js";

const el = document.getElementById("sensors-map");

// `pages` is the address of the sensor pages (the registry), so other maps can link to them.
function addSensors(map, maplibregl, source = "sensors",
                    pages = window.location.pathname.replace(/\/$/, "")) {
  map.addLayer({
    id: "sensors-points", type: "circle", source, "source-layer": "sensors",
    paint: {
      "circle-radius": 7,
      "circle-color": ["get", "colour"],
      "circle-stroke-color": ["case", ["get", "online"], "#1b5e20", "#757575"],
      "circle-stroke-width": 2,
    },
  });
  map.on("click", "sensors-points", (event) => {
    const p = event.features[0].properties;
    const link = document.createElement("a");
    link.href = `${pages}/${encodeURIComponent(p.sensor_id)}/`;
    link.textContent = p.name;
    new maplibregl.Popup().setLngLat(event.lngLat).setDOMContent(link).addTo(map);
  });
  map.on("mouseenter", "sensors-points", () => { map.getCanvas().style.cursor = "pointer"; });
  map.on("mouseleave", "sensors-points", () => { map.getCanvas().style.cursor = ""; });
}

if (el) {
  whenMapReady(el, ({ map, maplibregl }) => addSensors(map, maplibregl));
}

export { addSensors };
