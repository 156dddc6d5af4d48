// A request's page: the approximate area for everyone; the exact meeting
// point only when the server put it on the page (author, accepted helper).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var element = document.getElementById("detail-map");
  if (!element || typeof L === "undefined") return;
  var publicPoint = JSON.parse(document.getElementById("detail-public").textContent);
  var exactScript = document.getElementById("detail-exact");
  var exact = exactScript ? JSON.parse(exactScript.textContent) : null;
  var map = L.map(element).setView([publicPoint.lat, publicPoint.lng], 16);
  L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
  if (exact) {
    L.marker([exact.lat, exact.lng], { keyboard: true }).addTo(map);
    map.setView([exact.lat, exact.lng], 17);
  } else {
    // An area, not a point: about the size of a grid cell.
    L.circle([publicPoint.lat, publicPoint.lng], { radius: 150, weight: 2 }).addTo(map);
  }
})();
