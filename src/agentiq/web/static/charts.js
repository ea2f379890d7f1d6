/* Аналитика: draws every <canvas data-chart> with Chart.js (vendored under /static/vendor).
   The numbers are in the table under each chart, so the page reads without JS or colour:
   series differ by line dash and point shape as well as by colour. */
(function () {
  "use strict";
  var STYLES = [
    { color: "#2563eb", dash: [], point: "circle" },
    { color: "#d97706", dash: [6, 4], point: "triangle" },
    { color: "#16a34a", dash: [2, 3], point: "rect" },
    { color: "#7c3aed", dash: [10, 3, 2, 3], point: "crossRot" }
  ];
  function config(spec) {
    var line = spec.type === "line";
    return {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (s, i) {
          var st = STYLES[i % STYLES.length];
          return {
            label: s.label,
            data: s.data,
            borderColor: st.color,
            backgroundColor: line ? st.color : "rgba(37, 99, 235, 0.75)",
            borderDash: st.dash,
            pointStyle: st.point,
            pointRadius: line ? 3 : 0,
            borderWidth: 2,
            tension: 0.2
          };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: {
          legend: { display: spec.series.length > 1, labels: { usePointStyle: true } }
        }
      }
    };
  }
  function draw() {
    if (!window.Chart) return;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      try {
        var chart = new window.Chart(canvas, config(JSON.parse(canvas.dataset.chart)));
        canvas.dataset.drawn = String(chart.data.datasets.length);
      } catch (err) {
        canvas.dataset.drawn = "error";
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
