// On every page of a signed-in user (except the chat page, which has its own
// socket): a live badge for new messages and notifications. Announced to
// screen readers through a polite live region.
(function () {
  "use strict";
  var region = document.getElementById("live-notice");
  var badge = document.getElementById("messages-badge");
  if (!region || document.getElementById("chat-config")) return;
  var labels = JSON.parse(document.getElementById("notify-labels").textContent);
  var attempt = 0;
  var unread = 0;

  function say(text) {
    region.textContent = text;
    region.hidden = false;
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/");
    socket.onopen = function () {
      attempt = 0;
      document.documentElement.dataset.live = "1";
    };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame.type === "message.new" && frame.message.sender !== labels.me) {
        unread += 1;
        if (badge) { badge.textContent = String(unread); badge.hidden = false; }
        say(labels.message);
      } else if (frame.type === "notification") {
        say(labels[frame.notification.kind] || labels.generic);
      }
    };
    socket.onclose = function (event) {
      if (event.code === 4401) return;
      var delay = Math.min(60000, 2000 * Math.pow(2, attempt)) * (0.5 + Math.random());
      attempt += 1;
      setTimeout(connect, delay);
    };
  }
  connect();
})();
