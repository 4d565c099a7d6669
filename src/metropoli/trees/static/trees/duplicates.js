// After sync, the server's "already recorded within 2 m?" check: a capture sent from the outbox
// (perhaps made without signal, when the page could not ask) may repeat a tree. The person
// answers here: another tree (kept) or the same tree (the capture is removed). Captures still
// unanswered are listed again when the page opens (decision 0066).
import { csrfToken } from "../web/outbox.js";

const box = document.getElementById("synced-duplicates");
const list = document.getElementById("synced-duplicates-list");
const API = document.getElementById("capture-form").dataset.api; // /api/trees/
// Placeholders are {name}: a template's translated text keeps no %(name)s.
const fmt = (template, values) => template.replace(/\{(\w+)\}/g, (_, k) => values[k]);
const shown = new Set();

function refresh() {
  box.hidden = list.children.length === 0;
}

async function answer(item, treeId, same) {
  for (const button of item.querySelectorAll("button")) button.disabled = true;
  let response = null;
  try {
    response = await fetch(`${API}${treeId}/duplicate`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ same }),
      credentials: "same-origin",
    });
  } catch {
    response = null; // no signal: the question stays, to be answered later
  }
  if (!response || !response.ok) {
    for (const button of item.querySelectorAll("button")) button.disabled = false;
    return;
  }
  const status = document.getElementById("capture-status");
  status.className = "status-box";
  status.textContent = same ? box.dataset.removed : box.dataset.kept;
  status.hidden = false;
  item.remove();
  refresh();
}

function ask(found) {
  if (shown.has(found.tree_id)) return;
  shown.add(found.tree_id);
  const item = document.createElement("li");
  item.className = "status-box warning";
  const text = document.createElement("p");
  text.textContent = fmt(box.dataset.question, {
    name: found.tree_name, id: found.tree_id, near_id: found.near_id, near_name: found.near_name,
    distance: Number(found.distance_m).toLocaleString(document.documentElement.lang),
  });
  item.append(text);
  for (const [label, same] of [[box.dataset.another, false], [box.dataset.same, true]]) {
    const button = document.createElement("button");
    button.type = "button";
    if (same) button.className = "secondary";
    button.textContent = label;
    button.addEventListener("click", () => answer(item, found.tree_id, same));
    item.append(button);
  }
  list.append(item);
  refresh();
}

document.addEventListener("tree-sent", ({ detail: tree }) => {
  const duplicate = tree && tree.properties && tree.properties.duplicate;
  if (!duplicate || duplicate.answer) return;
  ask({ tree_id: tree.id, tree_name: tree.properties.species_name, ...duplicate });
});

if (document.getElementById("capture-form").dataset.authenticated === "1" && navigator.onLine) {
  fetch(box.dataset.api, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : []))
    .then((pending) => pending.forEach(ask))
    .catch(() => null);
}
