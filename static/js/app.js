/* Small enhancements; every page works without them. */
(function () {
  "use strict";

  function autosubmit(root) {
    // The language switcher submits on change; its button stays for use without JavaScript.
    root.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    root.querySelectorAll("form[data-autosubmit] [data-autosubmit-button]").forEach(function (b) {
      b.hidden = true;
    });
  }

  document.addEventListener("DOMContentLoaded", function () { autosubmit(document); });

  // After htmx swaps the results in place, move focus to their heading for screen readers.
  document.addEventListener("htmx:afterSwap", function (event) {
    var heading = event.detail.target.querySelector("[data-focus-after-swap]");
    if (heading) { heading.focus({ preventScroll: true }); }
  });
})();
