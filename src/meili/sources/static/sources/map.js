// The registry map: one scatter series per layer and state, colours and labels from the page's data.
(function () {
  "use strict";
  var box = document.getElementById("sources-map");
  if (!box || !window.echarts) { return; }
  var data = JSON.parse(document.getElementById("sources-map-data").textContent);
  var symbols = { enterprise: "circle", port: "triangle", outfall: "diamond" };
  var series = [];
  var names = [];
  data.layers.forEach(function (layer) {
    layer.legend.forEach(function (entry) {
      var points = layer.points.filter(function (p) { return p.state === entry.key; });
      var name = layer.label + "·" + entry.label;
      names.push(name);
      series.push({
        name: name, type: "scatter", coordinateSystem: "geo", symbol: symbols[layer.key],
        symbolSize: layer.key === "port" ? 8 : 11, itemStyle: { color: entry.color, opacity: 0.85 },
        data: points.map(function (p) { return { name: p.name, value: p.value, url: p.url }; })
      });
    });
  });
  fetch(box.dataset.geojson).then(function (r) { return r.json(); }).then(function (geo) {
    echarts.registerMap("weihai", geo);
    var chart = meiliChart(box);
    chart.setOption({
      tooltip: { formatter: function (p) { return p.seriesName + "\n" + p.name; } },
      legend: { type: "scroll", orient: "vertical", left: 0, top: 0, data: names },
      geo: { map: "weihai", roam: true, label: { show: true, fontSize: 11 },
             itemStyle: { areaColor: "#eef4ec", borderColor: "#8aa" } },
      series: series
    });
    chart.on("click", function (p) { if (p.data && p.data.url) { window.location.href = p.data.url; } });
    box.dataset.ready = "1";
  });
})();
