// Filters on listing and theme pages: narrow the cards by theme, type and year, in the
// browser, so they work on any static host. Without JavaScript every card is shown.
(function () {
  "use strict";
  document.querySelectorAll("[data-portal-filters]").forEach(function (form) {
    var list = document.querySelector(form.getAttribute("data-portal-filters"));
    if (!list) { return; }
    var cards = Array.prototype.slice.call(list.querySelectorAll(".portal-card"));
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
    var count = form.querySelector("[data-portal-count]");
    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (select) {
      var wanted = params.get(select.name);
      if (wanted) { select.value = wanted; }
    });
    function apply() {
      var shown = 0;
      var query = new URLSearchParams();
      cards.forEach(function (card) {
        var visible = selects.every(function (select) {
          if (!select.value) { return true; }
          var values = (card.getAttribute("data-" + select.getAttribute("data-filter")) || "").split(" ");
          return values.indexOf(select.value) !== -1;
        });
        card.hidden = !visible;
        if (visible) { shown += 1; }
      });
      selects.forEach(function (select) { if (select.value) { query.set(select.name, select.value); } });
      count.textContent = shown + (shown === 1 ? " publication" : " publications") + " shown";
      var search = query.toString();
      history.replaceState(null, "", search ? "?" + search : window.location.pathname);
    }
    selects.forEach(function (select) { select.addEventListener("change", apply); });
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    form.hidden = false;
    apply();
  });
})();
