// The thematic-area picker of the project form: shows the running total of the percentages,
// so the office sees before saving whether they add up to 100 (the server checks it again).
"use strict";
for (const picker of document.querySelectorAll("[data-theme-shares]")) {
  const output = picker.querySelector("[data-theme-total]");
  const inputs = [...picker.querySelectorAll("input[type=number]")];
  const update = () => {
    const total = inputs.reduce((sum, input) => sum + (Number(input.value) || 0), 0);
    const rounded = Math.round(total * 100) / 100;
    output.textContent = rounded.toLocaleString(document.documentElement.lang || "es-MX");
    picker.classList.toggle("total-off", rounded !== 100 && rounded !== 0);
  };
  for (const input of inputs) input.addEventListener("input", update);
  update();
}
