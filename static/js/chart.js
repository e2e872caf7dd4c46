// Draws the Plotly figure the server built; its data comes through a json_script element,
// so the page needs no inline script under the Content-Security-Policy.
(function () {
  "use strict";
  document.querySelectorAll("[data-figure]").forEach(function (box) {
    var source = document.getElementById(box.getAttribute("data-figure"));
    if (!source || !window.Plotly) {
      return;
    }
    var figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(box, figure.data, figure.layout, {
      responsive: true,
      displaylogo: false,
      modeBarButtonsToRemove: ["select2d", "lasso2d"]
    });
  });
})();
