/* Live pages by cheap polling (rabta/core/live.py is the server's half).

   An element with data-live-url (the JSON of what it shows) and data-live-etag (the ETag the page
   was rendered with) is polled every data-live-interval milliseconds (default 1000) with
   If-None-Match. A 304 costs the server one cache read; a 200 carries the new JSON, which is sent
   to the page's own script as a "live:update" event on the element (event.detail is the JSON).
   - Polling stops while the tab is hidden and resumes (at once) when it is shown again.
   - Errors back off: the wait doubles up to data-live-max-interval (default 30000), with jitter,
     and returns to the normal interval after the next answer.
   - The element's [data-live-status] child (role="status", aria-live="polite") is told what
     happened, "updated" at most every data-live-announce-every ms (default 30000) so a busy
     dashboard does not talk without end; focus never moves.
   Another URL (filters changed) is set with element.dispatchEvent(new CustomEvent("live:url",
   {detail: url})). No inline script: this file is loaded with defer. */
(function () {
  "use strict";

  function start(root) {
    var url = root.getAttribute("data-live-url");
    var etag = root.getAttribute("data-live-etag") || "";
    var interval = parseInt(root.getAttribute("data-live-interval") || "1000", 10);
    var maxInterval = parseInt(root.getAttribute("data-live-max-interval") || "30000", 10);
    var status = root.querySelector("[data-live-status]");
    /* A screen reader hears "updated" at most this often, however often the figures change. */
    var announceEvery = parseInt(root.getAttribute("data-live-announce-every") || "30000", 10);
    var announced = 0;
    var wait = interval;
    var timer = null;
    var busy = false;

    function say(text) {
      if (status && text) status.textContent = text;
    }

    function schedule(delay) {
      if (timer) clearTimeout(timer);
      timer = null;
      if (document.hidden) return;
      timer = setTimeout(poll, delay);
    }

    function poll() {
      timer = null;
      if (busy || document.hidden) return;
      busy = true;
      var headers = { Accept: "application/json" };
      if (etag) headers["If-None-Match"] = etag;
      fetch(url, { headers: headers, credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (response.status === 304) return null;
          if (!response.ok) throw new Error("HTTP " + response.status);
          var tag = response.headers.get("ETag");
          return response.json().then(function (data) {
            if (tag) etag = tag;
            root.setAttribute("data-live-etag", etag);
            root.dispatchEvent(new CustomEvent("live:update", { detail: data }));
            if (Date.now() - announced >= announceEvery) {
              announced = Date.now();
              say(root.getAttribute("data-live-updated") || "");
            }
            return data;
          });
        })
        .then(function () {
          if (wait !== interval) say(root.getAttribute("data-live-resumed") || "");
          wait = interval;
        })
        .catch(function () {
          if (wait === interval) say(root.getAttribute("data-live-failed") || "");
          wait = Math.min(maxInterval, wait * 2);
        })
        .then(function () {
          busy = false;
          var jitter = wait === interval ? 0 : Math.random() * wait * 0.2;
          schedule(wait + jitter);
        });
    }

    document.addEventListener("visibilitychange", function () {
      if (document.hidden) {
        if (timer) clearTimeout(timer);
        timer = null;
      } else {
        schedule(0);
      }
    });
    root.addEventListener("live:url", function (event) {
      url = event.detail;
      etag = "";
      schedule(0);
    });
    schedule(interval);
  }

  // The accessible form of a live page's charts: each <tbody data-table="name" data-keys="a b c">
  // refilled from data[name] (or rowsOf(data, name)), one cell per key through fmt(key, value), a
  // dash row when there are none. Shared by the clearance and risk dashboards.
  function fillTables(root, data, fmt, rowsOf) {
    root.querySelectorAll("tbody[data-table]").forEach(function (body) {
      var name = body.getAttribute("data-table");
      var rows = (rowsOf ? rowsOf(data, name) : data[name]) || [];
      var keys = body.getAttribute("data-keys").split(" ");
      var fresh = document.createDocumentFragment();
      rows.forEach(function (row) {
        var tr = document.createElement("tr");
        keys.forEach(function (key) {
          var td = document.createElement("td");
          td.textContent = fmt(key, row[key]);
          tr.appendChild(td);
        });
        fresh.appendChild(tr);
      });
      if (!rows.length) {
        var tr = document.createElement("tr"), td = document.createElement("td");
        td.colSpan = keys.length;
        td.textContent = "—";
        tr.appendChild(td);
        fresh.appendChild(tr);
      }
      body.replaceChildren(fresh);
    });
  }

  window.rabtaLive = { fillTables: fillTables };

  function init() {
    if (!window.fetch) return;
    document.querySelectorAll("[data-live-url]").forEach(start);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
