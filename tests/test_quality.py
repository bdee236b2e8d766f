"""Quality of the built first report, checked by real tools: the Nu Html Checker, axe-core in
headless Chromium (light and dark), a link crawl under a subpath, request isolation, page
weight and Lighthouse."""
from __future__ import annotations

import functools
import gzip
import http.server
import io
import json
import os
import re
import shutil
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import cli, copy_project

TOOLS = Path(__file__).resolve().parent / "tools" / "node_modules"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = TOOLS / "axe-core" / "axe.min.js"
LIGHTHOUSE = TOOLS / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
SUBPATH = "some-repo"  # any subpath: relative links must not care
BASE_PATH = "factpress"  # the report's base_url path, which the 404 page links from
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ATTR_URL = re.compile(r'\s(?:href|src)="([^"]*)"')

needs_tools = pytest.mark.skipif(not VNU.exists() or not AXE.exists(), reason="npm tools missing: run scripts/test.sh")
needs_browser = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium missing")


class PagesLike(http.server.SimpleHTTPRequestHandler):
    """Static files compressed with gzip when the browser accepts it, as GitHub Pages serves them."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = self.translate_path(self.path)
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not os.path.isfile(path):
            return super().send_head()
        with open(path, "rb") as f:
            body = gzip.compress(f.read(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return io.BytesIO(body)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    os.environ["SOURCE_DATE_EPOCH"] = "1600000000"
    root = copy_project("report", tmp_path_factory.mktemp("quality"))
    result = cli("build", root)
    assert result.exit_code == 0, result.output
    return root / "site"


@pytest.fixture(scope="module")
def server(site, tmp_path_factory):
    """The site served over HTTP under two subpaths, as on a GitHub Pages project site."""
    www = tmp_path_factory.mktemp("www")
    for name in (SUBPATH, BASE_PATH):
        (www / name).symlink_to(site, target_is_directory=True)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(PagesLike, directory=str(www)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def html_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


@needs_tools
def test_nu_html_checker_finds_no_errors(site):
    files = [str(site / name) for name in html_pages(site)]
    run = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    errors = [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}" for m in messages]
    print(f"vnu: {len(files)} pages, {len(errors)} errors")
    assert errors == []


def fetch(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_every_internal_link_resolves_under_a_subpath(site, server):
    checked, broken = set(), []
    for name in html_pages(site):
        folder = BASE_PATH if name == "404.html" else SUBPATH
        page_url = f"{server}/{folder}/{name}"
        for ref in ATTR_URL.findall((site / name).read_text()):
            url = urllib.parse.urljoin(page_url, ref.replace("&amp;", "&")).split("#")[0]
            if not url.startswith(server) or url in checked:
                continue
            checked.add(url)
            if fetch(url) != 200:
                broken.append(f"{name}: {ref}")
    print(f"links: {len(checked)} distinct internal URLs checked, {len(broken)} broken")
    assert checked and broken == []


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@needs_tools
@needs_browser
@pytest.mark.browser
@pytest.mark.slow
def test_axe_finds_no_violations_and_nothing_leaves_the_host(site, server, browser):
    axe = AXE.read_text()
    host = urllib.parse.urlsplit(server).netloc
    outside, violations, weights, bundles, fonts = [], {}, {}, {}, {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        for name in html_pages(site):
            page = context.new_page()
            sizes: dict[str, int] = {}

            def route(r, name=name):
                if urllib.parse.urlsplit(r.request.url).netloc != host and not r.request.url.startswith("data:"):
                    outside.append(f"{name}: {r.request.url}")
                    return r.abort()
                return r.continue_()

            page.route("**/*", route)
            page.on("response", lambda resp, sizes=sizes: sizes.__setitem__(resp.url, len(resp.body() or b"")))
            page.goto(f"{server}/{SUBPATH}/{name}", wait_until="networkidle")
            page.add_script_tag(content=axe)
            result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
            violations[(scheme, name)] = [f"{v['id']}: {v['nodes'][0]['target']} {v['help']}" for v in result["violations"]]
            weights[name] = sum(n for url, n in sizes.items() if "vega" not in url and ".woff2" not in url)
            fonts[name] = sum(n for url, n in sizes.items() if ".woff2" in url)
            bundles[name] = [url for url in sizes if "vega" in url]
            page.close()
        context.close()
    for scheme in ("light", "dark"):
        count = sum(len(v) for (s, _), v in violations.items() if s == scheme)
        print(f"axe {scheme}: {count} violations on {len(html_pages(site))} pages")
    print(f"pages with the chart bundle: {sorted(n for n, urls in bundles.items() if urls)}")
    print(f"requests outside the host: {len(outside)}; home page {weights['index.html'] / 1024:.1f} KB without the chart "
          f"bundle and fonts, {fonts['index.html'] / 1024:.1f} KB of fonts")
    assert outside == []
    assert {k: v for k, v in violations.items() if v} == {}
    assert weights["index.html"] < 60 * 1024
    assert fonts["index.html"] < 100 * 1024  # the Latin core of the faces the page uses
    for name, urls in bundles.items():
        has_chart = 'class="chart' in (site / name).read_text() or "<figure" in (site / name).read_text()
        assert has_chart or not urls, f"{name} loads the chart bundle without a chart: {urls}"


def test_css_is_one_small_file_and_the_fonts_are_the_sites_own(site):
    """One stylesheet; the typeface is the bundled one, served from the site, subset per script."""
    css = sorted((site / "assets").glob("*.css"))
    home = (site / "index.html").read_text()
    assert len(re.findall(r'rel="stylesheet"', home)) == 1
    style = (site / "assets" / "style.css").read_text()
    assert len(style.encode()) < 24 * 1024
    faces = re.findall(r"@font-face \{[^}]*\}", style)
    assert len(faces) == 8 and all("font-family: Inter;" in f and "unicode-range:" in f for f in faces)
    for url in re.findall(r'url\("([^"]+)"\)', style):
        path = site / "assets" / url
        assert path.is_file() and path.read_bytes()[:4] == b"wOF2", url
        assert path.stat().st_size < 120 * 1024, url
    assert re.search(r"body \{[^}]*font: [^;]*Inter", style)
    assert not list(site.rglob("*.ttf")) and not list(site.rglob("*.otf"))


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not LIGHTHOUSE.exists() or not shutil.which("node"), reason="lighthouse missing")
@pytest.mark.parametrize("name", ["index.html", "overview.html", "charts/trade-growth.html"])
def test_lighthouse_scores(site, server, name, tmp_path):
    report = tmp_path / "lh.json"
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    run = subprocess.run([str(LIGHTHOUSE), f"{server}/{SUBPATH}/{name}", "--quiet", "--output=json",
                          f"--output-path={report}", "--chrome-flags=--headless=new --no-sandbox",
                          "--only-categories=performance,accessibility,best-practices,seo"],
                         env=env, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-2000:]
    data = json.loads(report.read_text())
    scores = {k: c["score"] for k, c in data["categories"].items()}
    print(f"lighthouse {name}: {scores}")
    failing = {k: [a["id"] for a in data["audits"].values() if a.get("score") is not None and a["score"] < 1
                   and a.get("scoreDisplayMode") == "binary"] for k, s in scores.items() if s < 0.95}
    assert all(s >= 0.95 for s in scores.values()), (scores, failing)
