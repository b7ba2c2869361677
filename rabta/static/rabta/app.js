/* Rabta's one script, loaded with defer: every page works without it.
   - registers the service worker (offline page, cached page shell);
   - moves the focus to a form's error summary when the form comes back with errors;
   - on pages that load htmx (their own deferred <script>), hides the buttons that only a browser
     without it needs ("show the districts of my choice"), since htmx updates those lists itself. */
(function () {
  "use strict";
  var me = document.currentScript;
  if ("serviceWorker" in navigator && me && me.dataset.sw) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(me.dataset.sw, { scope: "/" }).catch(function () {});
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    /* A form sent back with errors: move to its summary, whose links lead to each field. */
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
    if (!window.htmx) return;
    document.querySelectorAll("[data-nojs-only]").forEach(function (el) { el.hidden = true; });
  });
})();
