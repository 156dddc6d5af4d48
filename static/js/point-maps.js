// The moderators' queue: a small map per report, at the public point only.
(function () {
  "use strict";
  if (typeof L === "undefined") return;
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var points = JSON.parse(document.getElementById("queue-points").textContent);
  document.querySelectorAll(".point-map").forEach(function (element) {
    var point = points[element.dataset.report];
    if (!point) return;
    var map = L.map(element).setView([point.lat, point.lng], 15);
    L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
    L.circle([point.lat, point.lng], { radius: 150, weight: 2 }).addTo(map);
  });
})();
