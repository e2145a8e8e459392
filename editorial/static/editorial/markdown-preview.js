"use strict";
// Under each Markdown field of the admin, the text as visitors will see it: rendered by the
// site's own renderer (POST /admin/markdown-preview/), so the preview is exactly the page's.
(function () {
  const WAIT_MS = 400;

  function csrfToken(textarea) {
    const input = textarea.form && textarea.form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function attach(textarea) {
    const label = document.createElement("p");
    label.className = "markdown-preview-label";
    label.id = `${textarea.id}-preview-label`;
    label.textContent = "Preview";
    const preview = document.createElement("div");
    preview.className = "markdown-preview";
    preview.setAttribute("role", "region");
    preview.setAttribute("aria-labelledby", label.id);
    const row = textarea.closest(".form-row") || textarea.parentElement;
    row.append(label, preview);

    let timer = null;
    let latest = 0;
    async function render() {
      const request = ++latest;
      const body = new FormData();
      body.append("text", textarea.value);
      try {
        const response = await fetch(textarea.dataset.markdownPreview, {
          method: "POST",
          body,
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken(textarea) },
        });
        const text = response.ok || response.status === 413 ? await response.text() : "";
        if (request === latest) {
          if (response.ok) {
            // Sanitized on the server by the same allow-list as the public pages.
            preview.innerHTML = text;
          } else {
            // 413 (too long) comes with the reason in plain text.
            preview.textContent = text || "The preview is not available right now.";
          }
        }
      } catch (error) {
        preview.textContent = "The preview is not available right now.";
      }
    }
    textarea.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(render, WAIT_MS);
    });
    render();
  }

  function start() {
    document.querySelectorAll("textarea[data-markdown-preview]").forEach(attach);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
