// The interactive chart, only when asked for. Every chart is first an SVG drawn on the server;
// this script shows the "Ver gráfico interactivo" button and, on click, loads plotly.js and its
// Spanish locale from this site, then draws the figure the server built. The figure comes
// through a json_script element, so the page needs no inline script under the CSP.
(function () {
  "use strict";

  function load(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function loadAll(sources) {
    return sources.reduce(function (done, src) {
      return done.then(function () { return load(src); });
    }, Promise.resolve());
  }

  function draw(box) {
    var figure = JSON.parse(document.getElementById(box.getAttribute("data-figure")).textContent);
    var locale = box.getAttribute("data-locale") || "en";
    return window.Plotly.newPlot(box, figure.data, figure.layout, {
      responsive: true,
      locale: locale,
      displaylogo: false,
      showSendToCloud: false,
      showEditInChartStudio: false,
      showLink: false,
      // Only buttons whose words the locale translates; no download, share or edit.
      modeBarButtons: [["zoom2d", "pan2d", "zoomIn2d", "zoomOut2d", "resetScale2d"]]
    });
  }

  document.querySelectorAll("[data-chart-open]").forEach(function (button) {
    var box = document.getElementById(button.getAttribute("data-chart-open"));
    var still = document.getElementById(button.getAttribute("data-chart-static"));
    if (!box) {
      return;
    }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      button.textContent = button.getAttribute("data-loading") || label;
      var sources = [box.getAttribute("data-plotly")].concat(
        (box.getAttribute("data-plotly-locales") || "").split(" ").filter(Boolean)
      );
      (window.Plotly ? Promise.resolve() : loadAll(sources))
        .then(function () {
          box.hidden = false;
          return draw(box);
        })
        .then(function () {
          if (still) {
            still.hidden = true;
          }
          button.hidden = true;
          box.focus();
        })
        .catch(function () {
          box.hidden = true;
          button.disabled = false;
          button.textContent = label;
        });
    });
  });
})();
