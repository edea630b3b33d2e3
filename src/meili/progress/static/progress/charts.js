/* Charts of the progress pages: cockpit sparklines, an indicator's history and its district map. */
(function () {
  "use strict";
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  var sparklines = data("sparklines");
  if (sparklines) {
    document.querySelectorAll("[data-sparkline]").forEach(function (el) {
      var points = sparklines[el.getAttribute("data-sparkline")] || [];
      if (!points.length) { return; }
      meiliChart(el, { renderer: "svg" }).setOption({
        animation: false, grid: { left: 2, right: 2, top: 4, bottom: 4 },
        xAxis: { type: "value", show: false, min: "dataMin", max: "dataMax" },
        yAxis: { type: "value", show: false, scale: true },
        series: [{ type: "line", data: points, symbol: "circle", symbolSize: 3, lineStyle: { width: 1.5, color: "#1f4e8c" }, itemStyle: { color: "#1f4e8c" } }]
      });
    });
  }

  var history = data("history-data");
  var historyEl = document.getElementById("history-chart");
  if (history && historyEl) {
    var series = [{ name: history.name, type: "line", data: history.points, symbolSize: 7 }];
    if (history.targets.length) {
      series.push({ name: history.labels.target, type: "scatter", data: history.targets, symbol: "diamond", symbolSize: 12, itemStyle: { color: "#c0392b" } });
    }
    if (history.baseline) {
      series.push({ name: history.labels.baseline, type: "scatter", data: [history.baseline], symbol: "rect", symbolSize: 10, itemStyle: { color: "#7f8c8d" } });
    }
    meiliChart(historyEl).setOption({
      tooltip: { trigger: "item" }, legend: { bottom: 0 },
      xAxis: { type: "value", minInterval: 1, axisLabel: { formatter: function (v) { return String(v); } }, scale: true },
      yAxis: { type: "value", name: history.unit, scale: true },
      series: series
    });
  }

  var map = data("map-data");
  var mapEl = document.getElementById("district-map");
  var mapUrl = document.getElementById("map-url");
  if (map && mapEl && mapUrl) {
    fetch(mapUrl.getAttribute("data-url")).then(function (r) { return r.json(); }).then(function (geo) {
      echarts.registerMap("weihai", geo);
      var values = map.data.map(function (d) { return d.value; });
      meiliChart(mapEl).setOption({
        tooltip: { trigger: "item", formatter: function (p) { return p.name + ": " + (isNaN(p.value) ? "—" : p.value + " " + map.unit); } },
        visualMap: values.length ? { min: Math.min.apply(null, values), max: Math.max.apply(null, values), left: 0, bottom: 0, calculable: true, inRange: { color: ["#d6eaf8", "#1f4e8c"] } } : undefined,
        series: [{ type: "map", map: "weihai", nameMap: map.names, roam: false, data: map.data, label: { show: true, fontSize: 11 } }]
      });
    });
  }
})();
