// Every page (templates/base.html):
// - on a narrow screen the menu folds under one "Menu" button (Messages
//   and its unread count stay in view);
// - an error summary (templates/_error_summary.html) takes the focus, so a
//   screen reader reads it and the page opens where the problem is said;
//   its links move the focus to the field, not only the scroll;
// - every password field gets a "Show" button.
(function () {
  "use strict";
  var script = document.currentScript;
  var header = document.querySelector(".site-header");
  var toggle = header && header.querySelector(".menu-toggle");
  if (toggle) {
    var nav = header.querySelector("nav");
    header.classList.add("js-menu");
    nav.dataset.open = "false";
    toggle.addEventListener("click", function () {
      var open = nav.dataset.open !== "true";
      nav.dataset.open = open ? "true" : "false";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      event.preventDefault();
      var folded = target.closest("details");
      if (folded) folded.open = true;
      target.scrollIntoView({ block: "center" });
      target.focus();
    });
  }
  document.querySelectorAll("input[type=password]").forEach(function (input) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary show-password";
    button.textContent = script.dataset.show;
    button.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-controls", input.id);
    button.addEventListener("click", function () {
      var shown = input.type === "password";
      input.type = shown ? "text" : "password";
      button.setAttribute("aria-pressed", shown ? "true" : "false");
    });
    input.insertAdjacentElement("afterend", button);
  });
})();
