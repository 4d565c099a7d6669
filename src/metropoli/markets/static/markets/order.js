// Live status: poll the order's JSON and reload when the status changes (no websockets needed).
const script = document.getElementById("order-script");
const status = document.getElementById("order-status");
const FINAL = new Set(["delivered", "collected", "rejected", "cancelled"]);

async function poll() {
  if (FINAL.has(status.dataset.status) || document.hidden) return;
  try {
    const response = await fetch(script.dataset.url, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const order = await response.json();
    if (order.status !== status.dataset.status) window.location.reload();
  } catch (error) {
    console.warn("Status check failed; will retry.", error);
  }
}
setInterval(poll, Number(script.dataset.interval || 5000));
