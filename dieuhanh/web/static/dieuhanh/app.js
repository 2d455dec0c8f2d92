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
})();
