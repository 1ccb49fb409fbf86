// Partner directory filter: progressive enhancement. Without JavaScript every partner
// is listed (and noscript.css hides the form); with it, the form narrows the list as
// you type.
(function () {
  var form = document.getElementById("partner-filter");
  if (!form) return;
  var text = document.getElementById("filter-text");
  var category = document.getElementById("filter-category");
  var none = document.getElementById("no-results");
  var cards = Array.prototype.slice.call(document.querySelectorAll(".partner-card"));
  var groups = Array.prototype.slice.call(document.querySelectorAll(".partner-group"));
  function apply() {
    var q = text.value.trim().toLocaleLowerCase();
    var c = category.value;
    var shown = 0;
    cards.forEach(function (card) {
      var ok = (!c || card.getAttribute("data-category") === c) &&
        (!q || card.textContent.toLocaleLowerCase().indexOf(q) !== -1);
      card.hidden = !ok;
      if (ok) shown++;
    });
    groups.forEach(function (g) {
      g.hidden = !g.querySelector(".partner-card:not([hidden])");
    });
    none.hidden = shown !== 0;
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  text.addEventListener("input", apply);
  category.addEventListener("change", apply);
})();
