// A pin on a map that fills a latitude and a longitude input
// (templates/_pin_picker.html). The inputs stay the source of truth (they
// work without JavaScript, folded under "Enter coordinates"); clicking the
// map, dragging the pin, the "Put the pin at the centre" button and the arrow
// keys on the pin fill them in. Used for the home (profile, first step) and
// for a request's meeting point.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var element = document.getElementById("pin-map");
  if (!element || typeof L === "undefined") return;
  var latInput = document.getElementById(element.dataset.latInput);
  var lngInput = document.getElementById(element.dataset.lngInput);
  if (!latInput || !lngInput) return;
  var status = document.getElementById("pin-status");
  var centre = document.getElementById("pin-centre");

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

  function say(placed) {
    if (status) status.textContent = placed ? status.dataset.placed : status.dataset.empty;
  }

  var marker = null;
  function place(latlng, pan) {
    if (!marker) {
      marker = L.marker(latlng, { draggable: true, keyboard: true, title: element.getAttribute("aria-label") });
      marker.on("dragend", function () { fill(marker.getLatLng()); });
      marker.on("add", function () {
        marker.getElement().addEventListener("keydown", nudge);
      });
      marker.addTo(map);
    } else {
      marker.setLatLng(latlng);
    }
    if (pan) map.panTo(latlng);
  }
  function fill(latlng) {
    latInput.value = latlng.lat.toFixed(6);
    lngInput.value = latlng.lng.toFixed(6);
    say(true);
  }

  // Arrow keys on the selected pin move it by 10 screen pixels (a few
  // metres at street level), 50 with Shift.
  var steps = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
  function nudge(event) {
    var step = steps[event.key];
    if (!step || !marker) return;
    event.preventDefault();
    event.stopPropagation();
    var size = event.shiftKey ? 50 : 10;
    var point = map.latLngToContainerPoint(marker.getLatLng()).add([step[0] * size, step[1] * size]);
    var latlng = map.containerPointToLatLng(point);
    marker.setLatLng(latlng);
    fill(latlng);
    if (!map.getBounds().pad(-0.1).contains(latlng)) map.panTo(latlng);
  }

  if (start) place(start, false);
  map.on("click", function (event) {
    place(event.latlng, false);
    fill(event.latlng);
  });
  if (centre) {
    centre.parentElement.hidden = false;
    document.getElementById("pin-keys").hidden = false;
    centre.addEventListener("click", function () {
      var latlng = map.getCenter();
      place(latlng, false);
      fill(latlng);
      marker.getElement().focus();
    });
  }
  [latInput, lngInput].forEach(function (input) {
    input.addEventListener("change", function () {
      var latlng = current();
      if (latlng) place(latlng, true);
    });
  });
})();
