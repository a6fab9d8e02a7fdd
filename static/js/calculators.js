// Live calculators: redraw the chart while the reader edits the form.
// The form works without this script (a GET submit re-renders the page). With it,
// each change waits 250 ms of quiet, fetches the same address with ?partial=…
// (just the output fragment), swaps it in and shows the field errors it lists.
(function () {
  "use strict";

  var QUIET_MS = 250;

  function formQuery(form) {
    var query = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && value.trim() !== "") query.append(name, value.trim());
    });
    return query;
  }

  // Show the parameters of the chosen schedules only; disabled fields are not submitted.
  function showUsedFields(form) {
    var chosen = [];
    form.querySelectorAll("select[name='schedule'], select[name='compare']").forEach(function (select) {
      if (select.value) chosen.push(select.value);
    });
    form.querySelectorAll("[data-used-by]").forEach(function (field) {
      var used = field.getAttribute("data-used-by").split(" ").some(function (name) {
        return chosen.indexOf(name) !== -1;
      });
      field.hidden = !used;
      field.querySelectorAll("input, select").forEach(function (control) { control.disabled = !used; });
    });
  }

  function showFieldErrors(form, output) {
    var messages = {};
    output.querySelectorAll("[data-field-errors] [data-field]").forEach(function (item) {
      messages[item.getAttribute("data-field")] = item.textContent;
    });
    form.querySelectorAll("[data-error-for]").forEach(function (element) {
      var message = messages[element.getAttribute("data-error-for")] || "";
      var field = element.closest(".calc-field");
      element.textContent = message;
      element.hidden = message === "";
      field.classList.toggle("has-error", message !== "");
      field.querySelectorAll("input, select").forEach(function (control) {
        if (message) control.setAttribute("aria-invalid", "true");
        else control.removeAttribute("aria-invalid");
      });
    });
  }

  function enhance(form) {
    var output = document.querySelector(form.getAttribute("data-output"));
    if (!output || !window.fetch || !window.URLSearchParams) return;
    var timer = null;
    var pending = null;

    function update() {
      var query = formQuery(form);
      var address = form.action + (query.toString() ? "?" + query.toString() : "");
      query.set("partial", form.getAttribute("data-partial"));
      if (pending) pending.abort();
      pending = new AbortController();
      form.setAttribute("aria-busy", "true");
      fetch(form.action + "?" + query.toString(), { signal: pending.signal, credentials: "same-origin" })
        .then(function (response) {
          // 400 carries the field errors; anything else but 200 leaves the last chart.
          if (response.status !== 200 && response.status !== 400) throw new Error("HTTP " + response.status);
          return response.text();
        })
        .then(function (html) {
          output.innerHTML = html;
          showFieldErrors(form, output);
          if (form.hasAttribute("data-history")) window.history.replaceState(null, "", address);
          form.removeAttribute("aria-busy");
        })
        .catch(function (error) {
          if (error.name !== "AbortError") form.removeAttribute("aria-busy");
        });
    }

    function schedule(event) {
      if (event.target.matches("select[name='schedule'], select[name='compare']")) showUsedFields(form);
      window.clearTimeout(timer);
      timer = window.setTimeout(update, QUIET_MS);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    // The full page keeps its submit button for readers without JavaScript; the
    // embedded form's button opens the full calculator, so only the page's is caught.
    if (form.hasAttribute("data-history")) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        window.clearTimeout(timer);
        update();
      });
    }
  }

  document.querySelectorAll("form[data-calculator]").forEach(enhance);
})();
