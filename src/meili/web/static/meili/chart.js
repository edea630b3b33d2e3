/* The one place Meili makes an ECharts chart: `meiliChart(el, opts)`. Tooltips are drawn in the canvas (richText):
   ECharts' HTML tooltip writes inline styles, which the site's Content-Security-Policy (style-src 'self') refuses. */
(function () {
  "use strict";
  echarts.registerTheme("meili", { tooltip: { renderMode: "richText" } });
  window.meiliChart = function (el, opts) { return echarts.init(el, "meili", opts); };
})();
