// News while a page is open (the stall's incoming orders, a courier's deliveries): every 20 s,
// and when the phone shows the page again, each `[data-watch]` notice asks its JSON list; items
// the page did not show (by `data-fields`, e.g. "id" or "id,status") are counted and announced
// in the notice and the tab title. No reload: the person may be typing.
const notices = [...document.querySelectorAll("[data-watch]")];
const title = document.title;
const fresh = new Map();

function key(item, fields) {
  return fields.map((field) => String(item[field])).join(":");
}

async function check(notice) {
  const fields = (notice.dataset.fields || "id").split(",");
  const known = new Set(notice.dataset.known.split(" ").filter(Boolean));
  const response = await fetch(notice.dataset.watch, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const count = (await response.json()).filter((item) => !known.has(key(item, fields))).length;
  fresh.set(notice, count);
  if (!count) return;
  notice.querySelector("span").textContent =
    count === 1 ? notice.dataset.one : notice.dataset.many.replace("{n}", String(count));
  notice.hidden = false;
}

async function poll() {
  if (document.hidden) return;
  try {
    await Promise.all(notices.map(check));
  } catch (error) {
    return; // no signal for a moment: the next round tries again
  }
  const total = [...fresh.values()].reduce((sum, n) => sum + n, 0);
  document.title = total ? `(${total}) ${title}` : title;
}

if (notices.length) {
  setInterval(poll, Number(notices[0].dataset.interval || 20000));
  document.addEventListener("visibilitychange", poll);
}
