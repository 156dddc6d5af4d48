// A pin on a map that fills a latitude and a longitude input. The inputs stay
// the source of truth (they work with a keyboard and without JavaScript);
// clicking the map or dragging the pin fills them in. Used for the home on
// the profile page and for a request's meeting point.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var element = document.getElementById("pin-map");
  if (!element || typeof L === "undefined") return;
  var latInput = document.getElementById(element.dataset.latInput);
  var lngInput = document.getElementById(element.dataset.lngInput);
  if (!latInput || !lngInput) return;

  function current() {
    var lat = parseFloat(latInput.value);
    var lng = parseFloat(lngInput.value);
    return isFinite(lat) && isFinite(lng) ? L.latLng(lat, lng) : null;
  }

  var start = current();
  var map = L.map(element).setView(
    start || [config.center.lat, config.center.lng],
    start ? 17 : config.zoom
  );
  L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 19 }).addTo(map);

  var marker = null;
  function place(latlng, pan) {
    if (!marker) {
      marker = L.marker(latlng, { draggable: true, keyboard: true, title: element.getAttribute("aria-label") });
      marker.on("dragend", function () { fill(marker.getLatLng()); });
      marker.addTo(map);
    } else {
      marker.setLatLng(latlng);
    }
    if (pan) map.panTo(latlng);
  }
  function fill(latlng) {
    latInput.value = latlng.lat.toFixed(6);
    lngInput.value = latlng.lng.toFixed(6);
  }

  if (start) place(start, false);
  map.on("click", function (event) {
    place(event.latlng, false);
    fill(event.latlng);
  });
  [latInput, lngInput].forEach(function (input) {
    input.addEventListener("change", function () {
      var latlng = current();
      if (latlng) place(latlng, true);
    });
  });
})();
