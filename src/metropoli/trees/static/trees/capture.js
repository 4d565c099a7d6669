// Tree capture: photo, GPS with a draggable pin, species search, DBH. Every capture is first
// stored on the device (the outbox of web/outbox.js) with its own idempotency key, then sent; a
// capture made without signal waits in the queue and goes out when the signal returns. The key
// makes a retry after a lost response return the same tree instead of a second one.
import { whenMapReady } from "../maps/ready.js";
import { csrfToken, isTransient, Outbox } from "../web/outbox.js";

const form = document.getElementById("capture-form");
const T = JSON.parse(document.getElementById("capture-i18n").textContent);
const SPECIES = JSON.parse(document.getElementById("species-data").textContent);
const API = form.dataset.api; // /api/trees/
const AUTHENTICATED = form.dataset.authenticated === "1";
const MAX_PHOTO_MB = 12;
const $ = (id) => document.getElementById(id);
const fmt = (template, values) => template.replace(/%\((\w+)\)s/g, (_, k) => values[k]);

// --- the queue on the device (web/outbox.js) -----------------------------------------------
// A lapsed session is fixed by logging in again, so 401/403 keep the capture waiting too. Once
// the tree exists, its photo takes the capture's place in the queue, under its own key.
const outbox = new Outbox("trees", {
  headers: () => ({ "X-CSRFToken": csrfToken() }),
  keep: (status) => status === 401 || status === 403 || isTransient(status),
  followUp: (entry, tree) => (entry.meta.kind !== "photo" && entry.meta.photo ? {
    key: `${entry.key}-photo`,
    url: `${API}${tree.id}/photos`,
    form: [["photo", entry.meta.photo, entry.meta.photoName || "photo.jpg"]],
    meta: { label: entry.meta.label, createdAt: entry.meta.createdAt, treeUrl: tree.properties.url,
            kind: "photo" },
  } : null),
});

// The queue of earlier versions of this page (its own IndexedDB database), taken over once.
const adopted = outbox.adopt("metropoli-trees", "captures", (old) => {
  const meta = { label: old.label, createdAt: old.createdAt, photo: old.photo, photoName: old.photoName };
  const refused = old.state === "problem" ? old.message || "-" : "";
  if (!old.treeId) return { key: old.key, url: API, json: old.data, meta, at: old.createdAt, refused };
  if (!old.photo) return null;
  return { key: `${old.key}-photo`, url: `${API}${old.treeId}/photos`, at: old.createdAt,
           form: [["photo", old.photo, old.photoName || "photo.jpg"]],
           meta: { label: old.label, createdAt: old.createdAt, treeUrl: old.treeUrl, kind: "photo" } };
}).catch(() => null);

outbox.addEventListener("change", () => renderQueue());
outbox.addEventListener("sent", ({ detail }) => {
  // The server's own 2 m check (trees/duplicates.js asks the person about what it found).
  if (detail.entry.meta.kind !== "photo") document.dispatchEvent(new CustomEvent("tree-sent", { detail: detail.body }));
  if (detail.next) return; // the photo follows
  sayLink(T.sent, T.see_it, detail.entry.meta.treeUrl || detail.body?.properties?.url);
});
outbox.addEventListener("refused", async ({ detail }) => {
  if (detail.entry.meta.kind === "photo") {
    await outbox.discard(detail.entry.key); // the tree itself is saved
    say(fmt(T.photo_refused, { reason: detail.entry.message }), "problem");
  } else {
    say(detail.entry.message, "problem"); // it stays in the list, to be discarded
  }
});
outbox.addEventListener("waiting", ({ detail }) => {
  if (!detail.status) say(T.saved_offline, "warning"); // no signal, or the answer was lost
  else say(detail.body && detail.body.message ? detail.body.message : T.offline, "warning");
});

function send(now = false) {
  if (!AUTHENTICATED) {
    outbox.list().then((waiting) => { if (waiting.length) say(T.login, "warning"); });
    return;
  }
  outbox.flush({ now });
}

// --- messages and the queue list -------------------------------------------------------------
function say(text, kind = "") {
  const box = $("capture-status");
  box.className = `status-box ${kind}`;
  box.textContent = text;
  box.hidden = false;
}

function sayLink(text, label, href) {
  say(text + " ");
  if (href) {
    const link = document.createElement("a");
    link.href = href;
    link.textContent = label;
    $("capture-status").append(link);
  }
}

async function renderQueue() {
  const captures = await outbox.list();
  const list = $("queue");
  list.replaceChildren();
  for (const capture of captures) {
    const item = document.createElement("li");
    const refused = capture.state === "refused";
    const state = refused ? `${T.problem}: ${capture.message}`
      : capture.meta.kind === "photo" ? T.tree_sent_photo_waiting : T.waiting;
    item.textContent = `${capture.meta.label} · ${new Date(capture.meta.createdAt).toLocaleTimeString()} · ${state} `;
    if (refused) {
      const discard = document.createElement("button");
      discard.type = "button";
      discard.className = "link";
      discard.textContent = T.discard;
      discard.addEventListener("click", () => outbox.discard(capture.key));
      item.append(discard);
    }
    list.append(item);
  }
  $("queue-summary").textContent = captures.length === 0 ? T.queue_empty
    : fmt(captures.length === 1 ? T.queue_count_one : T.queue_count_many, { count: captures.length });
  $("queue-send").hidden = captures.length === 0;
}

