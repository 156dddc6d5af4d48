{% load static %}// Entraide's service worker (scope /), served by config.pwa.
// - The shell (styles, scripts, icons, the offline page) is kept at install.
// - The person's own pages (home, their requests, conversations, near me)
//   are fetched from the network first and kept; without a network the kept
//   copy opens, and page.js says how old it is. Nothing else is kept.
// - Pushes (DESIGN.md, "Reach") are shown as notifications; a tap opens the
//   page they are about.
"use strict";
var SHELL = "entraide-shell-2";
var PAGES = "entraide-pages-1";  // also named in static/js/pwa.js
var SHELL_URLS = [
  "{% static 'css/app.css' %}",
  "{% static 'js/page.js' %}",
  "{% static 'js/notify.js' %}",
  "{% static 'js/chat.js' %}",
  "{% static 'js/pwa.js' %}",
  "{% static 'icons/icon-192.png' %}",
  "{{ offline_url }}"
];
var KEPT = [
  /^\/$/, /^\/near-me\/$/, /^\/requests\/mine\/$/, /^\/requests\/\d+\/$/,
  /^\/conversations\/$/, /^\/conversations\/\d+\/$/
];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(SHELL_URLS); }));
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("entraide-") === 0 && name !== SHELL && name !== PAGES;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function kept(url) {
  return KEPT.some(function (pattern) { return pattern.test(url.pathname); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode !== "navigate") return;
  event.respondWith(
    fetch(request).then(function (response) {
      if (kept(url) && response.ok && !response.redirected) {
        // Kept with the moment it was kept: the page says how old it is.
        // waitUntil: the worker is not stopped before the copy is saved.
        var copy = response.clone();
        event.waitUntil(copy.blob().then(function (body) {
          var headers = new Headers(copy.headers);
          headers.set("X-Kept-At", new Date().toISOString());
          return caches.open(PAGES).then(function (cache) {
            return cache.put(url.pathname, new Response(body, { status: copy.status, headers: headers }));
          });
        }));
      }
      return response;
    }).catch(function () {
      return caches.match(url.pathname, { cacheName: PAGES }).then(function (hit) {
        return hit || caches.match("{{ offline_url }}");
      });
    })
  );
});

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  event.waitUntil(self.registration.showNotification(data.title || "Entraide", {
    body: data.body || "",
    tag: data.tag,
    renotify: Boolean(data.tag),
    icon: "{% static 'icons/icon-192.png' %}",
    badge: "{% static 'icons/icon-192.png' %}",
    data: { url: data.url || "/" }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL(event.notification.data.url || "/", self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      for (var i = 0; i < windows.length; i++) {
        if (windows[i].url === target && "focus" in windows[i]) return windows[i].focus();
      }
      return self.clients.openWindow(target);
    })
  );
});
