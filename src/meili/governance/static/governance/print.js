// Printable documents: the 打印 button opens the browser's print dialog (the print stylesheet hides the rest).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
