// The installable app, on every page: the service worker (/sw.js), the
// install button where the browser offers one (and the steps on iOS), the
// offline banner saying how old the page is, forgetting kept pages on
// sign-out, and turning pushes on or off for this device (notifications page).
(function () {
  "use strict";
  var banner = document.getElementById("offline-banner");
  var PAGES = "entraide-pages-1";  // the service worker's cache of kept pages (templates/sw.js)

  // Small IndexedDB stores, keyed by client_id: "outbox" (chat messages,
  // static/js/chat.js) and "forms" (forms sent offline, below).
  var opened = null;
  function db() {
    if (!window.indexedDB) return Promise.reject(new Error("no IndexedDB"));
    if (!opened) {
      opened = new Promise(function (resolve, reject) {
        var request = indexedDB.open("entraide", 2);
        request.onupgradeneeded = function () {
          ["outbox", "forms"].forEach(function (name) {
            if (!request.result.objectStoreNames.contains(name)) {
              request.result.createObjectStore(name, { keyPath: "client_id" });
            }
          });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
        request.onblocked = function () { reject(new Error("blocked")); };
      });
    }
    return opened;
  }
  window.entraideStore = function (name) {
    function run(mode, work) {
      return db().then(function (database) {
        return new Promise(function (resolve, reject) {
          var tx = database.transaction(name, mode);
          var result = work(tx.objectStore(name));
          tx.oncomplete = function () { resolve(result && result.result); };
          tx.onerror = function () { reject(tx.error); };
        });
      }).catch(function () { return null; });
    }
    return {
      put: function (item) { return run("readwrite", function (store) { return store.put(item); }); },
      remove: function (id) { return run("readwrite", function (store) { return store.delete(id); }); },
      all: function () { return run("readonly", function (store) { return store.getAll(); }); }
    };
  };

  // Another person on this device (or nobody, after signing out): what the
  // last one left here (kept pages, messages and requests waiting) is
  // forgotten, never shown to or sent as the next one.
  var who = document.body.dataset.who || "";
  var before = localStorage.getItem("entraide-who");
  if (before !== null && before !== who) {
    if (window.caches) caches.delete(PAGES);
    ["outbox", "forms"].forEach(function (name) {
      var store = window.entraideStore(name);
      store.all().then(function (items) {
        (items || []).forEach(function (item) { store.remove(item.client_id); });
      });
    });
  }
  localStorage.setItem("entraide-who", who);

  function clientId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "c" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  window.entraideClientId = clientId;  // chat.js's messages too

  // A form marked data-offline-queue (a new request) is kept on the device
  // when sent without a connection, then sent once the connection returns,
  // with its client id: the server publishes one request per client id.
  var forms = window.entraideStore("forms");
  document.querySelectorAll("form[data-offline-queue]").forEach(function (form) {
    var idField = form.querySelector("input[name=client_id]");
    if (idField && !idField.value) idField.value = clientId();
    // A request refused after the connection came back: its words come back
    // here to be corrected and sent again.
    forms.all().then(function (items) {
      var refused = (items || []).filter(function (item) { return item.refused && item.who === who; })[0];
      if (!refused || form.querySelector(".error-summary")) return;
      refused.fields.forEach(function (pair) {
        if (pair[0] === "csrfmiddlewaretoken") return;
        form.querySelectorAll('[name="' + pair[0] + '"]').forEach(function (field) {
          if (field.type === "radio" || field.type === "checkbox") field.checked = field.value === pair[1];
          else field.value = pair[1];
        });
      });
      forms.remove(refused.client_id);
    });
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) return;
      event.preventDefault();
      var fields = [];
      new FormData(form).forEach(function (value, key) { fields.push([key, String(value)]); });
      forms.put({ client_id: idField.value, who: who, action: form.action, fields: fields }).then(function () {
        var saved = document.getElementById("queued-notice");
        if (saved) { saved.hidden = false; saved.focus(); }
      });
    });
  });
  function sendQueued() {
    if (!navigator.onLine) return;
    forms.all().then(function (items) {
      // Only this person's, whatever another left on the device.
      (items || []).filter(function (item) { return !item.refused && item.who === who; }).forEach(function (item) {
        fetch(item.action, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams(item.fields).toString()
        }).then(function (response) {
          if (response.ok || response.redirected) {  // published
            forms.remove(item.client_id);
            if (banner) { banner.textContent = banner.dataset.sent; banner.hidden = false; }
          } else if (response.status >= 400 && response.status < 500) {
            // Refused (a field to correct): kept, and put back in the form
            // the next time it is opened, never sent blindly again.
            item.refused = true;
            forms.put(item);
            if (banner) { banner.textContent = banner.dataset.refused; banner.hidden = false; }
          }
        }).catch(function () {});
      });
    });
  }
  window.addEventListener("online", sendQueued);
  sendQueued();

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
  var loadedAt = new Date();
  function keptAt() {
    // The moment the service worker kept this page (its X-Kept-At), or when
    // it was loaded.
    if (!window.caches) return Promise.resolve(loadedAt);
    return caches.open(PAGES).then(function (cache) {
      return cache.match(location.pathname);
    }).then(function (hit) {
      var at = hit && hit.headers.get("X-Kept-At");
      return at ? new Date(at) : loadedAt;
    }).catch(function () { return loadedAt; });
  }
  function showConnection() {
    if (!banner) return;
    if (navigator.onLine) {
      if (!banner.hidden) { banner.textContent = banner.dataset.back; setTimeout(function () { banner.hidden = true; }, 4000); }
      document.documentElement.dataset.offline = "";
    } else {
      keptAt().then(function (when) {
        var words = when.toLocaleString([], { weekday: "long", hour: "2-digit", minute: "2-digit" });
        banner.textContent = banner.dataset.said.replace("{time}", words);
        banner.hidden = false;
      });
      document.documentElement.dataset.offline = "1";
    }
  }
  window.addEventListener("online", showConnection);
  window.addEventListener("offline", showConnection);
  if (!navigator.onLine) showConnection();

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
