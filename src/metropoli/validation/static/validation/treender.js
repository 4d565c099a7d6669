// Treender: one card at a time. Swipe (pointer events), buttons or keys → ← ↑ R.
// Without JavaScript the same form posts to the server; this script votes through the API.
import { whenMapReady } from "../maps/ready.js";

const root = document.getElementById("treender");
const TEXT = JSON.parse(document.getElementById("treender-text").textContent);
const SWIPE = 80; // pixels a card must travel to count as a swipe

if (root) {
  root.classList.add("js");
  const card = document.getElementById("treender-card");
  const form = document.getElementById("vote-form");
  const status = document.getElementById("treender-status");
  const empty = document.getElementById("treender-empty");
  const correction = document.getElementById("correction-panel");
  const flagPanel = document.getElementById("flag-panel");
  const csrf = form ? form.querySelector("input[name=csrfmiddlewaretoken]").value : "";
  let mini = null; // the card's small location map, once MapLibre is ready
  const mapWrap = document.getElementById("card-map-wrap");
  if (mapWrap) {
    whenMapReady(mapWrap, ({ map, maplibregl }) => {
      const at = [Number(mapWrap.dataset.lon), Number(mapWrap.dataset.lat)];
      const marker = new maplibregl.Marker({ color: "#1b5e20" }).setLngLat(at).addTo(map);
      mini = { map, marker };
    });
  }
  let open = null; // "needs_correction" | "flag" | null
  let busy = false;

  const $ = (id) => document.getElementById(id);
  const say = (message, isError = false) => {
    status.textContent = message;
    status.classList.toggle("error", isError);
    status.setAttribute("role", isError ? "alert" : "status");
  };

  function openPanel(kind) {
    open = kind;
    correction.classList.toggle("open", kind === "needs_correction");
    flagPanel.classList.toggle("open", kind === "flag");
    if (kind === "needs_correction") $("reason").focus();
    if (kind === "flag") flagPanel.querySelector("input").focus();
  }

  function resetForm() {
    form.reset();
    openPanel(null);
    card.style.transform = "";
    card.classList.remove("leaving-right", "leaving-left", "leaving-up");
  }

  function show(data) {
    resetForm();
    if (!data) {
      card.hidden = true;
      form.hidden = true;
      empty.hidden = false;
      card.dataset.treeId = "";
      return;
    }
    card.hidden = false;
    form.hidden = false;
    empty.hidden = true;
    card.dataset.treeId = data.tree_id;
    form.action = root.dataset.formUrl.replace("/0/", `/${data.tree_id}/`);
    $("card-species").textContent = data.species_name;
    $("card-scientific").textContent = data.scientific_name;
    $("card-dbh").textContent = data.dbh_cm == null ? "—" : `${data.dbh_cm} cm`;
    $("card-municipality").textContent = data.municipality;
    $("card-coordinates").textContent = `${data.lat}, ${data.lon}`;
    $("card-map-link").href =
      `https://www.openstreetmap.org/?mlat=${data.lat}&mlon=${data.lon}#map=19/${data.lat}/${data.lon}`;
    $("card-recorder").textContent = data.recorder_name;
    $("card-level").textContent = data.recorder_level_label;
    $("card-remaining").textContent = data.remaining;
    $("card-escalated").hidden = !data.escalated;
    $("card-duplicate").textContent = data.duplicate_note || "";
    $("card-duplicate").hidden = !data.duplicate_note;
    const photo = $("card-photo");
    photo.hidden = !data.photo_url;
    $("card-no-photo").hidden = Boolean(data.photo_url);
    if (data.photo_url) photo.src = data.photo_url;
    if (mini) {
      mini.marker.setLngLat([data.lon, data.lat]);
      mini.map.jumpTo({ center: [data.lon, data.lat], zoom: 17 });
    }
    card.focus();
  }

  async function loadNext() {
    const response = await fetch(root.dataset.nextUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    const body = await response.json();
    show(body.card);
  }

  async function vote(kind) {
    const treeId = card.dataset.treeId;
    if (!treeId || busy) return;
    const payload = { kind, reason: "", flags: [] };
    if (kind === "needs_correction" || kind === "reject") {
      if (open !== "needs_correction") return openPanel("needs_correction");
      payload.reason = $("reason").value.trim();
      if (!payload.reason) {
        say(TEXT.needsReason, true);
        return $("reason").focus();
      }
      if (kind === "needs_correction") {
        payload.corrected_species = $("corrected_species").value || null;
        const dbh = $("corrected_dbh_cm").value;
        payload.corrected_dbh_cm = dbh ? Number(dbh) : null;
      }
    }
    if (kind === "flag") {
      if (open !== "flag") return openPanel("flag");
      payload.flags = [...flagPanel.querySelectorAll("input:checked")].map((el) => el.value);
      if (!payload.flags.length) return say(TEXT.needsFlag, true);
    }
    busy = true;
    card.classList.add({ confirm: "leaving-right", flag: "leaving-up" }[kind] || "leaving-left");
    try {
      const response = await fetch(root.dataset.voteUrl.replace("/0/", `/${treeId}/`), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(payload),
      });
      const body = await response.json();
      if (!response.ok) {
        card.classList.remove("leaving-right", "leaving-left", "leaving-up");
        say(body.message || TEXT.unknownError, true);
        if (response.status !== 409) return;
      } else if (body.decision) {
        say(`${TEXT.decided} ${body.decision.outcome_label}`);
      } else {
        say(body.escalated ? TEXT.escalated : TEXT.voted);
      }
      await loadNext();
    } catch (error) {
      say(TEXT.unknownError, true);
    } finally {
      busy = false;
    }
  }

  // Buttons: the JS path instead of the form post.
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const kind = event.submitter && event.submitter.dataset.kind;
    if (kind) vote(kind);
  });

  // Keyboard shortcuts, except while typing in the form.
  document.addEventListener("keydown", (event) => {
    if (event.target.closest("input, textarea, select") || event.altKey || event.ctrlKey || event.metaKey) return;
    const kind = { ArrowRight: "confirm", ArrowLeft: "needs_correction", ArrowUp: "flag", r: "reject", R: "reject" }[event.key];
    if (!kind || card.hidden) return;
    event.preventDefault();
    vote(kind);
  });

  // Swipes: pointer events cover touch, pen and mouse.
  let start = null;
  card.addEventListener("pointerdown", (event) => {
    if (event.target.closest("a, .map")) return;
    start = { x: event.clientX, y: event.clientY, id: event.pointerId };
    try {
      card.setPointerCapture(event.pointerId);
    } catch (error) {
      // Synthetic or already released pointers cannot be captured; the swipe still works.
    }
  });
  card.addEventListener("pointermove", (event) => {
    if (!start || event.pointerId !== start.id) return;
    const dx = event.clientX - start.x;
    const dy = event.clientY - start.y;
    card.style.transform = `translate(${dx}px, ${Math.min(dy, 0)}px) rotate(${dx / 20}deg)`;
  });
  const finish = (event) => {
    if (!start || event.pointerId !== start.id) return;
    const dx = event.clientX - start.x;
    const dy = event.clientY - start.y;
    start = null;
    card.style.transform = "";
    if (-dy > SWIPE && -dy > Math.abs(dx)) vote("flag");
    else if (dx > SWIPE) vote("confirm");
    else if (dx < -SWIPE) vote("needs_correction");
  };
  card.addEventListener("pointerup", finish);
  card.addEventListener("pointercancel", () => { start = null; card.style.transform = ""; });
}
