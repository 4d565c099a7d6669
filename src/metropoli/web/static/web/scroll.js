// Wide tables sit in a `.scroll` box (charts in a `.chart-wrap`) that scrolls sideways on a
// phone. While a box does scroll, it is a focusable, named region, so it can be scrolled with
// the keyboard too; a box that fits the screen stays out of the tab order.
const fallback = document.body.dataset.scrollLabel || "Table";

function label(box) {
  if (box.dataset.label) return box.dataset.label;
  const caption = box.querySelector("caption, figcaption, svg > title");
  return caption && caption.textContent.trim() ? caption.textContent.trim() : fallback;
}

function mark() {
  for (const box of document.querySelectorAll(".scroll, .chart-wrap")) {
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", label(box));
      box.dataset.scrollMarked = "1";
    } else if (!scrolls && box.dataset.scrollMarked) {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
      delete box.dataset.scrollMarked;
    }
  }
}

mark();
let pending = null;
window.addEventListener("resize", () => {
  clearTimeout(pending);
  pending = setTimeout(mark, 150);
});
