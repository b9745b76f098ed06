// Names the admin's autocomplete widgets (select2) for assistive technology: select2 draws
// a combobox and a search field that carry no accessible name, and puts its clear button
// straight inside a list. Runs on load and whenever the admin adds a widget (inlines).
(function () {
  "use strict";

  function labelOf(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    var text = label ? label.textContent : select.getAttribute("aria-label") || select.name;
    return text.replace(/:\s*$/, "").trim();
  }

  function name(root) {
    root.querySelectorAll("span.select2").forEach(function (container) {
      var select = container.previousElementSibling;
      if (!select || select.tagName !== "SELECT") {
        return;
      }
      var text = labelOf(select);
      var named = ".select2-selection, .select2-search__field, [role=textbox]";
      container.querySelectorAll(named).forEach(
        function (element) {
          element.setAttribute("aria-label", text);
          element.removeAttribute("aria-labelledby");
        }
      );
      container.querySelectorAll("ul.select2-selection__rendered").forEach(function (list) {
        list.setAttribute("role", "presentation");
        Array.prototype.forEach.call(list.children, function (child) {
          child.setAttribute("role", "presentation");
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    name(document);
    new MutationObserver(function () {
      name(document);
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
