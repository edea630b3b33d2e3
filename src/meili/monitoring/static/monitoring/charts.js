/* Draw every ECharts option the page carries: <div data-option="ID"> with the option in <script id="ID" type="application/json">. */
(function () {
  "use strict";
  var maps = {};

  function loadMap(name, url) {
    if (!maps[name]) {
      maps[name] = fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (geo) { echarts.registerMap(name, geo); });
    }
    return maps[name];
  }

  function draw(el) {
    var source = document.getElementById(el.dataset.option);
    if (!source) { return; }
    var option = JSON.parse(source.textContent);
    delete option.__unit;
    var chart = meiliChart(el);
    var done = function () { chart.setOption(option); el.dataset.drawn = "1"; };
    if (option.__map) {
      var name = option.__map;
      delete option.__map;
      loadMap(name, el.dataset.mapUrl).then(done);
    } else {
      done();
    }
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.querySelectorAll("[data-option]").forEach(draw);
})();
