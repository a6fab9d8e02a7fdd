// Progressive enhancements: "/" focuses search, copy buttons on code blocks.
(function () {
  "use strict";

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    var box = document.querySelector("[data-focus-key='/']");
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });

  var copyLabel = document.documentElement.lang === "en" ? "Copy" : "复制";
  var copiedLabel = document.documentElement.lang === "en" ? "Copied" : "已复制";
  document.querySelectorAll("pre.highlight").forEach(function (pre) {
    if (!navigator.clipboard) return;
    var wrapper = document.createElement("div");
    wrapper.className = "code-block";
    pre.parentNode.insertBefore(wrapper, pre);
    wrapper.appendChild(pre);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = copyLabel;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(pre.innerText).then(function () {
        button.textContent = copiedLabel;
        setTimeout(function () { button.textContent = copyLabel; }, 1500);
      });
    });
    wrapper.appendChild(button);
  });
})();
