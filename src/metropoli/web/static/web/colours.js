// Colours that come with the data (a consultation's categories, air-quality bands) travel in
// data-colour: the Content-Security-Policy allows no style attributes, while styles set from a
// script are allowed. The stylesheets read the colour as var(--colour).
for (const el of document.querySelectorAll("[data-colour]")) {
  el.style.setProperty("--colour", el.dataset.colour);
}
