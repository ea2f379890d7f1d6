/* What inline attributes used to do, now that the Content-Security-Policy allows only our
   own script and style files (no style="", no onsubmit=, no onerror=):
   - data-width / data-left (percent) size bars and markers;
   - data-confirm on a form (or on its submit button) asks before it is submitted;
   - data-autosubmit on a field submits its form when the field changes;
   - img[data-hide-broken] removes itself when the image cannot be loaded. */
(function () {
  function sizeBars(root) {
    root.querySelectorAll("[data-width], [data-left]").forEach(function (el) {
      var width = el.getAttribute("data-width");
      var left = el.getAttribute("data-left");
      if (width !== null) el.style.width = parseFloat(width) + "%";
      if (left !== null) el.style.left = parseFloat(left) + "%";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { sizeBars(document); });
  document.addEventListener("htmx:afterSwap", function (e) { sizeBars(e.target); });
  document.addEventListener("submit", function (e) {
    // The pressed button's question first (one form, several actions), then the form's.
    var asker = (e.submitter && e.submitter.hasAttribute("data-confirm")) ? e.submitter
      : e.target.closest("form[data-confirm]");
    if (asker && !window.confirm(asker.getAttribute("data-confirm"))) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("change", function (e) {
    var field = e.target.closest("[data-autosubmit]");
    if (field && field.form) field.form.requestSubmit();
  });
  document.addEventListener("error", function (e) {
    var el = e.target;
    if (el && el.tagName === "IMG" && el.hasAttribute("data-hide-broken")) el.remove();
  }, true);
})();
