// Tables marked .row-cards become one card per row on a phone: each cell is labelled with its column's header
// (the CSS in meili.css shows the label; on a wide screen the table is an ordinary table).
(function () {
  "use strict";
  document.querySelectorAll("table.row-cards").forEach(function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      Array.prototype.forEach.call(tr.children, function (td, i) {
        if (heads[i] && !td.hasAttribute("colspan")) { td.setAttribute("data-label", heads[i]); }
      });
    });
  });
})();
