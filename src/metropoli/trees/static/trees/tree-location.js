// The small map on a tree's page: the trees around it as small dots, this one ringed.
import { whenMapReady } from "../maps/ready.js";

const el = document.getElementById("tree-location-map");

whenMapReady(el, ({ map }) => {
  const [lon, lat] = el.dataset.center.split(",").map(Number);
  map.addLayer({
    id: "tree-points", type: "circle", source: "trees", "source-layer": "trees",
    paint: { "circle-color": "#546e7a", "circle-radius": 4, "circle-stroke-color": "#fff", "circle-stroke-width": 1 },
  });
  map.addSource("this-tree", {
    type: "geojson", data: { type: "Feature", geometry: { type: "Point", coordinates: [lon, lat] }, properties: {} },
  });
  map.addLayer({
    id: "this-tree", type: "circle", source: "this-tree",
    paint: { "circle-color": "#1b7f3b", "circle-radius": 8, "circle-stroke-color": "#212121", "circle-stroke-width": 3 },
  });
  el.dataset.treeShown = "true";
});
