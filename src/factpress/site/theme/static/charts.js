/* Charts, enhanced. Without JavaScript every chart is a static SVG (the layout that fits, chosen
   by CSS) with its table, downloads, embed code and citation in <details> below it. With it:
   - the panels become tabs (Chart, Table, Download, Embed, Cite), keyboard-usable as the ARIA
     tabs pattern describes (arrow keys, Home, End);
   - copy buttons for the embed code and the citation; the citation's access date is today's;
   - a chart turns interactive (tooltips) with the site's own copy of vega-embed when the reader
     first points at it, touches it or tabs to it, so loading a page costs neither the bundle's
     download nor any chart drawing. The bundle's address is this script's data-vega attribute;
     data-locale, when the report's language is not American English, names a script with the
     number and time locales the static charts were drawn with, loaded with the bundle. */
(function () {
  "use strict";
  var me = document.currentScript;
  var bundle = me && me.getAttribute("data-vega");
  var localeScript = me && me.getAttribute("data-locale");
  var loading = null;
  var lang = document.documentElement.lang || undefined;

  function load(src, ready) {
    return new Promise(function (resolve, reject) {
      if (ready()) { resolve(); return; }
      if (!src) { reject(new Error("no script")); return; }
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }

  function vega() {
    if (!loading) {
      var wanted = [load(bundle, function () { return typeof window.vegaEmbed === "function"; })];
      if (localeScript) wanted.push(load(localeScript, function () { return !!window.factpressChartLocale; }));
      loading = Promise.all(wanted);
    }
    return loading;
  }

  function shown(el) { return el && getComputedStyle(el).display !== "none"; }

  function draw(fig) {
    var images = fig.querySelectorAll(".chart-image:not(.chart-live)");
    var still = null;
    images.forEach(function (img) { if (!still && shown(img)) still = img; });
    if (!still || typeof window.vegaEmbed !== "function") return;
    var layout = still.getAttribute("data-layout");
    var data = fig.querySelector('script.chart-spec[data-layout="' + layout + '"]');
    if (!data) return;
    var live = document.createElement("div");
    live.className = still.className + " chart-live";
    live.setAttribute("data-layout", layout);
    still.parentNode.insertBefore(live, still.nextSibling);
    /* ast: Vega's interpreter of expressions (bundled with vega-embed) instead of code compiled
       with new Function, which the pages' Content-Security-Policy does not allow. */
    var options = { actions: false, renderer: "svg", mode: "vega-lite", ast: true };
    var locale = window.factpressChartLocale;
    if (locale) {
      options.formatLocale = locale.number;
      options.timeFormatLocale = locale.time;
    }
    window.vegaEmbed(live, JSON.parse(data.textContent), options)
      .then(function () {
        var svg = live.querySelector("svg");
        var name = still.querySelector("svg > title"), desc = still.querySelector("svg > desc");
        if (svg) {
          /* The live chart takes over the static one's accessible name and description. */
          if (desc) svg.insertBefore(desc, svg.firstChild);
          if (name) svg.insertBefore(name, svg.firstChild);
          svg.setAttribute("role", "img");
          if (name) svg.setAttribute("aria-labelledby", name.id);
          if (desc) svg.setAttribute("aria-describedby", desc.id);
        }
        still.remove();
        fig.classList.add("chart-interactive");
      })
      .catch(function () { live.remove(); });
  }

  /* A site built without base_url does not know its own address: its embed codes name the chart
     page by its path from the top of the site, and its citations give none. Read over http(s),
     the page knows where it is, so both get the full address here. */
  function locate(fig) {
    if (!/^https?:$/.test(location.protocol) || !bundle) return;
    var id = fig.id.replace(/^chart-/, "");
    var page = new URL("charts/" + id + ".html", new URL("..", new URL(bundle, location.href))).href;
    var code = fig.querySelector("textarea.chart-code");
    if (code && code.value.indexOf('src="charts/' + id + '.html"') >= 0) {
      code.value = code.value.replace('src="charts/' + id + '.html"', 'src="' + page + '"');
    }
    var cite = fig.querySelector(".chart-citation");
    if (cite && cite.textContent.indexOf("://") < 0) {
      var when = document.createElement("span");
      when.className = "chart-accessed";
      cite.appendChild(document.createTextNode(" Retrieved "));
      cite.appendChild(when);
      cite.appendChild(document.createTextNode(", from " + page));
    }
  }

  function interactive(fig) {
    var frame = fig.querySelector(".chart-frame");
    if (!frame) return;
    var events = ["pointerenter", "touchstart", "focusin"];
    function first() {
      events.forEach(function (e) { frame.removeEventListener(e, first); });
      vega().then(function () { draw(fig); }, function () {});
    }
    events.forEach(function (e) { frame.addEventListener(e, first, { passive: true }); });
  }

  var serial = 0;
  function tabs(fig) {
    var box = fig.querySelector(".chart-panels");
    if (!box) return;
    var panels = [];
    Array.prototype.forEach.call(box.children, function (child) {
      if (!child.hasAttribute("data-tab")) return;
      var panel = child;
      if (child.tagName === "DETAILS") {
        panel = document.createElement("div");
        panel.id = child.id;
        panel.className = child.className;
        panel.setAttribute("data-tab", child.getAttribute("data-tab"));
        Array.prototype.slice.call(child.childNodes).forEach(function (node) {
          if (node.nodeName !== "SUMMARY") panel.appendChild(node);
        });
        child.replaceWith(panel);
      }
      panels.push(panel);
    });
    if (panels.length < 2) return;
    var list = document.createElement("div");
    list.className = "chart-tabs";
    list.setAttribute("role", "tablist");
    var title = fig.querySelector(".chart-title");
    list.setAttribute("aria-label", (title ? title.textContent + ": " : "") + "views");
    var buttons = panels.map(function (panel, i) {
      var b = document.createElement("button");
      b.type = "button";
      b.id = "tab-" + (++serial) + "-" + panel.id;
      b.textContent = panel.getAttribute("data-tab");
      b.setAttribute("role", "tab");
      b.setAttribute("aria-controls", panel.id);
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", b.id);
      if (i > 0) panel.tabIndex = 0;
      list.appendChild(b);
      b.addEventListener("click", function () { select(i, false); });
      return b;
    });
    function select(i, focus) {
      buttons.forEach(function (b, j) {
        b.setAttribute("aria-selected", i === j ? "true" : "false");
        b.tabIndex = i === j ? 0 : -1;
        panels[j].hidden = i !== j;
      });
      if (focus) buttons[i].focus();
    }
    list.addEventListener("keydown", function (e) {
      var i = buttons.indexOf(document.activeElement), n = buttons.length;
      if (i < 0) return;
      var next = { ArrowRight: (i + 1) % n, ArrowLeft: (i + n - 1) % n, Home: 0, End: n - 1 }[e.key];
      if (next === undefined) return;
      e.preventDefault();
      select(next, true);
    });
    box.insertBefore(list, box.firstChild);
    select(0, false);
  }

  function copying(fig) {
    fig.querySelectorAll("button.chart-copy").forEach(function (b) {
      var target = document.getElementById(b.getAttribute("data-copy"));
      if (!target) return;
      var label = b.textContent;
      b.hidden = false;
      b.addEventListener("click", function () {
        var text = "value" in target ? target.value : target.textContent;
        function done() { b.textContent = "Copied"; setTimeout(function () { b.textContent = label; }, 2000); }
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () {});
        } else if (target.select) {
          target.select();
          try { if (document.execCommand("copy")) done(); } catch (err) { /* the text stays selected to copy by hand */ }
        }
      });
    });
    var today = new Date().toLocaleDateString(lang, { day: "numeric", month: "long", year: "numeric" });
    fig.querySelectorAll(".chart-accessed").forEach(function (s) { s.textContent = today; });
  }

  document.querySelectorAll("figure.chart").forEach(function (fig) {
    locate(fig);
    tabs(fig);
    copying(fig);
    interactive(fig);
  });
})();
