// factpress preview: reload this page when a new build is ready, and show build errors over it.
// `factpress serve` adds this script to the HTML it serves; a built site never contains it.
// Styles are set through the DOM, not inline markup, so a page's Content-Security-Policy lets them through.
(function () {
  "use strict";
  var script = document.currentScript;
  var epoch = script.dataset.epoch;
  var events = new EventSource(script.dataset.events);

  events.addEventListener("build", function (event) {
    var state = JSON.parse(event.data);
    if (state.epoch !== epoch) {
      events.close();
      location.reload();
      return;
    }
    showErrors(state.errors, state.site);
  });

  function showErrors(errors, site) {
    var box = document.getElementById("factpress-errors");
    if (!errors.length) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement("section");
      box.id = "factpress-errors";
      document.body.appendChild(box);
    }
    box.setAttribute("role", "alert");
    box.setAttribute("aria-label", "Build errors");
    Object.assign(box.style, {
      position: "fixed", left: "0", right: "0", bottom: "0", zIndex: "2147483647",
      maxHeight: "50vh", overflow: "auto", margin: "0", padding: "0.75em 1.25em",
      background: "#7f1d1d", color: "#fff", textAlign: "left",
      font: "14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
      boxShadow: "0 -4px 16px rgba(0, 0, 0, 0.4)"
    });
    var title = document.createElement("p");
    title.style.margin = "0 0 0.5em";
    title.style.fontWeight = "bold";
    title.textContent = "Build failed (" + errors.length + " problem" + (errors.length === 1 ? "" : "s") + "). " +
      (site ? "Below is the last good build; " : "There is no good build yet; ") +
      "this page reloads by itself once the problems are fixed.";
    var list = document.createElement("ul");
    list.style.margin = "0";
    list.style.paddingLeft = "1.25em";
    errors.forEach(function (line) {
      var item = document.createElement("li");
      item.style.whiteSpace = "pre-wrap";
      item.textContent = line;
      list.appendChild(item);
    });
    box.replaceChildren(title, list);
  }
})();
