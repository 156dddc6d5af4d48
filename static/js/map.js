// The neighbourhood map. Items come from inline JSON (public points only);
// popups are built with textContent: user text is never parsed as HTML.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var items = JSON.parse(document.getElementById("map-items").textContent);
  var element = document.getElementById("map");
  if (!element || typeof L === "undefined") return;

  var map = L.map(element).setView([config.center.lat, config.center.lng], config.zoom);
  L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 19 }).addTo(map);

  function popupContent(item) {
    var box = document.createElement("div");
    var kind = document.createElement("p");
    kind.className = "popup-kind";
    kind.textContent = config.labels[item.kind] || item.kind;
    var title = document.createElement("strong");
    title.textContent = item.title;
    var meta = document.createElement("p");
    meta.textContent = item.category_name + (item.urgency_label ? " · " + item.urgency_label : "");
    box.appendChild(kind);
    box.appendChild(title);
    box.appendChild(meta);
    return box;
  }

  var bounds = [];
  items.forEach(function (item) {
    if (!item.public_location) return;
    var icon = L.divIcon({
      className: "map-icon map-icon-" + item.kind,
      html: "",
      iconSize: [30, 30],
    });
    var marker = L.marker([item.public_location.lat, item.public_location.lng], {
      icon: icon,
      title: item.title,
      alt: item.title,
      keyboard: true,
    });
    marker.on("add", function () {
      var el = marker.getElement();
      if (el) {
        el.textContent = item.icon;
        el.dataset.kind = item.kind;
      }
    });
    marker.bindPopup(function () { return popupContent(item); });
    marker.addTo(map);
    bounds.push([item.public_location.lat, item.public_location.lng]);
  });
  if (!config.home_set && bounds.length > 1) {
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: config.zoom });
  }
})();
