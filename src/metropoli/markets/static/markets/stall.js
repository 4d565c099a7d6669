// Orders that arrive while the stall dashboard is open: every 20 s (and when the phone shows the
// page again) ask for the stall's incoming orders; when there are new ones, say so at the top of
// the list and in the tab title. No reload: the vendor may be typing today's prices.
const script = document.getElementById("stall-script");
const notice = document.getElementById("new-orders");
const known = new Set(script.dataset.known.split(",").filter(Boolean).map(Number));
const title = document.title;

async function poll() {
  if (document.hidden) return;
  try {
    const response = await fetch(script.dataset.url, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const fresh = (await response.json()).filter((part) => !known.has(part.id)).length;
    if (!fresh) return;
    notice.querySelector("span").textContent =
      fresh === 1 ? notice.dataset.one : notice.dataset.many.replace("{n}", String(fresh));
    notice.hidden = false;
    document.title = `(${fresh}) ${title}`;
  } catch (error) {
    // No signal for a moment: the next round tries again.
  }
}

setInterval(poll, Number(script.dataset.interval || 20000));
document.addEventListener("visibilitychange", poll);
