/* Type-ahead for search boxes marked data-typeahead (the header's, on every page).
   htmx fetches /search/suggest/ as one types and swaps the options into the listbox that
   aria-controls names; this script keeps the ARIA 1.2 combobox state and the keys:
   ArrowDown/ArrowUp move through the options, Enter opens the active one (or submits
   the search when none is active), Escape closes the list. Without JavaScript the box
   is a plain search form. */
(function () {
  "use strict";

  function setUp(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    if (!list) {
      return;
    }
    var active = -1;

    // Options hold no link (invalid inside role=option): each names its page in data-href.
    function open(option) {
      var href = option.getAttribute("data-href");
      if (href) {
        window.location.assign(href);
      }
    }

    function options() {
      return Array.prototype.slice.call(list.querySelectorAll('[role="option"]'));
    }

    function setActive(index) {
      var all = options();
      active = index;
      all.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0 && all[index]) {
        input.setAttribute("aria-activedescendant", all[index].id);
        all[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function setOpen(open) {
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      if (!open) {
        setActive(-1);
      }
    }

    input.addEventListener("keydown", function (event) {
      var all = options();
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!all.length) {
          return;
        }
        event.preventDefault();
        setOpen(true);
        if (event.key === "ArrowDown") {
          setActive(active + 1 >= all.length ? 0 : active + 1);
        } else {
          setActive(active <= 0 ? all.length - 1 : active - 1);
        }
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0 && all[active]) {
          event.preventDefault();
          open(all[active]);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          setOpen(false);
        }
      }
    });

    // New options arrived: nothing is active yet; show the list only when it has options.
    list.addEventListener("htmx:afterSwap", function () {
      setActive(-1);
      setOpen(options().length > 0 && document.activeElement === input);
    });

    input.addEventListener("input", function () {
      if (!input.value.trim()) {
        list.innerHTML = "";
        setOpen(false);
      }
    });

    input.addEventListener("focus", function () {
      if (options().length) {
        setOpen(true);
      }
    });

    // Keep the focus in the box while an option is clicked, then close on leaving it.
    list.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    list.addEventListener("click", function (event) {
      var option = event.target instanceof Element && event.target.closest('[role="option"]');
      if (option) {
        open(option);
      }
    });
    input.addEventListener("blur", function () {
      setOpen(false);
    });
  }

  function start() {
    document.querySelectorAll("input[data-typeahead]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
