/* The live grievance dashboard (scorecards/live.html). rabta/static/rabta/live.js polls the
   figures' JSON and sends each new answer as a "live:update" event; this file puts it on the page:
   the totals and rates, the backlog by age, the day-by-day trend (an ECharts chart, with the same
   figures in a table for those who cannot see it), and the district tiles. No inline script. */
(function () {
  "use strict";

  var counts = new Intl.NumberFormat("en-US");
  var rates = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

  function rate(value) {
    return value === null || value === undefined ? "\u2013" : rates.format(Math.round(value * 1000) / 10) + "%";
  }

  function count(value) {
    return value === null || value === undefined ? "\u2013" : counts.format(value);
  }

  function text(el, value) {
    if (el && el.textContent !== value) el.textContent = value;
  }

  function cell(tag, value, cls) {
    var el = document.createElement(tag);
    if (tag === "th") el.setAttribute("scope", "row");
    if (cls) el.className = cls;
    el.textContent = value;
    return el;
  }

  function start(root) {
    var labels = JSON.parse(document.getElementById("live-labels").textContent);
    var chartEl = root.querySelector("[data-live-chart]");
    var chart = null;
    var rtl = root.getAttribute("data-rtl") === "1";

    function draw(series) {
      if (!window.echarts || !chartEl) return;
      if (!chart) {
        chart = window.echarts.init(chartEl, null, { renderer: "svg" });
        window.addEventListener("resize", function () { chart.resize(); });
      }
      chart.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { data: [labels.received, labels.resolved, labels.satisfaction_rate], top: 0 },
        grid: { left: 40, right: 40, top: 40, bottom: 30 },
        xAxis: { type: "category", inverse: rtl, data: series.map(function (d) { return d.day.slice(5); }) },
        yAxis: [
          { type: "value", minInterval: 1, position: rtl ? "right" : "left" },
          { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" }, position: rtl ? "left" : "right" }
        ],
        series: [
          { name: labels.received, type: "bar", data: series.map(function (d) { return d.received; }), itemStyle: { color: "#1f5f99" } },
          { name: labels.resolved, type: "bar", data: series.map(function (d) { return d.resolved; }), itemStyle: { color: "#0b6b3a" } },
          {
            name: labels.satisfaction_rate, type: "line", yAxisIndex: 1, connectNulls: true, itemStyle: { color: "#c2410c" },
            data: series.map(function (d) { return d.satisfaction_rate === null ? null : Math.round(d.satisfaction_rate * 1000) / 10; })
          }
        ]
      });
    }

    function table(series) {
      var body = root.querySelector("[data-live-trend]");
      if (!body) return;
      var rows = document.createDocumentFragment();
      series.forEach(function (d) {
        var tr = document.createElement("tr");
        tr.appendChild(cell("th", d.day));
        tr.appendChild(cell("td", count(d.received), "num"));
        tr.appendChild(cell("td", count(d.resolved), "num"));
        tr.appendChild(cell("td", rate(d.satisfaction_rate), "num"));
        rows.appendChild(tr);
      });
      body.replaceChildren(rows);
    }

    function tiles(list) {
      list.forEach(function (tile) {
        var li = root.querySelector('[data-tile="' + tile.id + '"]');
        if (!li) return;
        li.className = "band-" + tile.band;
        text(li.querySelector(".value"), tile.band === "none" ? labels.too_few : rate(tile.value));
      });
    }

    root.addEventListener("live:update", function (event) {
      var data = event.detail;
      Object.keys(data.totals).forEach(function (name) {
        var el = root.querySelector('[data-total="' + name + '"]');
        if (!el) return;
        text(el, el.getAttribute("data-kind") === "rate" ? rate(data.totals[name]) : count(data.totals[name]));
      });
      Object.keys(data.backlog).forEach(function (name) {
        text(root.querySelector('[data-backlog="' + name + '"]'), count(data.backlog[name]));
      });
      draw(data.series);
      table(data.series);
      tiles(data.tiles);
    });

    draw(JSON.parse(document.getElementById("live-series").textContent));
  }

  function init() {
    var root = document.getElementById("live-dashboard");
    if (root) start(root);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
