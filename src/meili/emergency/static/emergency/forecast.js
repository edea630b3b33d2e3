// The dashboard's forecast chart: daily forecast AQI (bars), observed daily AQI (line) and the AQI thresholds of
// the alert rule version in force (lines). Data from the json_script block "forecast-chart-data"; the thresholds
// and their levels come from the server (the rule version), this file only draws them.
(function () {
  "use strict";
  var el = document.getElementById("forecast-chart");
  var source = document.getElementById("forecast-chart-data");
  if (!el || !source || !window.echarts) { return; }
  var d = JSON.parse(source.textContent);
  var colours = { yellow: "#c9a800", orange: "#f08c00", red: "#d6336c" };
  var lines = d.thresholds.map(function (t) {
    return {
      yAxis: t.aqi,
      name: t.label,
      lineStyle: { color: colours[t.level] || "#666", type: "dashed" },
      label: { formatter: t.label, position: "insideEndTop", color: colours[t.level] || "#666" }
    };
  });
  var top = Math.max.apply(null, d.thresholds.map(function (t) { return t.aqi; })
    .concat(d.forecast, d.observed.filter(function (v) { return v !== null; })));
  var chart = meiliChart(el);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [d.names.forecast, d.names.observed] },
    grid: { left: 48, right: 16, top: 36, bottom: 32 },
    xAxis: { type: "category", data: d.dates },
    yAxis: { type: "value", name: "AQI", min: 0, max: Math.ceil((top + 30) / 50) * 50 },
    series: [
      { name: d.names.forecast, type: "bar", data: d.forecast, itemStyle: { color: "#1f4e8c" },
        markLine: { symbol: "none", silent: true, data: lines } },
      { name: d.names.observed, type: "line", data: d.observed, connectNulls: false,
        itemStyle: { color: "#2b8a3e" } }
    ]
  });
  el.dataset.drawn = "1";
  window.addEventListener("resize", function () { chart.resize(); });
})();
