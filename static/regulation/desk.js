/* The regulation desk: commune autocomplete by keyboard, forms sent once. No inline script (CSP). */
(function () {
  "use strict";

  function options(box) { return Array.prototype.slice.call(box.querySelectorAll("[role=option]")); }

  function select(input, box, index) {
    var items = options(box);
    items.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
    if (items[index]) { items[index].focus(); }
  }

  function choose(input, box, li) {
    var hidden = document.getElementById(input.dataset.communeInput);
    hidden.value = li.dataset.insee;
    input.value = li.dataset.label;
    box.innerHTML = "";
    input.setAttribute("aria-expanded", "false");
    var next = document.getElementById("id_address");
    (next || input).focus();
  }

  function setupCommune(input) {
    var box = document.getElementById(input.getAttribute("aria-controls"));
    var hidden = document.getElementById(input.dataset.communeInput);
    input.addEventListener("input", function () { hidden.value = ""; });
    input.addEventListener("keydown", function (event) {
      var items = options(box);
      if (event.key === "ArrowDown" && items.length) { event.preventDefault(); select(input, box, 0); }
      if (event.key === "Enter" && items.length) { event.preventDefault(); choose(input, box, items[0]); }
    });
    box.addEventListener("keydown", function (event) {
      var items = options(box);
      var index = items.indexOf(document.activeElement);
      if (event.key === "ArrowDown") { event.preventDefault(); select(input, box, Math.min(index + 1, items.length - 1)); }
      if (event.key === "ArrowUp") { event.preventDefault(); if (index <= 0) { input.focus(); } else { select(input, box, index - 1); } }
      if (event.key === "Enter" && index >= 0) { event.preventDefault(); choose(input, box, items[index]); }
      if (event.key === "Escape") { box.innerHTML = ""; input.focus(); }
    });
    box.addEventListener("click", function (event) {
      var li = event.target.closest("[role=option]");
      if (li) { choose(input, box, li); }
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target === box) { input.setAttribute("aria-expanded", options(box).length ? "true" : "false"); }
    });
  }

  function setupOnce(form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
    });
  }

  document.querySelectorAll("[data-commune-input]").forEach(setupCommune);
  document.querySelectorAll("form.regulation-once").forEach(setupOnce);
})();
