/* The live risk dashboard: charts (vendored Apache ECharts) from the panels' JSON, redrawn with the
   tables (their accessible form) on every "live:update" from rabta/live.js. No inline script. */
(function () {
  "use strict";
  var root, labels, rtl, charts = {};

  function fmt(key, value) {
    if (value === null || value === undefined) return "—";
    if (/^(share|hit_rate|training|recent)$/.test(key)) return (Math.round(value * 1000) / 10) + " %";
    if (key === "extra_duty") return Number(value).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return String(value);
  }

  function rowsOf(data, key) { return key === "bins" ? (data.drift && data.drift.bins) || [] : data[key] || []; }

  function fillTables(data) {
    window.rabtaLive.fillTables(root, data, fmt, rowsOf);
    root.querySelectorAll("[data-total]").forEach(function (el) {
      var key = el.getAttribute("data-total");
      var value = data.totals[key];
      el.textContent = key === "extra_duty" ? Number(value).toLocaleString("en-US", { maximumFractionDigits: 0 }) : String(value);
    });
    ["exploration_hit_rate", "model_hit_rate"].forEach(function (key) {
      var el = root.querySelector('[data-drift="' + key + '"]');
      if (el) el.textContent = fmt("hit_rate", data.drift[key]);
    });
  }

  function options(key, data) {
    var rows = rowsOf(data, key);
    var base = { animation: false, tooltip: { trigger: "axis", renderMode: "richText" }, grid: { left: 40, right: 40, top: 40, bottom: 30, containLabel: true },
      legend: rtl ? { top: 0, right: 0 } : { top: 0, left: 0 } };
    var name = key === "lanes" ? "lane" : key === "sources" ? "label" : key === "rules" ? "name" : "bin";
    var x = { type: "category", data: rows.map(function (r) { return r[name]; }), inverse: rtl, axisLabel: { hideOverlap: true } };
    if (key === "bins") {
      return Object.assign(base, { xAxis: x, yAxis: { type: "value", position: rtl ? "right" : "left" }, series: [
        { name: labels.training, type: "bar", data: rows.map(function (r) { return r.training; }) },
        { name: labels.recent, type: "bar", data: rows.map(function (r) { return r.recent; }) }] });
    }
    var count = key === "rules" ? "selected" : "decided";
    return Object.assign(base, {
      xAxis: x,
      yAxis: [{ type: "value", position: rtl ? "right" : "left" }, { type: "value", max: 1, position: rtl ? "left" : "right" }],
      series: [
        { name: labels.declarations, type: "bar", data: rows.map(function (r) { return r[count]; }) },
        { name: labels.hit_rate, type: "line", yAxisIndex: 1, data: rows.map(function (r) { return r.hit_rate; }) }]
    });
  }

  function draw(data) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var key = el.getAttribute("data-chart");
      if (!charts[key]) charts[key] = window.echarts.init(el, null, { renderer: "svg" });
      charts[key].setOption(options(key, data), true);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    root = document.getElementById("risk-dashboard");
    if (!root) return;
    labels = JSON.parse(root.getAttribute("data-labels") || "{}");
    rtl = root.getAttribute("data-rtl") === "1";
    var first = document.getElementById("risk-dashboard-data");
    if (first) draw(JSON.parse(first.textContent));
    root.addEventListener("live:update", function (event) { fillTables(event.detail); draw(event.detail); });
    window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
  });
})();
