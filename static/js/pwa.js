// The installable app, on every page: the service worker (/sw.js), the
// install button where the browser offers one (and the steps on iOS), the
// offline banner saying how old the page is, forgetting kept pages on
// sign-out, and turning pushes on or off for this device (notifications page).
(function () {
  "use strict";
  var banner = document.getElementById("offline-banner");

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  }

  // Install: Chromium offers a prompt; iOS needs "Add to Home Screen".
  var installButton = document.getElementById("install-app");
  var offered = null;
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    offered = event;
    if (installButton) installButton.hidden = false;
  });
  if (installButton) {
    installButton.addEventListener("click", function () {
      if (!offered) return;
      offered.prompt();
      offered = null;
      installButton.hidden = true;
    });
  }
  var standalone = window.matchMedia("(display-mode: standalone)").matches || navigator.standalone;
  var ios = /iPhone|iPad|iPod/.test(navigator.userAgent);
  var iosSteps = document.getElementById("ios-install");
  if (iosSteps && ios && !standalone) iosSteps.hidden = false;

  // Offline: say so, and how old the page is.
  function madeAt() {
    var meta = document.querySelector('meta[name="entraide-made-at"]');
    var when = meta ? new Date(meta.content) : new Date();
    return when.toLocaleString([], { weekday: "long", hour: "2-digit", minute: "2-digit" });
  }
  function showConnection() {
    if (!banner) return;
    if (navigator.onLine) {
      if (!banner.hidden) { banner.textContent = banner.dataset.back; setTimeout(function () { banner.hidden = true; }, 4000); }
      document.documentElement.dataset.offline = "";
    } else {
      banner.textContent = banner.dataset.said.replace("{time}", madeAt());
      banner.hidden = false;
      document.documentElement.dataset.offline = "1";
    }
  }
  window.addEventListener("online", showConnection);
  window.addEventListener("offline", showConnection);
  if (!navigator.onLine) showConnection();

  // Signing out forgets the pages kept for offline use.
  document.querySelectorAll('form[action$="/accounts/logout/"]').forEach(function (form) {
    form.addEventListener("submit", function () {
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage("forget");
      }
      if (window.caches) caches.delete("entraide-pages-1");
    });
  });

  // Pushes for this device (the notifications page has the buttons).
  var pushBox = document.getElementById("push-device");
  if (!pushBox) return;
  var status = document.getElementById("push-status");
  var turnOn = document.getElementById("push-on");
  var turnOff = document.getElementById("push-off");
  function say(key) { status.textContent = pushBox.dataset[key] || ""; }
  function csrf() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }
  function api(method, path, body) {
    return fetch(path, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: body ? JSON.stringify(body) : undefined
    });
  }
  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) { say("unsupported"); return; }
  navigator.serviceWorker.ready.then(function (registration) {
    return registration.pushManager.getSubscription();
  }).then(function (existing) {
    turnOn.hidden = Boolean(existing);
    turnOff.hidden = !existing;
    say(existing ? "on" : "off");
  });
  turnOn.addEventListener("click", function () {
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { say("denied"); return null; }
      return Promise.all([navigator.serviceWorker.ready, api("GET", "/api/v1/push/key").then(function (r) { return r.json(); })]);
    }).then(function (both) {
      if (!both) return null;
      return both[0].pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(both[1].public_key) });
    }).then(function (subscription) {
      if (!subscription) return null;
      return api("POST", "/api/v1/push/subscriptions", subscription.toJSON());
    }).then(function (response) {
      if (!response) return null;
      if (!response.ok) { say("failed"); return null; }
      return response.json().then(function (saved) {
        localStorage.setItem("entraide-push-id", String(saved.id));
        turnOn.hidden = true; turnOff.hidden = false; say("on");
      });
    }).catch(function () { say("failed"); });
  });
  turnOff.addEventListener("click", function () {
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (subscription) {
      var id = localStorage.getItem("entraide-push-id");
      localStorage.removeItem("entraide-push-id");
      return Promise.all([
        subscription ? subscription.unsubscribe() : null,
        id ? api("DELETE", "/api/v1/push/subscriptions/" + encodeURIComponent(id)) : null
      ]);
    }).then(function () { turnOn.hidden = false; turnOff.hidden = true; say("off"); });
  });
})();
