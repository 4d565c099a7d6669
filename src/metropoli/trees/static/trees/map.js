// The tree map: styles the "trees" tile layer, shows a card for a clicked tree, and keeps the
// list beside the map in step with what is in view (the list is the accessible view).
import { whenMapReady } from "../maps/ready.js";
import { addSensors } from "../sensors/sensors-map.js";

const el = document.getElementById("trees-map");
const list = document.getElementById("tree-list");
const count = document.getElementById("tree-count");
const title = document.getElementById("tree-list-title");
const card = document.getElementById("tree-card");
const T = JSON.parse(document.getElementById("trees-i18n").textContent);
const query = list.dataset.query;
const api = list.dataset.api;
const PAGE = 50;

const fmt = (template, values) => template.replace(/%\((\w+)\)s/g, (_, k) => values[k]);
// The colours come from the legend beside the map (trees/views.py CONDITION_COLOURS).
const COLOURS = Object.fromEntries([...document.querySelectorAll("#map-legend [data-condition]")]
  .map((swatch) => [swatch.dataset.condition, swatch.dataset.colour]));

function node(tag, attrs = {}, ...children) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
  for (const c of children) n.append(c);
  return n;
}

function renderList(collection) {
  list.replaceChildren();
  for (const f of collection.features) {
    const p = f.properties;
    const bits = [p.dbh_cm != null ? `${p.dbh_cm} cm` : null, p.condition_label, p.municipality_name];
    list.append(node("li", {},
      node("a", { href: p.url, "data-tree-id": String(f.id) }, p.species_name), " ",
      node("span", { class: "muted" }, "· " + bits.filter(Boolean).join(" · "))));
  }
  if (!collection.features.length) list.append(node("li", {}, T.none));
  const n = collection.count.toLocaleString(document.documentElement.lang);
  let text = fmt(collection.count === 1 ? T.count_one : T.count_many, { count: n });
  if (collection.count > collection.features.length) text += " " + fmt(T.more, { shown: collection.features.length });
  count.textContent = text;
  title.textContent = title.dataset.inView;
  const pager = document.getElementById("tree-pager");
  if (pager) pager.hidden = true;
}

async function refreshList(map) {
  const b = map.getBounds();
  const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)).join(",");
  const url = `${api}?${query}${query ? "&" : ""}bbox=${bbox}&page_size=${PAGE}`;
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (response.ok) renderList(await response.json());
  } catch (error) {
    console.warn("List not refreshed:", error);
  }
}

function row(label, value) {
  return value == null || value === "" ? [] : [node("dt", {}, label), node("dd", {}, String(value))];
}

async function showCard(id) {
  const response = await fetch(`${api}${id}`, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const f = await response.json();
  const p = f.properties;
  const close = node("button", { type: "button", class: "link card-close" }, T.close);
  close.addEventListener("click", () => { card.hidden = true; });
  const photo = p.photos.length
    ? node("img", { src: p.photos[0].thumbnail_url, alt: `${T.photo_of}: ${p.species_name}`, width: "320" })
    : node("p", { class: "muted" }, T.no_photo);
  const when = new Date(p.recorded_at).toLocaleDateString(document.documentElement.lang);
  card.replaceChildren(
    node("h3", { tabindex: "-1" }, p.species_name),
    p.scientific_name ? node("p", {}, node("i", {}, p.scientific_name)) : "",
    photo,
    node("dl", {},
      ...row(T.dbh, p.dbh_cm != null ? `${p.dbh_cm} cm` : null),
      ...row(T.height, p.height_m != null ? `${p.height_m} m` : null),
      ...row(T.condition, p.condition_label),
      ...row(T.validation, p.validation_label),
      ...row(T.municipality, p.municipality_name),
      ...row(T.recorded, [when, p.recorded_by].filter(Boolean).join(" · "))),
    node("p", {}, node("a", { href: p.url }, T.open_page)),
    close,
  );
  // Eco-benefits of the tree (an HTML fragment; absent when the i-Tree data is not installed).
  const benefits = await fetch(`/arbol/beneficios/arbol/${id}/`);
  if (benefits.ok) card.insertAdjacentHTML("beforeend", await benefits.text());
  card.hidden = false;
  card.querySelector("h3").focus();
}

whenMapReady(el, ({ map, maplibregl }) => {
  el.treeMap = map; // reachable for other scripts on the page (and browser tests)
  // The citizen air-quality sensors share the map (colour = current Índice AIRE Y SALUD band).
  map.addSource("sensors", {
    type: "vector", tiles: [`${window.location.origin}/tiles/sensors/{z}/{x}/{y}.pbf`], maxzoom: 16,
  });
  addSensors(map, maplibregl, "sensors", "/arbol/sensores");
  // The filters, and the inventory's version: a tile cached before the latest change is
  // never shown again (a tree just captured appears at once).
  const source = map.getSource("trees");
  if (source) {
    const template = el.dataset.tiles.replace(/\/0\/0\/0\.pbf/, "/{z}/{x}/{y}.pbf");
    const version = `v=${list.dataset.tilesVersion}`;
    source.setTiles([`${window.location.origin}${template}?${query ? query + "&" : ""}${version}`]);
  }
  map.addLayer({
    id: "tree-cells", type: "circle", source: "trees", "source-layer": "cells",
    paint: {
      "circle-color": "#2e7d32", "circle-opacity": 0.6, "circle-stroke-color": "#1b5e20",
      "circle-stroke-width": 1,
      "circle-radius": ["interpolate", ["linear"], ["sqrt", ["get", "count"]], 1, 4, 30, 18, 300, 30],
    },
  });
  map.addLayer({
    id: "tree-points", type: "circle", source: "trees", "source-layer": "trees",
    paint: {
      "circle-color": ["match", ["get", "condition"], ...Object.entries(COLOURS).flat(), "#546e7a"],
      "circle-radius": ["interpolate", ["linear"], ["zoom"], 14, 3, 18, 9],
      "circle-stroke-color": "#fff", "circle-stroke-width": 1,
    },
  });
  map.on("click", "tree-points", (event) => showCard(event.features[0].id));
  map.on("click", "tree-cells", (event) => {
    map.easeTo({ center: event.lngLat, zoom: Math.min(map.getZoom() + 2, 16) });
  });
  for (const id of ["tree-points", "tree-cells"]) {
    map.on("mouseenter", id, () => { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", id, () => { map.getCanvas().style.cursor = ""; });
  }
  map.on("moveend", () => refreshList(map));
});
