// The chat page: optimistic sending with client ids, reconnect with jittered
// backoff and `sync` after the last id, read receipts, typing indicator.
// Every piece of user text goes through textContent.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("chat-config").textContent);
  var log = document.getElementById("chat-log");
  // A closed conversation (a block) has no form: history and receipts only.
  var form = document.getElementById("chat-form") || document.createElement("form");
  var input = document.getElementById("chat-body") || document.createElement("textarea");
  var status = document.getElementById("chat-status");
  var typingLine = document.getElementById("chat-typing");
  var labels = config.labels;

  var socket = null;
  var reconnectTimer = null;
  var attempt = 0;
  var lastId = config.last_id; // the highest message id this page has seen
  var pending = {}; // client_id -> {body, element}
  var lastTypingSent = 0;
  var typingTimer = null;

  // The outbox (IndexedDB, static/js/pwa.js): what was written and not yet
  // acknowledged, kept across a reload or an offline start, sent again with
  // its client id (the server stores a client id once: nothing is doubled).
  var outbox = window.entraideStore("outbox");

  var uuid = window.entraideClientId;

  function timeOf(iso) {
    var date = iso ? new Date(iso) : new Date();
    return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  // "removed by moderation", "deleted account", or the text itself.
  function bodyText(message) {
    if (message.hidden) return labels.removed;
    if (message.sender === null) return labels.deleted;
    return message.body;
  }

  function bubble(mine, body, hidden) {
    var item = document.createElement("li");
    item.className = "bubble " + (mine ? "mine" : "theirs");
    var who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = (mine ? "" : config.other_name) + ": ";
    item.appendChild(who);
    var text = document.createElement(hidden ? "em" : "span");
    text.className = "body";
    text.textContent = body;
    item.appendChild(text);
    return item;
  }

  function setState(item, state) {
    var note = item.querySelector(".state");
    if (!note) {
      note = document.createElement("span");
      note.className = "state";
      item.appendChild(note);
    }
    note.textContent = labels[state] || "";
    item.dataset.state = state;
  }

  function addTime(item, iso) {
    var time = document.createElement("time");
    time.dateTime = iso || new Date().toISOString();
    time.textContent = timeOf(iso);
    item.appendChild(time);
  }

  function show(message) {
    if (message.conversation !== config.conversation) return;
    var existing = log.querySelector('[data-id="' + message.id + '"]');
    if (existing) {
      // A message already shown can since have been hidden or erased.
      var shown = existing.querySelector(".body");
      if (shown) shown.textContent = bodyText(message);
      return;
    }
    var mine = message.sender === config.me;
    var waiting = mine && pending[message.client_id];
    if (waiting) {
      waiting.element.dataset.id = String(message.id);
      setState(waiting.element, "sent");
      delete pending[message.client_id];
      outbox.remove(message.client_id);
    } else {
      var item = bubble(mine, bodyText(message), message.hidden || message.sender === null);
      item.dataset.id = String(message.id);
      if (message.by_text) {
        var how = document.createElement("span");
        how.className = "by-text";
        how.textContent = labels.by_text;
        item.appendChild(how);
      }
      addTime(item, message.created_at);
      log.appendChild(item);
      item.scrollIntoView({ block: "end" });
    }
    if (message.id > lastId) lastId = message.id;
    if (!mine) markRead();
  }

  function markRead() {
    if (document.visibilityState !== "visible") return;
    send({ type: "message.read", conversation: config.conversation, up_to: lastId });
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function flushPending() {
    Object.keys(pending).forEach(function (clientId) {
      send({ type: "message.send", conversation: config.conversation, body: pending[clientId].body, client_id: clientId });
    });
  }

  // Notifications reach this socket too: the notice region of every page
  // (notify.js) announces them.
  function notice(frame) {
    if (window.entraideNotice) window.entraideNotice.frame(frame);
  }

  function onFrame(event) {
    var frame;
    try { frame = JSON.parse(event.data); } catch (e) { return; }
    if (frame.type === "notification") {
      notice(frame);
    } else if (frame.type === "message.new") {
      show(frame.message);
    } else if (frame.type === "message.ack") {
      show(frame.message);
    } else if (frame.type === "sync.done") {
      flushPending(); // idempotent: a message sent before the drop is not doubled
    } else if (frame.type === "message.read") {
      if (frame.reader !== config.me && frame.conversation === config.conversation) {
        log.querySelectorAll(".bubble.mine").forEach(function (item) {
          if (Number(item.dataset.id) <= frame.up_to) setState(item, "read");
        });
      }
    } else if (frame.type === "typing") {
      if (frame.conversation !== config.conversation) return;
      typingLine.textContent = labels.typing;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typingLine.textContent = ""; }, 4000);
    } else if (frame.type === "error" && frame.client_id && pending[frame.client_id]) {
      setState(pending[frame.client_id].element, "failed");
      if (frame.code === "invalid" || frame.code === "not_found" || frame.code === "forbidden") {
        delete pending[frame.client_id];
        outbox.remove(frame.client_id);
        status.textContent = frame.detail;
      }
    }
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/");
    socket.onopen = function () {
      attempt = 0;
      status.textContent = labels.online;
      form.dataset.live = "1";
      present();
      send({ type: "sync", after: lastId });
    };
    socket.onmessage = onFrame;
    socket.onclose = function (event) {
      form.dataset.live = "";
      if (event.code === 4401) { location.reload(); return; }
      status.textContent = labels.offline;
      // Jittered exponential backoff: 1 s, 2 s, 4 s ... at most 30 s.
      var delay = Math.min(30000, 1000 * Math.pow(2, attempt)) * (0.5 + Math.random());
      attempt += 1;
      reconnectTimer = setTimeout(connect, delay);
    };
  }

  function queue(clientId, body, iso) {
    var item = bubble(true, body, false);
    addTime(item, iso);
    setState(item, "sending");
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
    pending[clientId] = { body: body, element: item };
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = input.value;
    if (!body.trim()) return;
    var clientId = uuid();
    queue(clientId, body);
    outbox.put({ client_id: clientId, who: String(config.me), conversation: config.conversation, body: body, at: new Date().toISOString() });
    input.value = "";
    input.focus();
    send({ type: "message.send", conversation: config.conversation, body: body, client_id: clientId });
  });

  input.addEventListener("input", function () {
    var now = Date.now();
    if (now - lastTypingSent > 3000) {
      lastTypingSent = now;
      send({ type: "typing", conversation: config.conversation });
    }
  });

  // Presence: while this conversation is on screen no push is sent for it
  // (renewed every 30 s; none while the page is hidden or gone).
  function present() {
    var here = document.visibilityState === "visible" ? config.conversation : null;
    send({ type: "presence", conversation: here });
  }
  setInterval(present, 30000);
  window.addEventListener("pagehide", function () { send({ type: "presence", conversation: null }); });

  document.addEventListener("visibilitychange", function () { present(); markRead(); });
  // Back online: try at once rather than after the backoff.
  window.addEventListener("online", function () {
    if (!socket || socket.readyState === WebSocket.CLOSED) {
      clearTimeout(reconnectTimer);
      attempt = 0;
      connect();
    }
  });
  // Written before a reload or offline: shown as waiting, sent after `sync`.
  var late = new Promise(function (resolve) { setTimeout(function () { resolve(null); }, 1500); });
  Promise.race([outbox.all(), late]).then(function (items) {
    (items || []).forEach(function (item) {
      // Only what this person wrote here: never another's, left on the device.
      if (item.conversation === config.conversation && item.who === String(config.me) && !pending[item.client_id]) {
        queue(item.client_id, item.body, item.at);
      }
    });
    connect();
  });
})();
