// Small behaviours the server-rendered pages need beyond HTMX.
(function () {
  // Unit tree: the first click on a toggle loads the children (HTMX); later clicks fold and unfold them.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.toggle");
    if (!button || !button.dataset.loaded) return;
    var item = button.closest("li");
    var open = item.getAttribute("aria-expanded") === "true";
    var group = item.querySelector(":scope > ul");
    if (group) group.hidden = open;
    item.setAttribute("aria-expanded", String(!open));
    button.textContent = open ? "+" : "\u2212";
  });
  // … once its children are loaded the toggle shows them open (here rather than in an hx-on attribute, which HTMX
  // would evaluate as code: the Content-Security-Policy allows no inline script).
  document.addEventListener("htmx:afterRequest", function (event) {
    var button = event.target;
    if (!button.matches || !button.matches("button.toggle") || button.dataset.loaded || !event.detail.successful) return;
    button.dataset.loaded = "1";
    button.closest("li").setAttribute("aria-expanded", "true");
    button.textContent = "\u2212";
  });
})();
