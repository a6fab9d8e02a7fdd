// Instant suggestions under every search box that has data-suggest-url.
// Without JavaScript the form still submits to the search page.
(function () {
  "use strict";

  var DELAY_MS = 150;

  function attach(input) {
    var form = input.form;
    var list = document.createElement("ul");
    var listId = input.id + "-suggestions";
    var timer = null;
    var request = 0;
    var selected = -1;

    list.id = listId;
    list.className = "search-suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    form.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");

    function close() {
      list.hidden = true;
      list.textContent = "";
      selected = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function show(items) {
      list.textContent = "";
      selected = -1;
      items.forEach(function (item, index) {
        var option = document.createElement("li");
        var link = document.createElement("a");
        option.id = listId + "-" + index;
        option.setAttribute("role", "option");
        link.href = item.url;
        link.textContent = item.title;
        option.appendChild(link);
        list.appendChild(option);
      });
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
    }

    function select(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) return;
      selected = (index + options.length) % options.length;
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === selected ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", options[selected].id);
    }

    function fetchSuggestions() {
      var query = input.value.trim();
      var number = ++request;
      if (!query) { close(); return; }
      var url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(query);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) { if (number === request) show(data.suggestions || []); })
        .catch(close);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        select(selected + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" && selected >= 0) {
        event.preventDefault();
        window.location.href = list.querySelectorAll("a")[selected].href;
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  if (!window.fetch) return;
  document.querySelectorAll("input[data-suggest-url]").forEach(attach);
})();
