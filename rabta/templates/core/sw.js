/* Rabta's service worker (rendered by rabta.core.pages.service_worker). It caches the page shell,
   the offline page and the "Waiting to be sent" page (a complaint form that keeps a draft on the
   device), and nothing personal: pages are always fetched from the network, and only when that
   fails is a cached copy shown: the page itself if it is cached, the draft form for the lodge
   page, the offline page for any other. */
"use strict";
const CACHE = "rabta-shell-{{ version }}";
const SHELL = {{ shell }};
const OFFLINE = {{ offline_pages }};
const DRAFTS = {{ draft_pages }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { credentials: "omit" })))).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("rabta-shell-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function offlinePageFor(url) {
  const path = new URL(url).pathname;
  const drafts = DRAFTS.find((d) => path.startsWith(d.for));
  if (drafts) return drafts.page;
  return OFFLINE.find((page) => path.startsWith(page.split("/").slice(0, 2).join("/") + "/")) || OFFLINE[0];
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(() =>
        caches.match(request, { ignoreSearch: true }).then((hit) => hit || caches.match(offlinePageFor(request.url)))
      )
    );
    return;
  }
  if (SHELL.includes(new URL(request.url).pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});
