// The search page's facets apply as soon as one is ticked; without this file, by the Apply button.
document.querySelectorAll("form[data-apply-on-change]").forEach((form) => {
  form.querySelectorAll("[data-apply-button]").forEach((button) => { button.hidden = true; });
  form.addEventListener("change", (event) => {
    if (event.target.matches(".facets input")) {
      form.requestSubmit();
    }
  });
});
