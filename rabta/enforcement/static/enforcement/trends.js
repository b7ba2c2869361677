/* The incident trends chart (vendored Apache ECharts), drawn from the page's JSON block; the table
   below it holds the same figures. No inline script. */
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("trend-chart");
    var data = document.getElementById("trend-data");
    if (!el || !data || typeof echarts === "undefined") return;
    var chart = JSON.parse(data.textContent);
    var rtl = document.documentElement.dir === "rtl";
    var plot = echarts.init(el, null, { renderer: "svg" });
    plot.setOption({
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: rtl ? { type: "scroll", top: 0, right: 0, align: "right" } : { type: "scroll", top: 0, left: 0 },
      grid: { left: 30, right: 30, top: 40, bottom: 30, containLabel: true },
      xAxis: { type: "category", data: chart.months, inverse: rtl },
      yAxis: { type: "value", minInterval: 1, position: rtl ? "right" : "left" },
      series: chart.series.map(function (s) { return { name: s.name, type: "line", data: s.data, showSymbol: true }; })
    });
    window.addEventListener("resize", function () { plot.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
