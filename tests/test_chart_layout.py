"""Charts as readers see them, measured in Chromium: at a phone's and a desktop's width, in the light
and the dark theme, every chart's text is readable (10 CSS px or more), stays inside its image,
overlaps no other text, and is set in the typeface the page loaded and the SVG names."""
from __future__ import annotations

import functools
import http.server
import re
import threading
from pathlib import Path

import pytest

from conftest import ROOT, cli, copy_project

MEASURE = """() => {
  const out = [];
  for (const fig of document.querySelectorAll("figure.chart")) {
    const image = [...fig.querySelectorAll(".chart-image")].find(e => getComputedStyle(e).display !== "none");
    if (!image) { out.push({id: fig.id, missing: true}); continue; }
    const svg = image.querySelector("svg");
    const box = svg.getBoundingClientRect();
    const scale = box.width / (svg.viewBox.baseVal.width || box.width);
    const texts = [];
    for (const t of svg.querySelectorAll("text")) {
      const style = getComputedStyle(t);
      if (style.display === "none" || style.visibility === "hidden" || parseFloat(style.opacity) === 0) continue;
      let hidden = false;
      for (let e = t; e && e !== svg; e = e.parentElement) if (e.getAttribute("opacity") === "0") hidden = true;
      const r = t.getBoundingClientRect();
      if (hidden || r.width === 0 || !t.textContent.trim()) continue;
      texts.push({text: t.textContent, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom,
                  px: parseFloat(style.fontSize) * scale, family: style.fontFamily});
    }
    out.push({id: fig.id, layout: image.dataset.layout, width: box.width,
              svg: {x0: box.left, y0: box.top, x1: box.right, y1: box.bottom}, texts});
  }
  return out;
}"""


def problems(chart: dict) -> list[str]:
    out, svg, texts = [], chart["svg"], chart["texts"]
    for t in texts:
        if t["px"] < 10 - 0.01:
            out.append(f"'{t['text']}' is {t['px']:.1f} px")
        if t["x0"] < svg["x0"] - 1 or t["x1"] > svg["x1"] + 1 or t["y0"] < svg["y0"] - 1 or t["y1"] > svg["y1"] + 1:
            out.append(f"'{t['text']}' leaves the chart")
        if not t["family"].startswith("Inter"):
            out.append(f"'{t['text']}' is set in {t['family']}")
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            w = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            h = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
            if w > 1 and h > 1:
                out.append(f"'{a['text']}' overlaps '{b['text']}'")
    return out


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module", params=["report", "example"])
def built(request, tmp_path_factory):
    """The first report and the example report, built and served."""
    base = tmp_path_factory.mktemp(request.param)
    if request.param == "report":
        project = copy_project("report", base)
    else:
        examples = sorted(p.parent.parent for p in (ROOT / "examples").glob("*/content/report.yaml"))
        if not examples:
            pytest.skip("no example report")
        import shutil

        project = base / examples[0].name
        shutil.copytree(examples[0], project, ignore=shutil.ignore_patterns("site", ".factpress-cache"))
    result = cli("build", project, "-q")
    assert result.exit_code == 0, result.output
    site = project / "site"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield site, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()



@pytest.mark.browser
@pytest.mark.slow
def test_chart_text_is_readable_inside_and_apart_at_every_width(built, browser):
    site, url = built
    pages = sorted(p.name for p in site.glob("*.html") if 'class="chart"' in p.read_text())
    assert pages, "no page shows a chart"
    measured, found = 0, []
    for width in (390, 1280):
        for scheme in ("light", "dark"):
            context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
            page = context.new_page()
            for name in pages:
                page.goto(f"{url}/{name}")
                page.evaluate("document.fonts.ready.then(() => true)")
                assert page.evaluate("document.fonts.check('12px Inter')"), "Inter is not loaded"
                loaded = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
                assert "Inter" in [re.sub(r'"', "", f) for f in loaded], loaded
                for chart in page.evaluate(MEASURE):
                    assert not chart.get("missing"), f"{name} {chart['id']}: no layout shown at {width} px"
                    if width == 390:
                        assert chart["layout"] == "narrow", (name, chart["id"])
                    else:
                        assert chart["layout"] == "wide", (name, chart["id"])
                    assert chart["width"] <= width, (name, chart["id"], chart["width"])
                    measured += len(chart["texts"])
                    found += [f"{name} {chart['id']} {width}px {scheme}: {p}" for p in problems(chart)]
            context.close()
    print(f"{measured} text boxes measured on {len(pages)} pages")
    assert found == []
