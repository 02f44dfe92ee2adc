/* The compare tray: "Compare" boxes ticked on any page are kept in localStorage and shown in
   a tray at the bottom of the window, whose button opens /compare/<slug>,<slug>/. */
(function () {
  "use strict";
  var KEY = "packagegrid-compare";
  var LIMIT = 25;

  function load() {
    try {
      var value = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(value) ? value.filter(function (item) {
        return item && typeof item.slug === "string" && typeof item.title === "string";
      }) : [];
    } catch (error) {
      return [];
    }
  }

  function save(items) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(items));
    } catch (error) {
      /* storage disabled: the tray still works on this page */
    }
  }

  var picked = [];

  function render() {
    var form = document.getElementById("compare-form");
    if (!form) {
      return;
    }
    var slugs = picked.map(function (item) { return item.slug; });
    document.querySelectorAll("input[data-compare]").forEach(function (box) {
      box.checked = slugs.indexOf(box.value) !== -1;
    });
    form.hidden = picked.length === 0;
    form.querySelector("[data-compare-count]").textContent = "(" + picked.length + ")";
    form.querySelector("[data-compare-titles]").textContent = picked.map(function (item) {
      return item.title;
    }).join(", ");
    var button = form.querySelector("button[type=submit]");
    button.disabled = picked.length < 2;
  }

  function toggle(box) {
    picked = picked.filter(function (item) { return item.slug !== box.value; });
    if (box.checked && picked.length < LIMIT) {
      picked.push({ slug: box.value, title: box.getAttribute("data-compare") || box.value });
    }
    save(picked);
    render();
  }

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box instanceof HTMLInputElement && box.hasAttribute("data-compare")) {
      toggle(box);
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target instanceof Element && target.closest("[data-compare-clear]")) {
      picked = [];
      save(picked);
      render();
    }
  });

  document.addEventListener("submit", function (event) {
    if (event.target instanceof HTMLFormElement && event.target.id === "compare-form") {
      event.preventDefault();
      var slugs = picked.map(function (item) { return encodeURIComponent(item.slug); });
      window.location.assign("/compare/" + slugs.join(",") + "/");
    }
  });

  /* Another tab changed the selection. */
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) {
      picked = load();
      render();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    picked = load();
    render();
  });
  /* Lists swapped in by htmx (filters, paging) bring new boxes. */
  document.addEventListener("htmx:afterSettle", render);
})();
