/* Live chart of the enterprise page: one ECharts line chart per port and pollutant with the permit limit as a
   mark line. First data from <script id="online-live-data" type="application/json">, then polled from data-url
   every data-interval ms (and on the 刷新 button). */
(function () {
  "use strict";
  var box = document.querySelector("[data-live]");
  if (!box || typeof echarts === "undefined") { return; }
  var charts = {};

  function limitLines(series) {
    var lines = [];
    if (series.limit !== null && series.limit !== undefined) {
      lines.push({ yAxis: series.limit, name: box.dataset.limitLabel });
    }
    if (series.lower_limit !== null && series.lower_limit !== undefined) {
      lines.push({ yAxis: series.lower_limit, name: box.dataset.lowerLabel });
    }
    return lines;
  }

  function option(port, series) {
    var values = series.points.map(function (p) { return p[1]; });
    var top = Math.max.apply(null, values.concat([series.limit || 0]));
    return {
      title: { text: port.port + " " + series.name + (series.unit ? "（" + series.unit + "）" : ""), left: 0, textStyle: { fontSize: 13 } },
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: series.points.map(function (p) { return p[0].slice(11); }) },
      yAxis: { type: "value", max: top > 0 ? Math.ceil(top * 1.15) : null },
      series: [{
        name: series.code + "-" + series.field,
        type: "line",
        showSymbol: false,
        data: values,
        markLine: { symbol: "none", lineStyle: { color: "#c0392b", type: "dashed" }, label: { formatter: "{b} {c}" }, data: limitLines(series) }
      }]
    };
  }

  function draw(data) {
    var seen = {};
    data.ports.forEach(function (port) {
      port.series.forEach(function (series) {
        var key = port.mn + "/" + series.code;
        seen[key] = true;
        var chart = charts[key];
        if (!chart) {
          var el = document.createElement("div");
          el.className = "live-chart";
          el.dataset.series = key;
          box.appendChild(el);
          chart = charts[key] = meiliChart(el);
        }
        chart.setOption(option(port, series), true);
      });
    });
    Object.keys(charts).forEach(function (key) {
      if (!seen[key]) {
        charts[key].getDom().remove();
        charts[key].dispose();
        delete charts[key];
      }
    });
    if (Object.keys(charts).length) { delete box.dataset.empty; } else { box.dataset.empty = "1"; }
    box.dataset.drawn = String(Object.keys(charts).length);
  }

  function refresh() {
    return fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data) {
          draw(data);
          box.dataset.refreshed = String(Number(box.dataset.refreshed || 0) + 1);
        }
      });
  }

  draw(JSON.parse(document.getElementById(box.dataset.live).textContent));
  window.setInterval(refresh, Number(box.dataset.interval) || 60000);
  document.querySelectorAll("[data-live-refresh]").forEach(function (b) { b.addEventListener("click", refresh); });
  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
})();
