// The list filters fold behind a "Filters (n)" button on a phone. On a wide screen the
// stylesheet shows them anyway; this opens the fold for browsers that cannot.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 44rem)");
  function unfold() {
    if (!wide.matches) {
      return;
    }
    document.querySelectorAll("details[data-unfold-wide]").forEach(function (fold) {
      fold.open = true;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", unfold);
  } else {
    unfold();
  }
})();
