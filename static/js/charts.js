/* Draw the trends chart from the JSON the page carries (json_script); redraw after htmx swaps. */
(function () {
  "use strict";
  var PALETTE = ["#0b5cad", "#b4531a", "#6a3d9a", "#2e8b57", "#c0392b", "#5b6b7f", "#8a5a00",
    "#008b8b", "#a0306e", "#3d5a00"];
  var chart = null;

  function draw() {
    var canvas = document.getElementById("trend-chart");
    var source = document.getElementById("trend-data");
    if (!canvas || !source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var datasets = data.datasets.map(function (set, i) {
      var colour = PALETTE[i % PALETTE.length];
      return { type: "line", label: set.label, data: set.data, borderColor: colour,
        backgroundColor: colour, pointRadius: 2, spanGaps: false, tension: 0 };
    });
    if (data.report) {
      datasets.push({ type: "line", label: data.report.label, data: data.report.data,
        showLine: false, pointRadius: 7, pointStyle: "rectRot", borderColor: "#111",
        backgroundColor: "#f59e0b" });
    }
    if (chart) { chart.destroy(); }
    chart = new Chart(canvas, {
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: "index", intersect: false },
        scales: { y: { beginAtZero: true, title: { display: true, text: data.yLabel },
          max: data.percent ? 100 : undefined } },
        plugins: { legend: { position: "bottom" } }
      }
    });
    canvas.dataset.drawn = String(datasets.length);
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