// --- location: GPS and the draggable pin -----------------------------------------------------
let marker = null;
let captureMap = null;

function setLocation(lon, lat, accuracy, fromPin = false) {
  $("c-lon").value = Number(lon).toFixed(7);
  $("c-lat").value = Number(lat).toFixed(7);
  $("c-accuracy-m").value = accuracy == null ? "" : String(Math.round(accuracy * 10) / 10);
  if (marker && !fromPin) marker.setLngLat([lon, lat]);
  if (captureMap && !fromPin) captureMap.jumpTo({ center: [lon, lat], zoom: 18 });
}

$("c-locate").addEventListener("click", () => {
  if (!("geolocation" in navigator)) {
    $("c-accuracy").textContent = fmt(T.no_gps, { reason: "-" });
    return;
  }
  $("c-accuracy").textContent = T.locating;
  navigator.geolocation.getCurrentPosition(
    (position) => {
      const { longitude, latitude, accuracy } = position.coords;
      setLocation(longitude, latitude, accuracy);
      $("c-accuracy").textContent = fmt(T.accuracy, { metres: Math.round(accuracy) });
    },
    (error) => { $("c-accuracy").textContent = fmt(T.no_gps, { reason: error.message }); },
    { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 },
  );
});

for (const id of ["c-lon", "c-lat"]) {
  $(id).addEventListener("change", () => {
    const lon = Number($("c-lon").value);
    const lat = Number($("c-lat").value);
    $("c-accuracy-m").value = "";
    if (marker && $("c-lon").value && $("c-lat").value) marker.setLngLat([lon, lat]);
  });
}

// The area last looked at is remembered on the device: without signal the map opens there,
// where the service worker kept the tiles seen (web/sw.js), and the pin can be moved at once.
const VIEW_KEY = "metropoli.capture.view";

function rememberedView() {
  try {
    const view = JSON.parse(localStorage.getItem(VIEW_KEY) || "null");
    return view && Number.isFinite(view.lon) && Number.isFinite(view.lat) && Number.isFinite(view.zoom) ? view : null;
  } catch (error) {
    return null;
  }
}

whenMapReady($("capture-map"), ({ map, maplibregl }) => {
  captureMap = map;
  const view = rememberedView();
  if (view) map.jumpTo({ center: [view.lon, view.lat], zoom: view.zoom });
  map.on("moveend", () => {
    const { lng, lat } = map.getCenter();
    try {
      localStorage.setItem(VIEW_KEY, JSON.stringify({ lon: lng, lat, zoom: map.getZoom() }));
    } catch (error) {
      // Private mode or a full device: the map simply opens at the municipality.
    }
  });
  // Trees already recorded, so a duplicate is visible before it is saved.
  map.addLayer({
    id: "capture-trees", type: "circle", source: "trees", "source-layer": "trees",
    paint: { "circle-color": "#e65100", "circle-radius": 6, "circle-stroke-color": "#fff",
             "circle-stroke-width": 2 },
  });
  marker = new maplibregl.Marker({ draggable: true, color: "#1b5e20" })
    .setLngLat(map.getCenter()).addTo(map);
  marker.on("dragend", () => {
    const { lng, lat } = marker.getLngLat();
    setLocation(lng, lat, null, true);
  });
  if ($("c-lon").value && $("c-lat").value) {
    setLocation(Number($("c-lon").value), Number($("c-lat").value), Number($("c-accuracy-m").value) || null);
  }
});

