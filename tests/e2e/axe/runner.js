/* The browser journeys' accessibility check (tests/e2e/a11y.py), added by Playwright as an init
   script after axe-core itself, so it is not subject to the pages' CSP (no inline <script>).

   Each document of the top frame announces itself, runs axe-core as soon as it is loaded, and again
   after each HTMX swap; results go back to the test through the binding window.__a11yReport.
   window.__a11y.ensure() (called by the test after page.goto and at the end of the test) checks
   the document if it was not checked yet and waits for the checks in progress.
   window.__A11Y_CONFIG is set before this file. */
(function () {
  "use strict";
  if (window.top !== window || typeof axe === "undefined" || !/^https?:$/.test(location.protocol)) { return; }
  var config = window.__A11Y_CONFIG;
  var queue = Promise.resolve();
  var scheduled = false;
  var checks = 0;
  var doc = String(Math.random()).slice(2);

  function excepted(rule, node) {
    return config.exceptions.some(function (e) {
      return e.rule === rule && node.element && node.element.closest && node.element.closest(e.selector);
    });
  }

  function summarise(results, reason) {
    var violations = [];
    results.violations.forEach(function (v) {
      var nodes = v.nodes.filter(function (n) { return !excepted(v.id, n); }).map(function (n) {
        return { target: n.target.map(String).join(" "), html: n.html, summary: n.failureSummary || "" };
      });
      if (nodes.length) {
        violations.push({ id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, nodes: nodes });
      }
    });
    return { doc: doc, url: location.href, title: document.title, reason: reason, violations: violations };
  }

  function run(reason) {
    if (scheduled) { return queue; }
    scheduled = true;
    queue = queue
      .then(function () { return new Promise(function (resolve) { setTimeout(resolve, config.settleMs); }); })
      .then(function () {
        scheduled = false;
        checks += 1;
        return axe.run(document, {
          runOnly: { type: "tag", values: config.tags },
          resultTypes: ["violations"],
          elementRef: true,
          iframes: false
        });
      })
      .then(function (results) { return window.__a11yReport(summarise(results, reason)); })
      .catch(function (error) {
        scheduled = false;
        return window.__a11yReport({ doc: doc, url: location.href, reason: reason, error: String(error), violations: [] });
      });
    return queue;
  }

  window.__a11y = {
    run: run,
    ensure: function (reason) { return checks || scheduled ? queue : run(reason || "avant de quitter la page"); },
    idle: function () { return queue; }
  };
  window.__a11yReport({ doc: doc, url: location.href, reason: "document", loaded: true, violations: [] });
  if (document.readyState === "complete") { run("chargement"); }
  else { window.addEventListener("load", function () { run("chargement"); }); }
  document.addEventListener("htmx:afterSettle", function () { run("après échange HTMX"); });
})();
