/* Light/dark theme: follows the system until the person picks one, then remembers it.
   Loaded in <head> so the stored theme applies before the first paint. */
(function () {
  "use strict";
  var KEY = "packagegrid-theme";
  var root = document.documentElement;
  var darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return value === "light" || value === "dark" ? value : null;
    } catch (error) {
      return null; // storage disabled: follow the system
    }
  }

  function current() {
    return root.getAttribute("data-theme") || (darkQuery && darkQuery.matches ? "dark" : "light");
  }

  var initial = stored();
  if (initial) {
    root.setAttribute("data-theme", initial);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("theme-toggle");
    if (!button) {
      return;
    }
    function sync() {
      var dark = current() === "dark";
      button.setAttribute("aria-pressed", dark ? "true" : "false");
      button.title = dark ? "Switch to the light theme" : "Switch to the dark theme";
    }
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try {
        window.localStorage.setItem(KEY, next);
      } catch (error) {
        /* storage disabled: the choice lasts for this page only */
      }
      sync();
    });
    if (darkQuery && darkQuery.addEventListener) {
      darkQuery.addEventListener("change", sync);
    }
    sync();
    button.hidden = false;
  });
})();
