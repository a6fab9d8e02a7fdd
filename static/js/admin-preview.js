// Adds a "Preview" button under each Markdown body field of the topic admin.
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function previewUrl() {
    var path = window.location.pathname;
    var marker = "/kb/topic/";
    return path.slice(0, path.indexOf(marker) + marker.length) + "preview/";
  }

  var failedLabel = document.documentElement.lang.indexOf("zh") === 0
    ? "预览失败" : "Preview failed";

  function addPreview(textarea) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button markdown-preview-button";
    button.textContent = document.documentElement.lang.indexOf("zh") === 0 ? "预览" : "Preview";
    var output = document.createElement("div");
    output.className = "markdown-preview prose";
    output.hidden = true;
    button.addEventListener("click", function () {
      var body = new URLSearchParams();
      body.set("markdown", textarea.value);
      fetch(previewUrl(), {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken() },
        body: body,
        credentials: "same-origin",
      })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status + " " + response.statusText);
          return response.json();
        })
        .then(function (data) {
          output.innerHTML = data.html || "";
          output.hidden = false;
        })
        .catch(function (error) {
          // The body may be over the request size limit, or the session may have ended.
          output.textContent = failedLabel + " (" + error.message + ")";
          output.hidden = false;
        });
    });
    textarea.insertAdjacentElement("afterend", output);
    textarea.insertAdjacentElement("afterend", button);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[name=body_zh], textarea[name=body_en]").forEach(addPreview);
  });
})();
