// Every htmx request carries the page's CSRF token (the server refuses a write without it).
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector('meta[name="csrf-token"]');
  if (token) {
    event.detail.headers["X-CSRF-Token"] = token.content;
  }
});

// A refused htmx write (a 4xx/5xx problem, RFC 9457) is shown in the page's alert region, every field
// named, instead of being silently dropped. Text only: the server's words are never parsed as markup.
document.addEventListener("htmx:responseError", (event) => {
  const region = document.getElementById("problem");
  if (!region) {
    return;
  }
  let lines = [];
  try {
    const problem = JSON.parse(event.detail.xhr.responseText);
    lines.push(problem.detail || problem.title);
    for (const error of problem.errors || []) {
      lines.push(`${error.field}: ${error.message}`);
    }
  } catch {
    lines.push(`${event.detail.xhr.status} ${event.detail.xhr.statusText}`);
  }
  region.textContent = `${region.dataset.lead} ${lines.join(" · ")}`;
  region.hidden = false;
  region.scrollIntoView({ block: "nearest" });
});

// A successful htmx request clears the last problem shown.
document.addEventListener("htmx:afterRequest", (event) => {
  const region = document.getElementById("problem");
  if (region && event.detail.successful) {
    region.hidden = true;
  }
});
