// Statistics page charts: data from the json_script block "stats-data".
(function () {
  "use strict";
  if (!window.echarts) { return; }
  var s = JSON.parse(document.getElementById("stats-data").textContent);

  function bar(id, rows, key) {
    var el = document.getElementById(id);
    if (!el) { return; }
    meiliChart(el).setOption({
      tooltip: {}, grid: { left: 40, right: 10, top: 10, bottom: 40 },
      xAxis: { type: "category", data: rows.map(function (r) { return r[key]; }), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: rows.map(function (r) { return r.value; }), itemStyle: { color: "#1f4e8c" } }]
    });
  }

  function pie(id, rows) {
    var el = document.getElementById(id);
    if (!el) { return; }
    meiliChart(el).setOption({ tooltip: {}, series: [{ type: "pie", radius: ["35%", "65%"], data: rows }] });
  }

  bar("chart-kind", s.by_kind, "name");
  bar("chart-district", s.by_district, "name");
  bar("chart-month", s.by_month, "month");
  pie("chart-satisfaction", s.satisfaction);

  var mapBox = document.getElementById("chart-map");
  if (mapBox) {
    fetch(mapBox.dataset.geojson).then(function (r) { return r.json(); }).then(function (geo) {
      echarts.registerMap("weihai", geo);
      meiliChart(mapBox).setOption({
        tooltip: { formatter: function (p) { return p.name; } },
        geo: { map: "weihai", roam: true, label: { show: true, fontSize: 11 },
               itemStyle: { areaColor: "#eef4ec", borderColor: "#8aa" } },
        series: [{ type: "scatter", coordinateSystem: "geo", symbolSize: 9, data: s.points,
                   itemStyle: { color: "#c0392b", opacity: 0.75 } }]
      });
    });
  }
})();
