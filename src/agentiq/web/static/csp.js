/* What inline attributes used to do, now that the Content-Security-Policy allows only our
   own script and style files (no style="", no onsubmit=, no onerror=):
   - data-width / data-left (percent) size bars and markers;
   - data-confirm on a form asks before it is submitted;
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
    var form = e.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
  }, true);
  document.addEventListener("error", function (e) {
    var el = e.target;
    if (el && el.tagName === "IMG" && el.hasAttribute("data-hide-broken")) el.remove();
  }, true);
})();
