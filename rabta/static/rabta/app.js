/* Rabta's one script, loaded with defer: every page works without it.
   - registers the service worker (offline page, cached page shell);
   - loads htmx only on pages that use it (an element with data-htmx), so other pages stay small. */
(function () {
  "use strict";
  var me = document.currentScript;
  if ("serviceWorker" in navigator && me && me.dataset.sw) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(me.dataset.sw, { scope: "/" }).catch(function () {});
    });
  }
  var wanted = document.querySelector("[data-htmx]");
  if (wanted) {
    var s = document.createElement("script");
    s.src = wanted.getAttribute("data-htmx");
    /* A step form's "update" button is needed only without htmx, which then updates the choices. */
    s.onload = function () {
      document.querySelectorAll("[data-nojs-only]").forEach(function (el) { el.hidden = true; });
    };
    document.head.appendChild(s);
  }
})();
