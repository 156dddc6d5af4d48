// The neighbourhood map. Features come from /api/v1/map for the visible box:
// public points at street zoom, counts per area below it. Popups are built
// with textContent: user text is never parsed as HTML.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var element = document.getElementById("map");
  if (!element || typeof L === "undefined") return;

  var map = L.map(element).setView([config.center.lat, config.center.lng], config.zoom);
  L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
  var layer = L.layerGroup().addTo(map);
  var pending = null;

  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) node.className = className;
    return node;
  }

  function popupFor(props) {
    var box = document.createElement("div");
    box.appendChild(text("p", config.labels[props.kind] || props.kind, "popup-kind"));
    box.appendChild(text("strong", props.title));
    if (props.kind === "request") {
      var link = text("a", config.labels.open);
      link.href = config.detail.replace("{id}", String(props.id));
      var p = document.createElement("p");
      p.appendChild(link);
      box.appendChild(p);
    }
    return box;
  }

  function markerFor(feature) {
    var props = feature.properties;
    var latlng = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
    if (props.cluster) {
      var label = config.labels.cluster.replace("%(count)s", String(props.count));
      var size = Math.min(60, 26 + Math.round(Math.log(props.count + 1) * 6));
      var cluster = L.marker(latlng, {
        icon: L.divIcon({ className: "map-cluster map-cluster-" + props.kind, html: "", iconSize: [size, size] }),
        title: label,
        keyboard: true,
      });
      cluster.on("add", function () {
        var el = cluster.getElement();
        if (el) el.textContent = String(props.count);
      });
      cluster.on("click", function () { map.setView(latlng, Math.min(map.getZoom() + 2, 18)); });
      return cluster;
    }
    var marker = L.marker(latlng, {
      icon: L.divIcon({ className: "map-icon map-icon-" + props.kind, html: "", iconSize: [30, 30] }),
      title: props.title,
      keyboard: true,
    });
    marker.on("add", function () {
      var el = marker.getElement();
      if (el) {
        el.textContent = props.icon || "";
        el.dataset.kind = props.kind;
      }
    });
    marker.bindPopup(function () { return popupFor(props); });
    return marker;
  }

  function load() {
    var b = map.getBounds();
    var west = Math.max(b.getWest(), -180), east = Math.min(b.getEast(), 180);
    var south = Math.max(b.getSouth(), -90), north = Math.min(b.getNorth(), 90);
    var url = config.api + "?bbox=" + [west, south, east, north].map(function (v) { return v.toFixed(5); }).join(",") +
      "&zoom=" + map.getZoom();
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(url, { signal: pending.signal, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { features: [] }; })
      .then(function (collection) {
        layer.clearLayers();
        collection.features.forEach(function (feature) { markerFor(feature).addTo(layer); });
        element.dataset.loaded = String(collection.features.length);
      })
      .catch(function () { /* aborted or offline: keep what is shown */ });
  }

  map.on("moveend", load);
  load();
})();
