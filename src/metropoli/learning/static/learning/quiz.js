// Immediate feedback: each answer is checked as soon as it is chosen.
const form = document.getElementById("quiz-form");
const TEXT = JSON.parse(document.getElementById("quiz-text").textContent);
if (form) {
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  form.addEventListener("change", async (event) => {
    const input = event.target;
    if (input.type !== "radio") return;
    const fieldset = input.closest("fieldset");
    const out = fieldset.querySelector(".answer-feedback");
    const url = form.dataset.answerUrl.replace("/0/", `/${fieldset.dataset.question}/`);
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ choice_id: Number(input.value) }),
    });
    const body = await response.json();
    if (!response.ok) { out.textContent = body.message; return; }
    out.textContent = `${body.correct ? "✓ " + TEXT.right : "✗ " + TEXT.wrong} ${body.explanation}`;
    fieldset.classList.toggle("right", body.correct);
    fieldset.classList.toggle("wrong", !body.correct);
  });
}
