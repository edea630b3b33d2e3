/* 大屏: draw the charts from the embedded data, then poll the JSON endpoint and redraw. */
(function () {
  "use strict";
  var body = document.body;
  var labels = JSON.parse(document.getElementById("screen-labels").textContent);
  var charts = {};
  var STATUS_COLORS = { achieved: "#2fb36d", on_track: "#5ee08a", needs_acceleration: "#f5b942", off_track: "#ff6b6b", insufficient_data: "#6b7f99" };
  var WATER_COLORS = ["#1f78ff", "#35b6ff", "#5ee08a", "#f5e142", "#f5a142", "#ff6b6b"];
  var TEXT = { color: "#d7e3f4", fontSize: 16 };
  var mapReady = fetch(body.dataset.mapUrl, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (geo) { echarts.registerMap("weihai", geo); });

  function chart(name) {
    if (!charts[name]) {
      var el = document.querySelector('[data-chart="' + name + '"]');
      charts[name] = meiliChart(el, { renderer: "canvas" });
      charts[name].on("finished", function () { el.dataset.drawn = "1"; });
    }
    return charts[name];
  }

  function field(name, value) {
    var el = document.querySelector('[data-field="' + name + '"]');
    if (el) { el.textContent = value === null || value === undefined || value === "" ? "—" : value; }
  }

  function drawGood(d) {
    var actual = d.air.good_days_ratio;
    var rows = [[labels.actual, actual === null ? null : Math.round(actual * 10) / 10, "#5ee08a"]];
    if (d.good_days_target !== null) { rows.unshift([labels.target, d.good_days_target, "#35b6ff"]); }
    chart("good").setOption({
      title: { text: labels.good + " " + d.air.year, textStyle: TEXT, left: "center", top: 0 },
      grid: { left: 90, right: 40, top: 40, bottom: 34 },
      xAxis: { type: "value", max: 100, axisLabel: TEXT, splitLine: { lineStyle: { color: "#1f3a5f" } } },
      yAxis: { type: "category", data: rows.map(function (r) { return r[0]; }), axisLabel: TEXT },
      series: [{ type: "bar", barWidth: 22, label: { show: true, position: "right", color: "#d7e3f4", fontSize: 16, formatter: "{c}%" },
        data: rows.map(function (r) { return { value: r[1], itemStyle: { color: r[2] } }; }) }]
    }, true);
  }

  function drawMap(d) {
    mapReady.then(function () {
      chart("map").setOption({
        geo: { map: "weihai", roam: false, itemStyle: { areaColor: "#17335a", borderColor: "#4d7fb8" }, label: { show: false } },
        visualMap: { type: "piecewise", left: 10, bottom: 10, textStyle: TEXT,
          pieces: [{ max: 50, color: "#00e400" }, { min: 51, max: 100, color: "#ffff00" }, { min: 101, max: 150, color: "#ff7e00" },
                   { min: 151, max: 200, color: "#ff0000" }, { min: 201, max: 300, color: "#99004c" }, { min: 301, color: "#7e0023" }] },
        series: [{ type: "scatter", coordinateSystem: "geo", symbolSize: 16, data: d.air.sites,
          labelLayout: { hideOverlap: true },
          label: { show: true, position: "right", color: "#d7e3f4", fontSize: 14, formatter: function (p) { return p.name + " " + (p.value[2] === null ? "—" : p.value[2]); } } }]
      }, true);
    });
  }

  function drawWater(d) {
    var data = d.water.classes.map(function (c, i) { return { name: c[0], value: c[1], itemStyle: { color: WATER_COLORS[i % WATER_COLORS.length] } }; });
    chart("water").setOption({
      title: data.length ? undefined : { text: labels.noData, left: "center", top: "middle", textStyle: TEXT },
      legend: { bottom: 0, textStyle: TEXT },
      series: [{ type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"], data: data, label: { color: "#d7e3f4", fontSize: 16, formatter: "{b} {c}" } }]
    }, true);
  }

  function drawProgress(d) {
    chart("progress").setOption({
      legend: { top: 0, textStyle: TEXT },
      grid: { left: 60, right: 20, top: 40, bottom: 72 },
      xAxis: { type: "category", data: d.progress.chapters, axisLabel: { color: "#d7e3f4", fontSize: 13, interval: 0, width: 130, overflow: "break", lineHeight: 16, height: 48, lineOverflow: "truncate" } },
      yAxis: { type: "value", axisLabel: TEXT, splitLine: { lineStyle: { color: "#1f3a5f" } } },
      series: d.progress.series.map(function (s) {
        return { type: "bar", stack: "all", name: s.name, data: s.data, itemStyle: { color: STATUS_COLORS[s.status] } };
      })
    }, true);
  }

  function drawCases(d) {
    ["received", "closed", "open", "overdue"].forEach(function (k) { field(k, d.cases[k]); });
    var list = document.querySelector('[data-field="latest"]');
    list.replaceChildren.apply(list, d.cases.latest.map(function (c) {
      var li = document.createElement("li");
      [c.time, c.kind, c.state].forEach(function (t) { var s = document.createElement("span"); s.textContent = t; li.appendChild(s); });
      return li;
    }));
  }

  function render(d) {
    field("updated", d.updated);
    field("aqi", d.air.aqi);
    field("air-time", d.air.time);
    field("primary", d.air.primary);
    field("water-year", d.water.year);
    field("progress-year", d.progress.year);
    drawGood(d);
    drawMap(d);
    drawWater(d);
    drawProgress(d);
    drawCases(d);
  }

  function poll() {
    fetch(body.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (d) { render(d); body.dataset.polled = String(Number(body.dataset.polled || 0) + 1); })
      .catch(function () { body.classList.add("stale"); });
  }

  render(JSON.parse(document.getElementById("screen-data").textContent));
  setInterval(poll, Number(body.dataset.refresh) * 1000);
  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
  window.meiliScreenPoll = poll;
})();
