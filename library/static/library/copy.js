// Copy buttons for citations. Without JavaScript the buttons stay hidden and the citation
// text is still there to select and copy by hand.
(function () {
  "use strict";

  function announce(button, message) {
    var box = button.closest(".cite-box");
    var status = box && box.querySelector(".copy-status");
    if (status) {
      status.textContent = message;
    }
  }

  function copy(button) {
    var source = document.getElementById(button.dataset.copy);
    if (!source) {
      return;
    }
    var text = source.innerText.trim();
    var label = button.dataset.copyLabel || "Citation";
    navigator.clipboard.writeText(text).then(
      function () { announce(button, "Copied the " + label + " citation."); },
      function () { announce(button, "Could not copy; select the " + label + " citation and copy it by hand."); }
    );
  }

  function init() {
    if (!navigator.clipboard || !window.isSecureContext) {
      return;
    }
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { copy(button); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
