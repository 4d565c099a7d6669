// Registers the service worker so the installed app opens offline. Modules extend sw.js.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((error) => {
      console.warn("Service worker not registered:", error);
    });
  });
}