// --- species search ----------------------------------------------------------------------------
const plain = (text) => (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
for (const s of SPECIES) s.haystack = plain(`${s.name} ${s.scientific} ${s.other} ${s.code}`);
const search = $("c-species-search");
const results = $("c-species-results");
let active = -1;

function chooseSpecies(species) {
  $("c-species").value = species ? species.code : "";
  $("c-species-unknown").checked = !species;
  $("c-species-chosen").textContent = fmt(T.chosen, {
    name: species ? `${species.name} (${species.scientific})` : T.unknown,
  });
  results.hidden = true;
  search.setAttribute("aria-expanded", "false");
  if (species) search.value = species.name;
}

function showResults() {
  const words = plain(search.value).split(/\s+/).filter(Boolean);
  const found = words.length
    ? SPECIES.filter((s) => words.every((w) => s.haystack.includes(w))).slice(0, 8)
    : SPECIES.filter((s) => s.local).slice(0, 8);
  results.replaceChildren();
  found.forEach((species, index) => {
    const item = document.createElement("li");
    item.id = `species-option-${index}`;
    item.setAttribute("role", "option");
    item.textContent = `${species.name} — ${species.scientific}`;
    item.addEventListener("mousedown", (event) => { event.preventDefault(); chooseSpecies(species); });
    item.species = species;
    results.append(item);
  });
  const unknown = document.createElement("li");
  unknown.setAttribute("role", "option");
  unknown.id = "species-option-unknown";
  unknown.textContent = T.unknown;
  unknown.addEventListener("mousedown", (event) => { event.preventDefault(); chooseSpecies(null); });
  unknown.species = null;
  results.append(unknown);
  active = -1;
  results.hidden = false;
  search.setAttribute("aria-expanded", "true");
}

search.addEventListener("input", showResults);
search.addEventListener("focus", showResults);
search.addEventListener("blur", () => { results.hidden = true; search.setAttribute("aria-expanded", "false"); });
search.addEventListener("keydown", (event) => {
  const items = [...results.children];
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    if (results.hidden) showResults();
    active = (active + (event.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
    items.forEach((item, i) => item.setAttribute("aria-selected", String(i === active)));
    search.setAttribute("aria-activedescendant", items[active].id);
  } else if (event.key === "Enter" && active >= 0 && !results.hidden) {
    event.preventDefault();
    chooseSpecies(items[active].species);
  } else if (event.key === "Escape") {
    results.hidden = true;
  }
});
$("c-species-unknown").addEventListener("change", (event) => {
  if (event.target.checked) chooseSpecies(null);
  else { $("c-species-chosen").textContent = ""; }
});

// --- trunk diameter from the circumference -----------------------------------------------------
$("c-circumference").addEventListener("input", (event) => {
  const around = Number(event.target.value);
  if (around > 0) $("c-dbh").value = (Math.round((around / Math.PI) * 10) / 10).toFixed(1);
});

// --- photo -----------------------------------------------------------------------------------
$("c-photo").addEventListener("change", () => {
  const file = $("c-photo").files[0];
  const preview = $("c-preview");
  if (!file) { preview.hidden = true; return; }
  preview.src = URL.createObjectURL(file);
  preview.hidden = false;
});

// --- saving ----------------------------------------------------------------------------------
let duplicateConfirmed = false;

function collect() {
  const value = (id) => $(id).value.trim();
  const errors = [];
  const lon = Number(value("c-lon"));
  const lat = Number(value("c-lat"));
  if (!value("c-lon") || !value("c-lat") || !Number.isFinite(lon) || !Number.isFinite(lat)) errors.push(T.need_location);
  if (!value("c-species") && !$("c-species-unknown").checked) errors.push(T.need_species);
  const dbh = Number(value("c-dbh"));
  if (!(dbh > 0 && dbh <= 1000)) errors.push(T.bad_dbh);
  const photo = $("c-photo").files[0] || null;
  if (photo && photo.size > MAX_PHOTO_MB * 1048576) errors.push(fmt(T.photo_too_big, { mb: MAX_PHOTO_MB }));
  const data = {
    lon, lat, dbh_cm: dbh,
    species: value("c-species") || null,
    accuracy_m: value("c-accuracy-m") ? Number(value("c-accuracy-m")) : null,
    height_m: value("c-height") ? Number(value("c-height")) : null,
    condition: value("c-condition"),
    phenology: value("c-phenology"),
    site_type: value("c-site-type"),
    notes: value("c-notes"),
  };
  return { errors, data, photo };
}

async function nearbyTree(data) {
  if (!navigator.onLine) return null;
  try {
    const response = await fetch(`${API}nearby?lon=${data.lon}&lat=${data.lat}&radius_m=2`);
    if (!response.ok) return null;
    const found = await response.json();
    return found.length ? found[0] : null;
  } catch {
    return null; // no signal: the check is skipped, the capture is not lost
  }
}

async function save() {
  const { errors, data, photo } = collect();
  $("c-errors").textContent = errors.join(" ");
  if (errors.length) return;
  if (!duplicateConfirmed) {
    const near = await nearbyTree(data);
    if (near) {
      $("c-duplicate-text").textContent = fmt(T.duplicate, {
        distance: near.distance_m.toLocaleString(document.documentElement.lang),
        name: near.tree.properties.species_name,
      });
      $("c-duplicate").hidden = false;
      $("c-duplicate-save").focus();
      return;
    }
  }
  data.nearby_confirmed = duplicateConfirmed; // the server's 2 m check then stores the answer
  duplicateConfirmed = false;
  $("c-duplicate").hidden = true;
  const species = SPECIES.find((s) => s.code === data.species);
  // The Idempotency-Key is fixed now: every retry of this capture reuses it.
  await outbox.add({
    url: API,
    json: data,
    meta: { label: species ? species.name : T.unknown, createdAt: Date.now(), photo,
            photoName: photo ? photo.name : null },
  });
  form.reset();
  $("c-preview").hidden = true;
  $("c-species").value = "";
  $("c-species-chosen").textContent = "";
  $("c-accuracy").textContent = "";
  say(T.saved_offline);
  send();
}

form.addEventListener("submit", (event) => { event.preventDefault(); save(); });
$("c-duplicate-save").addEventListener("click", () => { duplicateConfirmed = true; save(); });
$("c-duplicate-cancel").addEventListener("click", () => { $("c-duplicate").hidden = true; });
$("queue-send").addEventListener("click", () => send(true));
adopted.then(() => {
  renderQueue();
  if (AUTHENTICATED) outbox.start();
  else send();
});
