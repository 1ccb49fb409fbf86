// Starts Pagefind's search UI with the interface strings of the page's language.
// The search runs in the browser against the index built with the site: no server.
(function () {
  var el = document.getElementById("search");
  if (!el || typeof PagefindUI === "undefined") return;
  var index = document.querySelector(".site-index");
  if (index) index.hidden = true;
  new PagefindUI({
    element: "#search",
    showImages: false,
    showSubResults: true,
    translations: {
      placeholder: el.dataset.placeholder,
      search_label: el.dataset.label,
      zero_results: el.dataset.zero,
      one_result: el.dataset.one,
      many_results: el.dataset.many,
      load_more: el.dataset.more,
      clear_search: el.dataset.clear,
      searching: el.dataset.searching
    }
  });
})();
