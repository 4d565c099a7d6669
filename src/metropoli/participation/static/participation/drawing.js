// Shared by the proceeding page and the touch table: contribution layers and a tiny sketcher
// (click to add a vertex) for points, lines and areas on a MapLibre map. No extra libraries.

export function deviceToken() {
  // A random token per browser: lets people without an account find and delete their own
  // contributions and rate once. The server only stores its SHA-256.
  let token = localStorage.getItem("participa-device");
  if (!token) {
    token = crypto.randomUUID().replaceAll("-", "") + crypto.randomUUID().replaceAll("-", "");
    localStorage.setItem("participa-device", token);
  }
  document.cookie = `participa_device=${token}; path=/participa/; max-age=31536000; SameSite=Lax`;
  return token;
}

// A message with a count, in the page's language: `forms` holds the page's ngettext forms
// ({"one": ..., "other": ...}, translated by the template); "{n}" is replaced by the count.
export function plural(forms, n) {
  const rule = new Intl.PluralRules(document.documentElement.lang || "es").select(n);
  const text = typeof forms === "string" ? forms : (rule === "one" ? forms.one : forms.other);
  return text.replace("{n}", String(n));
}

export function csrfToken() {
  const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export function addAreaLayer(map, area) {
  map.addSource("proceeding-area", { type: "geojson", data: area });
  map.addLayer({ id: "proceeding-area-line", type: "line", source: "proceeding-area",
    paint: { "line-color": "#0d47a1", "line-width": 3, "line-dasharray": [2, 1] } });
  const coords = area.coordinates.flat(2);
  const lons = coords.map((c) => c[0]);
  const lats = coords.map((c) => c[1]);
  map.fitBounds([[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]],
    { padding: 20, animate: false });
}

export function addContributionLayers(map, data) {
  map.addSource("contributions", { type: "geojson", data });
  const colour = ["get", "colour"];
  map.addLayer({ id: "contributions-fill", type: "fill", source: "contributions",
    filter: ["==", ["geometry-type"], "Polygon"], paint: { "fill-color": colour, "fill-opacity": 0.3 } });
  map.addLayer({ id: "contributions-line", type: "line", source: "contributions",
    filter: ["!=", ["geometry-type"], "Point"], paint: { "line-color": colour, "line-width": 3 } });
  map.addLayer({ id: "contributions-point", type: "circle", source: "contributions",
    filter: ["==", ["geometry-type"], "Point"],
    paint: { "circle-radius": 8, "circle-color": colour, "circle-stroke-color": "#fff", "circle-stroke-width": 2 } });
}

const SKETCH_STYLE = { colour: "#d81b60" };

export class Sketch {
  constructor(map, id, onChange) {
    this.map = map;
    this.id = `sketch-${id}`;
    this.mode = null;
    this.vertices = [];
    this.onChange = onChange || (() => {});
    map.addSource(this.id, { type: "geojson", data: this.features() });
    map.addLayer({ id: `${this.id}-fill`, type: "fill", source: this.id,
      filter: ["==", ["geometry-type"], "Polygon"], paint: { "fill-color": SKETCH_STYLE.colour, "fill-opacity": 0.25 } });
    map.addLayer({ id: `${this.id}-line`, type: "line", source: this.id,
      filter: ["!=", ["geometry-type"], "Point"], paint: { "line-color": SKETCH_STYLE.colour, "line-width": 3 } });
    map.addLayer({ id: `${this.id}-vertex`, type: "circle", source: this.id,
      filter: ["==", ["geometry-type"], "Point"],
      paint: { "circle-radius": 7, "circle-color": SKETCH_STYLE.colour, "circle-stroke-color": "#fff", "circle-stroke-width": 2 } });
  }

  destroy() {
    for (const suffix of ["fill", "line", "vertex"]) {
      if (this.map.getLayer(`${this.id}-${suffix}`)) this.map.removeLayer(`${this.id}-${suffix}`);
    }
    if (this.map.getSource(this.id)) this.map.removeSource(this.id);
  }

  setMode(mode) {
    this.mode = mode;
    this.vertices = [];
    this.update();
  }

  add(lngLat) {
    if (!this.mode) return;
    const vertex = [Number(lngLat.lng.toFixed(7)), Number(lngLat.lat.toFixed(7))];
    if (this.mode === "Point") this.vertices = [vertex];
    else this.vertices.push(vertex);
    this.update();
  }

  undo() { this.vertices.pop(); this.update(); }

  clear() { this.mode = null; this.vertices = []; this.update(); }

  geometry() {
    const v = this.vertices;
    if (this.mode === "Point" && v.length === 1) return { type: "Point", coordinates: v[0] };
    if (this.mode === "LineString" && v.length >= 2) return { type: "LineString", coordinates: v };
    if (this.mode === "Polygon" && v.length >= 3) return { type: "Polygon", coordinates: [[...v, v[0]]] };
    return null;
  }

  features() {
    const features = (this.vertices || []).map((c) => ({ type: "Feature", properties: {}, geometry: { type: "Point", coordinates: c } }));
    const shape = this.geometry && this.geometry();
    if (shape && shape.type !== "Point") features.push({ type: "Feature", properties: {}, geometry: shape });
    else if (this.mode === "LineString" || this.mode === "Polygon") {
      if (this.vertices.length >= 2) features.push({ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: this.vertices } });
    }
    return { type: "FeatureCollection", features };
  }

  update() {
    const source = this.map.getSource(this.id);
    if (source) source.setData(this.features());
    this.onChange(this);
  }
}

