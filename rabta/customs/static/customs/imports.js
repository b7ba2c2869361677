/* The declarations import pages (rabta/customs/views_imports.py).
   - The upload form refuses a file over data-max-bytes before sending it (the server refuses it
     too; this only saves sending gigabytes to hear so).
   - The progress page (#import-job, polled by rabta/live.js) writes each "live:update" into its
     [data-field] elements and the progressbar's aria-valuenow; polling stops once the job ended.
   No inline script or style (the Content-Security-Policy refuses them): widths are set here. */
(function () {
  "use strict";

  function upload(form) {
    var limit = parseInt(form.getAttribute("data-max-bytes") || "0", 10);
    var input = form.querySelector("input[type=file]");
    var problem = form.querySelector("#import-too-large");
    if (!input || !problem || !limit) return;
    form.addEventListener("submit", function (event) {
      var file = input.files && input.files[0];
      if (file && file.size > limit) {
        event.preventDefault();
        problem.textContent = form.getAttribute("data-too-large") || "";
        problem.hidden = false;
        input.setAttribute("aria-invalid", "true");
        input.focus();
      }
    });
  }

  function width(root) {
    var bar = root.querySelector("[data-field=bar]");
    var fill = root.querySelector(".import-bar-fill");
    if (bar && fill) fill.style.width = (bar.getAttribute("aria-valuenow") || "0") + "%";
  }

  function progress(root) {
    width(root);
    if (root.getAttribute("data-done") === "1") {
      root.removeAttribute("data-live-url"); /* nothing will change: live.js does not poll */
    }
    root.addEventListener("live:update", function (event) {
      var data = event.detail || {};
      ["status_label", "rows_done", "imported", "skipped_existing", "rejected"].forEach(function (name) {
        var node = root.querySelector("[data-field=" + name + "]");
        if (node && data[name] !== undefined && data[name] !== null) node.textContent = String(data[name]);
      });
      var total = root.querySelector("[data-field=rows_total]");
      if (total && data.rows_total !== null && data.rows_total !== undefined) total.textContent = String(data.rows_total);
      var bar = root.querySelector("[data-field=bar]");
      if (bar) {
        bar.setAttribute("aria-valuenow", String(data.percent || 0));
        bar.setAttribute("aria-valuetext", String(data.percent || 0) + "%");
      }
      width(root);
      var rejects = root.querySelector("[data-field=rejects]");
      if (rejects) rejects.hidden = !(data.done && data.rejected > 0);
      var resume = root.querySelector("[data-field=resume]");
      if (resume) resume.hidden = !data.resumable;
      if (data.done) {
        root.setAttribute("data-done", "1");
        var status = root.querySelector("[data-live-status]");
        if (status) status.textContent = root.getAttribute("data-ended") || "";
      }
    });
  }

  function init() {
    var form = document.getElementById("import-upload");
    if (form) upload(form);
    var root = document.getElementById("import-job");
    if (root) progress(root);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
