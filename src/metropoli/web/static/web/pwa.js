// Registers the service worker so the installed app opens offline. Modules extend sw.js.
// On install the worker keeps every page module and MapLibre for offline use: on a slow network
// that download would compete with the page's own map, so it waits until the page's first map
// is drawn (or 10 s, for a phone without WebGL) and the page is idle (decision 0087).
function register() {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((error) => {
    console.warn("Service worker not registered:", error);
  });
}

function afterFirstMap(callback) {
  const map = document.querySelector("[data-map]");
  if (!map || map.classList.contains("map-ready") || map.classList.contains("map-unavailable")) {
    callback();
    return;
  }
  let done = false;
  const once = () => { if (!done) { done = true; callback(); } };
  document.addEventListener("metropoli:map-ready", once, { once: true });
  setTimeout(once, 10000);
}

if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    afterFirstMap(() => {
      if ("requestIdleCallback" in window) requestIdleCallback(register, { timeout: 2000 });
      else setTimeout(register, 0);
    });
  });
}
