/* Turn each static chart into the interactive one (tooltips) with the site's own copy of
   vega-embed; without JavaScript, or if this fails, the static SVG stays. On a report page a
   chart turns interactive when the reader first points at it, touches it or tabs to it, so
   loading the page costs neither the bundle's download nor any chart drawing; a standalone
   chart page does it at once. The bundle's address is this script's data-vega attribute. */
(function () {
  "use strict";
  var me = document.currentScript;
  var bundle = me && me.getAttribute("data-vega");
  var loading = null;
  function vega() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        if (typeof window.vegaEmbed === "function") { resolve(); return; }
        if (!bundle) { reject(new Error("no bundle")); return; }
        var s = document.createElement("script");
        s.src = bundle;
        s.onload = resolve;
        s.onerror = reject;
        document.head.appendChild(s);
      });
    }
    return loading;
  }
  function enhance(fig) {
    vega().then(function () { draw(fig); }, function () {});
  }
  function draw(fig) {
    var data = fig.querySelector("script.chart-spec");
    var still = fig.querySelector(".chart-image");
    if (!data || !still || typeof window.vegaEmbed !== "function") return;
    var live = document.createElement("div");
    live.className = "chart-image chart-live";
    live.setAttribute("style", still.getAttribute("style") || "");
    still.parentNode.insertBefore(live, still.nextSibling);
    /* ast: Vega's interpreter of expressions (bundled with vega-embed) instead of code compiled
       with new Function, which the pages' Content-Security-Policy does not allow. */
    var options = { actions: false, renderer: "svg", mode: "vega-lite", ast: true };
    window.vegaEmbed(live, JSON.parse(data.textContent), options)
      .then(function () {
        var svg = live.querySelector("svg");
        var name = still.querySelector("svg > title"), desc = still.querySelector("svg > desc");
        if (svg) {
          /* The live chart takes over the static one's accessible name and description. */
          if (desc) svg.insertBefore(desc, svg.firstChild);
          if (name) svg.insertBefore(name, svg.firstChild);
          svg.setAttribute("role", "img");
          svg.setAttribute("aria-labelledby", fig.getAttribute("data-label"));
          svg.setAttribute("aria-describedby", fig.getAttribute("data-desc"));
        }
        still.remove();
        fig.classList.add("chart-interactive");
      })
      .catch(function () { live.remove(); });
  }
  var now = document.documentElement.hasAttribute("data-charts-now");
  document.querySelectorAll("figure.chart").forEach(function (fig) {
    if (now) { enhance(fig); return; }
    var events = ["pointerenter", "touchstart", "focusin"];
    function first() {
      events.forEach(function (e) { fig.removeEventListener(e, first); });
      enhance(fig);
    }
    events.forEach(function (e) { fig.addEventListener(e, first, { passive: true }); });
  });
})();
