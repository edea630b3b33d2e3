// The public report form: pick a point on the Weihai map (served by the platform itself).
(function () {
  "use strict";
  var box = document.getElementById("pick-map");
  if (!box || !window.echarts) { return; }
  var lat = document.getElementById("id_latitude");
  var lon = document.getElementById("id_longitude");
  var label = document.getElementById("pick-coords");
  var district = document.getElementById("id_district");
  var chart = meiliChart(box);

  function show(point) {
    chart.setOption({ series: [{ type: "scatter", coordinateSystem: "geo", symbolSize: 14,
      itemStyle: { color: "#c0392b" }, data: point ? [point] : [] }] });
  }

  function pickDistrict(name) {
    if (!district || !name) { return; }
    for (var i = 0; i < district.options.length; i++) {
      if (district.options[i].text === name) { district.selectedIndex = i; }
    }
  }

  fetch(box.dataset.geojson).then(function (r) { return r.json(); }).then(function (geo) {
    echarts.registerMap("weihai", geo);
    chart.setOption({
      geo: { map: "weihai", roam: true, selectedMode: false, label: { show: true, fontSize: 11 },
             itemStyle: { areaColor: "#eef4ec", borderColor: "#8aa" }, emphasis: { itemStyle: { areaColor: "#d6ead2" } } },
      series: []
    });
    if (lat.value && lon.value) { show([parseFloat(lon.value), parseFloat(lat.value)]); }
    chart.on("click", function (params) { if (params.componentType === "geo") { pickDistrict(params.name); } });
    chart.getZr().on("click", function (event) {
      var p = chart.convertFromPixel({ geoIndex: 0 }, [event.offsetX, event.offsetY]);
      if (!p || isNaN(p[0])) { return; }
      lon.value = p[0].toFixed(6);
      lat.value = p[1].toFixed(6);
      label.textContent = lat.value + ", " + lon.value;
      show([p[0], p[1]]);
    });
  });
  // locate-me: the browser's own position (no request leaves the platform); offered only where it exists
  var locate = document.getElementById("locate-me");
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        lon.value = pos.coords.longitude.toFixed(6);
        lat.value = pos.coords.latitude.toFixed(6);
        label.textContent = lat.value + ", " + lon.value;
        show([pos.coords.longitude, pos.coords.latitude]);
      }, function () {
        label.textContent = locate.dataset.failed;
      }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    });
  }
  window.addEventListener("resize", function () { chart.resize(); });
})();
