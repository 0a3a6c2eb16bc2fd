/* The SAS dashboard's charts (Chart.js, vendored). Data come from the json_script element
   #dashboard-data written by the page: no inline script (CSP). */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  // DSFR colours: bleu France, then illustrative colours with enough contrast.
  var palette = ["#000091", "#e1000f", "#18753c", "#b34000", "#695240", "#6a6af4", "#009081", "#a558a0"];
  Chart.defaults.font.family = "Marianne, arial, sans-serif";
  Chart.defaults.animation = false;

  function draw(id, type, series, options) {
    var canvas = document.getElementById(id);
    if (!canvas || !series) { return; }
    var colours = type === "bar" && !(options && options.multicolour) ? palette[0] : palette.slice(0, series.values.length);
    new Chart(canvas, {
      type: type,
      data: { labels: series.labels, datasets: [{ label: (options && options.label) || "", data: series.values, backgroundColor: colours, borderColor: type === "line" ? palette[0] : undefined }] },
      options: {
        responsive: true,
        plugins: { legend: { display: type === "doughnut" } },
        scales: type === "doughnut" ? {} : { y: { beginAtZero: true, ticks: { precision: 0 } } },
        indexAxis: options && options.horizontal ? "y" : "x"
      }
    });
  }

  draw("chart-hours", "bar", data.hours, { label: "Appels" });
  draw("chart-days", "line", data.days, { label: "Appels" });
  draw("chart-routing", "doughnut", data.routing);
  draw("chart-orientations", "bar", data.orientations, { label: "Dossiers", horizontal: true, multicolour: true });
  draw("chart-outcomes", "bar", data.outcomes, { label: "Rendez-vous", multicolour: true });
  draw("chart-surnumeraire", "bar", data.surnumeraire, { label: "Demandes", multicolour: true });
})();
