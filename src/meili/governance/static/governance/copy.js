// Copy buttons (the tracking code): the clipboard API where the page may use it, else select-and-copy.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var label = button.textContent;
    function done() {
      button.textContent = button.dataset.done || label;
      window.setTimeout(function () { button.textContent = label; }, 2000);
    }
    button.addEventListener("click", function () {
      var text = button.dataset.copy;
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () {});
        return;
      }
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "copy-buffer";
      document.body.appendChild(area);
      area.select();
      try { if (document.execCommand("copy")) { done(); } } catch (e) { /* the code stays on screen to copy by hand */ }
      document.body.removeChild(area);
    });
  });
})();
