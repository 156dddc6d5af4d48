// On every page of a signed-in user: a live badge for new messages and
// notifications, announced to screen readers through a polite live region.
// The chat page has its own socket (chat.js) and hands notifications to
// window.entraideNotice.frame, so the same code announces them there too.
(function () {
  "use strict";
  var region = document.getElementById("live-notice");
  var badge = document.getElementById("messages-badge");
  if (!region) return;
  var labels = JSON.parse(document.getElementById("notify-labels").textContent);
  var attempt = 0;
  // The page counted the unread messages when it was made; live ones add to it.
  var unread = badge ? parseInt(badge.dataset.count, 10) || 0 : 0;
  var badgeLabel = badge ? badge.querySelector(".visually-hidden") : null;

  function say(text) {
    region.textContent = text;
    region.hidden = false;
  }

  function frame(data) {
    if (data.type === "message.new" && data.message.sender !== labels.me) {
      unread += 1;
      if (badge) {
        badge.textContent = String(unread);
        if (badgeLabel) badge.appendChild(badgeLabel);
        badge.hidden = false;
      }
      say(labels.message);
    } else if (data.type === "notification") {
      say(labels[data.notification.kind] || labels.generic);
    }
  }

  window.entraideNotice = { frame: frame };
  if (document.getElementById("chat-config")) return; // chat.js connects

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/");
    socket.onopen = function () {
      attempt = 0;
      document.documentElement.dataset.live = "1";
    };
    socket.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      frame(data);
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
