/* Directory search: commune autocomplete as an ARIA combobox (WAI-ARIA APG "list autocomplete").
   Options come from the platform's endpoint /communes/recherche/?q= (HTML partial, role=option).
   Keyboard: ↓/↑ move through the options, Entrée chooses, Échap closes; focus stays in the field.
   The field then reads "Aubagne (INSEE 13005)": the form resolves the INSEE code in brackets
   (named as such: never shown as if it were the postal code, 13400).
   No inline script (strict CSP). */
(function () {
  "use strict";

  function setup(input) {
    var box = document.getElementById(input.getAttribute("aria-controls"));
    var url = input.getAttribute("data-autocomplete-url");
    var timer = null;
    var active = -1;
    var lastQuery = null;
    var controller = null;

    function options() { return Array.prototype.slice.call(box.querySelectorAll("[role=option]")); }

    function close() {
      box.innerHTML = "";
      box.hidden = true;
      active = -1;
      lastQuery = null;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var items = options();
      if (!items.length) { return; }
      active = (index + items.length) % items.length;
      items.forEach(function (li, i) {
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        li.classList.toggle("cpts-option--active", i === active);
      });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function choose(li) {
      input.value = li.getAttribute("data-label") + " (INSEE " + li.getAttribute("data-insee") + ")";
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function load() {
      var query = input.value.trim();
      if (query === lastQuery) { return; }
      lastQuery = query;
      if (query.length < 2) { close(); return; }
      if (controller) { controller.abort(); }
      controller = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { "HX-Request": "true" },
        signal: controller.signal
      })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          box.innerHTML = html;
          active = -1;
          var items = options();
          items.forEach(function (li, i) {
            li.id = box.id + "-" + i;
            li.setAttribute("aria-selected", "false");
          });
          box.hidden = !html.trim();
          input.setAttribute("aria-expanded", items.length ? "true" : "false");
          input.removeAttribute("aria-activedescendant");
        })
        .catch(function () { /* aborted by a newer query, or offline: keep the field usable */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(load, 200);
    });
    input.addEventListener("keydown", function (event) {
      var items = options();
      if (event.key === "ArrowDown" && items.length) { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp" && items.length) { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter" && items.length && active >= 0) { event.preventDefault(); choose(items[active]); }
      else if (event.key === "Escape" && !box.hidden) { event.preventDefault(); close(); }
    });
    box.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the focus
    box.addEventListener("click", function (event) {
      var li = event.target.closest("[role=option]");
      if (li) { choose(li); input.focus(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.querySelectorAll("input[data-autocomplete-url][aria-controls]").forEach(setup);
})();
