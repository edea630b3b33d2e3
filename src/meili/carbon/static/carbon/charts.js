/* Carbon pages: draw each <div data-option="ID"> from the JSON in <script id="ID" type="application/json">. */
(function () {
  "use strict";
  var maps = {};

  function withMap(name, url) {
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
    var map = option.__map;
    delete option.__map;
    delete option.__unit;
    var chart = echarts.init(el);
    var show = function () { chart.setOption(option); el.dataset.drawn = "1"; };
    if (map) { withMap(map, el.dataset.mapUrl).then(show); } else { show(); }
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.querySelectorAll("[data-option]").forEach(draw);
})();
