/* "Waiting to be sent" (rabta/templates/complaints/waiting.html): complaints written on this device,
   with or without a connection, sent once to POST /api/complaints when the connection returns.

   Sent exactly once: each draft gets its Idempotency-Key when it is saved, and keeps it for every
   try; the API lodges a key once and answers a repeat with the complaint already lodged. So a try
   whose answer was lost (the connection dropped, the page was closed) is simply tried again. Tabs
   take turns through a Web Lock, and a draft marked sent is never sent again. */
(function () {
  "use strict";
  var STORE = "rabta.drafts.v1";
  var RETRY_MS = 30000;
  var root = document.getElementById("drafts");
  if (!root) return;
  var texts = JSON.parse(document.getElementById("draft-texts").textContent);
  var form = document.getElementById("draft-form");
  var status = document.getElementById("draft-status");
  root.hidden = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(STORE)) || []; } catch (e) { return []; }
  }
  function store(list) { localStorage.setItem(STORE, JSON.stringify(list)); }
  function change(key, changes) {
    var list = load();
    list.forEach(function (draft) { if (draft.key === key) Object.assign(draft, changes); });
    store(list);
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, name) { return values[name]; });
  }
  function cookie(name) {
    var found = document.cookie.split("; ").filter(function (c) { return c.indexOf(name + "=") === 0; })[0];
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }
  function csrfToken() {
    var token = cookie("csrftoken");
    if (token) return Promise.resolve(token);
    // A copy of this page from the service worker's cache set no cookie: the page itself does.
    return fetch(location.pathname, { credentials: "same-origin", cache: "no-store" }).then(function () {
      return cookie("csrftoken");
    });
  }

  function item(draft) {
    var li = document.createElement("li");
    var title = document.createElement("strong");
    title.textContent = draft.payload.subject;
    li.appendChild(title);
    var when = document.createElement("span");
    when.className = "meta";
    when.textContent = " " + fill(texts.written, { date: new Date(draft.written).toLocaleString(root.dataset.language) });
    li.appendChild(when);
    var note = document.createElement("p");
    if (draft.state === "sent") {
      var link = document.createElement("a");
      link.href = root.dataset.detail.replace("NUMBER", draft.tracking_number);
      // The number in its own left-to-right run, so that an Urdu sentence does not reorder it.
      var parts = texts.sent.split("%(number)s");
      var number = document.createElement("bdi");
      number.dir = "ltr";
      number.textContent = draft.tracking_number;
      link.append(parts[0], number, parts[1] || "");
      link.className = "tracking-number";
      note.appendChild(link);
    } else if (draft.note === "sign_in") {
      var login = document.createElement("a");
      login.href = root.dataset.login;
      login.textContent = texts.sign_in;
      note.appendChild(login);
    } else {
      note.textContent = draft.state === "refused" ? draft.message : texts[draft.note || "kept"];
    }
    li.appendChild(note);
    if (draft.state !== "sent") {
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link";
      remove.textContent = texts.remove;
      remove.addEventListener("click", function () {
        store(load().filter(function (d) { return d.key !== draft.key; }));
        show();
      });
      li.appendChild(remove);
    }
    return li;
  }

  function show() {
    var list = load();
    ["waiting", "refused", "sent"].forEach(function (state) {
      var rows = list.filter(function (d) { return d.state === state; });
      var ul = document.getElementById(state + "-list");
      ul.replaceChildren.apply(ul, rows.map(item));
      var none = document.getElementById(state + "-none");
      if (none) none.hidden = rows.length > 0;
    });
    document.getElementById("refused").hidden = !list.some(function (d) { return d.state === "refused"; });
    status.textContent = navigator.onLine ? "" : texts.offline;
  }

  function sendOne(draft, token) {
    return fetch(root.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Idempotency-Key": draft.key,
        "X-CSRFToken": token
      },
      body: JSON.stringify(draft.payload)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.status === 200 || response.status === 201) {
          change(draft.key, { state: "sent", tracking_number: body.tracking_number, note: "" });
          return true;
        }
        if (response.status === 401) {
          change(draft.key, { note: "sign_in" });
          return false;
        }
        if (response.status === 429 || response.status >= 500 || body.code === "csrf_failed") {
          change(draft.key, { note: "retry" });
          return false;
        }
        var fields = body.fields || {};
        var reasons = Object.keys(fields).map(function (name) {
          return fields[name].map(function (f) { return f.message; }).join(" ");
        });
        change(draft.key, { state: "refused", message: [body.message].concat(reasons).join(" ") });
        return true;
      });
    });
  }

  var busy = false;
  function sendWaiting() {
    if (busy || !navigator.onLine) return Promise.resolve();
    busy = true;
    var run = function () {
      return csrfToken().then(function (token) {
        // One at a time, re-read each time: another tab may have sent one meanwhile.
        var next = function () {
          var draft = load().filter(function (d) { return d.state === "waiting" && d.note !== "sign_in"; })[0];
          if (!draft) return null;
          change(draft.key, { note: "sending" });
          show();
          return sendOne(draft, token).then(function (goOn) { show(); return goOn ? next() : null; });
        };
        return next();
      });
    };
    var locked = navigator.locks ? navigator.locks.request("rabta-drafts", run) : run();
    return Promise.resolve(locked).catch(function () {
      load().forEach(function (d) { if (d.note === "sending") change(d.key, { note: "retry" }); });
    }).then(function () {
      busy = false;
      show();
      // The server or the connection failed while online: try again in a while, not in a loop.
      if (load().some(function (d) { return d.state === "waiting" && d.note === "retry"; })) {
        window.setTimeout(sendWaiting, RETRY_MS);
      }
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData(form);
    var payload = {
      kind: data.get("kind"),
      subject: data.get("subject"),
      text: data.get("text"),
      category: data.get("category"),
      jurisdiction: data.get("jurisdiction"),
      anonymity: data.get("anonymity"),
      language: root.dataset.language
    };
    var list = load();
    list.push({ key: newKey(), written: new Date().toISOString(), state: "waiting", note: "kept", payload: payload });
    store(list);
    form.reset();
    show();
    document.getElementById("waiting-title").focus();
    sendWaiting();
  });

  window.addEventListener("online", function () {
    // A draft that needed a sign-in is tried again too: the user may have signed in meanwhile.
    load().forEach(function (d) { if (d.note === "sign_in") change(d.key, { note: "kept" }); });
    sendWaiting();
  });
  window.addEventListener("offline", show);
  window.addEventListener("storage", show);
  show();
  load().forEach(function (d) { if (d.note === "sign_in" || d.note === "sending") change(d.key, { note: "kept" }); });
  sendWaiting();
})();
