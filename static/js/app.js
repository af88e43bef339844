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

  // After htmx swaps results in place, announce their new heading (the count) through the
  // page's live region; focus stays where the reader is (htmx keeps it on the same field).
  document.addEventListener("htmx:afterSettle", function () {
    var heading = document.querySelector("[data-announce]");
    var status = document.getElementById("live-status");
    if (heading && status) { status.textContent = heading.textContent.trim(); }
  });
})();
