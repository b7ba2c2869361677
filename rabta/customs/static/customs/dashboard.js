/* The live clearance dashboard: draws the charts (vendored Apache ECharts) from the panels' JSON
   and, on every "live:update" from rabta/live.js, redraws them and refills the data tables, which
   are the accessible form of each chart. No inline script: the first data is a JSON block. */
(function () {
  "use strict";
  var root, labels, rtl, lang, charts = {};

  function fmt(key, value) {
    if (value === null || value === undefined) return "—";
    if (/share$|hit_rate$/.test(key)) return (Math.round(value * 1000) / 10) + " %";
    // As the server renders them (views._cell): the period in the dashboard's own time zone.
    if (key === "period") return String(value).slice(0, 16).replace("T", " ");
    if (key === "duty_collected") return Number(value).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return String(value);
  }

  function fillTables(data) {
    window.rabtaLive.fillTables(root, data, fmt);
    root.querySelectorAll("[data-total]").forEach(function (el) {
      var key = el.getAttribute("data-total");
      // The headline figure in whole rupees (the tables keep the paisa).
      el.textContent = key === "duty_collected" ? Number(data.totals[key]).toLocaleString("en-US", { maximumFractionDigits: 0 }) : fmt(key, data.totals[key]);
    });
  }

  function axis(names) {
    return { type: "category", data: names, inverse: rtl, axisLabel: { hideOverlap: true } };
  }
  function valueAxis() { return { type: "value", position: rtl ? "right" : "left" }; }
  function legend() { return rtl ? { top: 0, right: 0, align: "right" } : { top: 0, left: 0 }; }
  var base = { animation: false, tooltip: { trigger: "axis", renderMode: "richText" }, grid: { left: 40, right: 40, top: 40, bottom: 30, containLabel: true } };

  function options(key, data) {
    var rows = data[key] || [];
    if (key === "filed_series") {
      return Object.assign({}, base, {
        legend: legend(),
        xAxis: axis(rows.map(function (r) { return fmt("period", r.period); })),
        yAxis: valueAxis(),
        series: [
          { name: labels.filed, type: "bar", data: rows.map(function (r) { return r.filed; }) },
          { name: labels.released, type: "line", data: rows.map(function (r) { return r.released; }) }
        ]
      });
    }
    if (key === "lanes") {
      // A lane with no first assignment stays in the table, not as an empty slice whose label overlaps the others.
      return { animation: false, tooltip: { trigger: "item", renderMode: "richText" }, legend: legend(),
        series: [{ type: "pie", radius: ["35%", "65%"], data: rows.filter(function (r) { return r.declarations > 0; }).map(function (r) { return { name: r.lane, value: r.declarations }; }) }] };
    }
    if (key === "release_times") {
      return Object.assign({}, base, {
        legend: legend(),
        xAxis: axis(rows.map(function (r) { return r.label; })),
        yAxis: valueAxis(),
        series: [
          { name: labels.median, type: "bar", data: rows.map(function (r) { return r.median_hours; }) },
          { name: labels.p90, type: "bar", data: rows.map(function (r) { return r.p90_hours; }) }
        ]
      });
    }
    if (key === "backlog") {
      return Object.assign({}, base, {
        xAxis: axis(rows.map(function (r) { return r.label; })),
        yAxis: valueAxis(),
        series: [{ name: labels.declarations, type: "bar", data: rows.map(function (r) { return r.declarations; }) }]
      });
    }
    return null;
  }

  function draw(data) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var key = el.getAttribute("data-chart");
      var option = options(key, data);
      if (!option) return;
      if (!charts[key]) charts[key] = window.echarts.init(el, null, { renderer: "canvas" });
      charts[key].setOption(option, true);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    root = document.getElementById("dashboard");
    var block = document.getElementById("dashboard-data");
    if (!root || !block) return;
    labels = JSON.parse(root.getAttribute("data-labels") || "{}");
    rtl = root.getAttribute("data-rtl") === "1";
    lang = root.getAttribute("data-lang") || "en";
    var data = JSON.parse(block.textContent);
    fillTables(data);
    draw(data);
    root.addEventListener("live:update", function (event) {
      fillTables(event.detail);
      draw(event.detail);
    });
    window.addEventListener("resize", function () {
      Object.keys(charts).forEach(function (key) { charts[key].resize(); });
    });
  });
})();