export async function fileAsDataUrl(file) {
  if (!file) return null;
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

// Layers people switch on and off: ours (contributions, area, municipalities), other modules'
// vector tiles by name (trees, sensors), and a consultation's external WMS / WFS / GeoJSON.
const DATA_LAYER_STYLE = {
  trees: { type: "circle", paint: { "circle-radius": 4, "circle-color": "#2e7d32", "circle-stroke-color": "#fff", "circle-stroke-width": 1 } },
  sensors: { type: "circle", paint: { "circle-radius": 7, "circle-color": "#6a1b9a", "circle-stroke-color": "#fff", "circle-stroke-width": 2 } },
};
const GROUPS = {
  municipalities: ["municipalities-fill", "municipalities-line", "seats"],
  contributions: ["contributions-fill", "contributions-line", "contributions-point"],
  "proceeding-area": ["proceeding-area-line"],
};

export function toggleLayer(map, input, tilesBase) {
  const name = input.dataset.layer;
  const on = input.checked;
  if (!GROUPS[name] && on && !map.getSource(name)) {
    if (DATA_LAYER_STYLE[name]) {
      const path = tilesBase.replace("/municipalities/0/0/0.pbf", `/${name}/{z}/{x}/{y}.pbf`);
      map.addSource(name, { type: "vector", tiles: [window.location.origin + path], maxzoom: 16 });
      map.addLayer({ id: name, source: name, "source-layer": name, ...DATA_LAYER_STYLE[name] });
    } else if (input.dataset.kind === "wms") {
      map.addSource(name, { type: "raster", tiles: [input.dataset.url], tileSize: 256, attribution: input.dataset.attribution });
      map.addLayer({ id: name, type: "raster", source: name });
    } else {
      map.addSource(name, { type: "geojson", data: input.dataset.url, attribution: input.dataset.attribution });
      map.addLayer({ id: name, type: "line", source: name, paint: { "line-color": "#37474f", "line-width": 2 } });
      map.addLayer({ id: `${name}-point`, type: "circle", source: name, filter: ["==", ["geometry-type"], "Point"],
        paint: { "circle-radius": 5, "circle-color": "#37474f" } });
    }
    return;
  }
  const ids = GROUPS[name] || [name, `${name}-point`];
  for (const id of ids) if (map.getLayer(id)) map.setLayoutProperty(id, "visibility", on ? "visible" : "none");
}
