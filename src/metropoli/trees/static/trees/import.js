// The import page follows the task worker: it asks for the state every second and moves the
// progress bar; when the state changes (checked, imported, failed) it reloads to show the report.
const box = document.getElementById("import-progress");
const WORKING = ["checking", "importing"];

async function poll() {
  let status;
  try {
    const response = await fetch(box.dataset.status, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(String(response.status));
    status = await response.json();
  } catch {
    setTimeout(poll, 5000); // no signal for a moment: ask again later
    return;
  }
  document.getElementById("import-bar").value = status.percent;
  document.getElementById("import-percent").textContent = `${status.percent} %`;
  document.getElementById("import-state").textContent = status.state_label;
  if (status.state !== box.dataset.state) window.location.reload();
  else setTimeout(poll, 1000);
}

if (box && WORKING.includes(box.dataset.state)) poll();
