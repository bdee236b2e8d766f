"""Search: the Pagefind index built with the site, its search page in headless Chromium (over
HTTP under a subpath, from disk, under a Content-Security-Policy, in Chinese) and the cache that
spares an unchanged index."""
from __future__ import annotations

import os
import re
import shutil
from urllib.parse import urlsplit

import pytest

from conftest import PagesLike, cli, copy_project, is_search_file, needs_browser, pages_server, tree

BASE_URL = "https://octo.github.io/dual-circulation/"
CSP_WASM = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"
CSP_NO_WASM = "default-src 'self'; script-src 'self'"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    os.environ["SOURCE_DATE_EPOCH"] = "1600000000"
    root = copy_project("report", tmp_path_factory.mktemp("search"))
    result = cli("build", root, "--base-url", BASE_URL)
    assert result.exit_code == 0, result.output
    return root / "site"


def test_every_page_has_a_search_box_and_the_site_its_index(built):
    pages = sorted(p.relative_to(built).as_posix() for p in built.glob("*.html"))
    for name in pages:
        html = (built / name).read_text()
        assert re.search(r'<input type="search"[^>]* name="q"', html), name
        assert re.search(r'<form [^>]*role="search" action="(/dual-circulation/)?search\.html" method="get"', html), name
    files = tree(built)
    index = sorted(n for n in files if n.startswith("pagefind/"))
    assert {"pagefind/pagefind.js", "pagefind/pagefind-worker.js", "pagefind/pagefind-entry.json",
            "pagefind/wasm.en-gb.pagefind"} <= set(index)  # the report is in British English
    assert any(n.startswith("pagefind/index/") for n in index) and any(n.startswith("pagefind/fragment/") for n in index)
    assert not [n for n in index if "-ui" in n or "playground" in n or "highlight" in n]  # only what the page uses
    assert b"window.factpressSearch=" in files["assets/search-data.js"]
    search = files["search.html"].decode()
    assert '<meta name="robots" content="noindex">' in search
    assert re.search(r'<script src="assets/search\.js\?v=[0-9a-f]+" data-index="pagefind/pagefind\.js" '
                     r'data-fallback="assets/search-data\.js" defer></script>', search)
    assert "search.html" not in files["sitemap.xml"].decode()


TRICKY_HTML = [
    '<main><h2 id="a">A &amp; B</h2><p>x<br />y</p><div class="chart-image"><svg><text>hidden</text></svg>'
    '<img src="i.png" />after the image</div><p>end</p></main>',
    "<main><p>one<!-- a comment --> two</p><h3 id='q'>Quoted</h3><p data-pagefind-ignore>gone</p>text</main>",
    '<main><script>if (a < b) { document.write("<p>") }</script><style>p > b {}</style><p>seen</p></main>',
    '<main><div class="chart-data"><div class="table-wrap"><table><tr><td>row</td></tr></table></div>'
    '<p>caption</p></div><p>a <b>stray < sign</b> and unquoted <a href=x>link</a></p></main>',
    '<main><H2 ID="Up">Upper</H2><p>text</P></span></div><p>after stray end tags</p><p>unclosed',
]


def test_sections_read_in_one_pass_are_those_of_the_html_parser(built):
    """The fallback's sections come from a fast reader of factpress's own markup; on every page of the
    report and on markup it does not read (which goes to Python's HTML parser) both give the same."""
    from factpress.site.search import document
    from factpress.site.search_text import sections

    pages = [p.read_bytes() for p in sorted(built.rglob("*.html"))]
    docs = [document(html).decode() for html in pages] + [html.decode() for html in pages] + TRICKY_HTML
    for doc in docs:
        assert sections(doc) == sections(doc, fast=False), doc[:200]
    from factpress.site.search_text import _fast_sections

    assert all(_fast_sections(document(html).decode()) is not None for html in pages)  # the fast reader read them
    assert [_fast_sections(doc) is None for doc in TRICKY_HTML[1:]] == [True, False, True, False]


def test_search_can_be_turned_off(mini):
    settings = mini / "content" / "report.yaml"
    settings.write_text(settings.read_text() + "search: false\n")
    assert cli("build", mini).exit_code == 0
    files = tree(mini / "site")
    assert not [n for n in files if is_search_file(n) or n in ("search.html", "assets/search.js")]
    assert b'type="search"' not in files["one.html"] and b'type="search"' not in files["404.html"]


def test_the_index_is_made_again_only_when_a_page_changed(mini):
    first = cli("build", mini, "-v")
    assert "search: index made" in first.output and re.search(r"search \d+\.\d\d s", first.output), first.output
    index = {n: d for n, d in tree(mini / "site").items() if is_search_file(n)}
    style = mini / "templates" / "base.html"  # the page around the text changes, the text does not
    style.parent.mkdir(exist_ok=True)
    style.write_text('{% extends "theme/base.html" %}{% block head %}<meta name="x" content="y">{% endblock %}\n')
    again = cli("build", mini, "-v")
    assert "search: index unchanged, from the cache" in again.output, again.output
    assert {n: d for n, d in tree(mini / "site").items() if is_search_file(n)} == index
    page = mini / "content" / "one.md"
    page.write_text(page.read_text() + "\nA sentence about Hefei.\n")
    edited = cli("build", mini, "-v")
    assert "search: index made" in edited.output
    assert "Hefei" in (mini / "site" / "assets" / "search-data.js").read_text()
    shutil.rmtree(mini / ".factpress-cache")  # the index from the cache is the one a fresh build makes
    kept = tree(mini / "site")
    shutil.rmtree(mini / "site")
    assert cli("build", mini).exit_code == 0
    assert tree(mini / "site") == kept


@pytest.mark.parametrize("program, message", [
    ("/nonexistent/pagefind", "content/report.yaml: error: search: the Pagefind program is not installed (pip install "
                              "'pagefind[extended]', which factpress depends on; or set 'search: false' in report.yaml)"),
    ("/bin/false", "content/report.yaml: error: search: Pagefind failed (exit status 1)"),
])
def test_a_missing_or_failing_pagefind_is_one_line_and_writes_nothing(mini, monkeypatch, program, message):
    assert cli("build", mini).exit_code == 0
    before = tree(mini / "site")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", program)
    page = mini / "content" / "one.md"
    page.write_text(page.read_text() + "\nNew text to index.\n")
    result = cli("build", mini)
    assert result.exit_code == 1
    assert result.output == f"{message}\nbuild failed: 1 problem; nothing was written\n"
    assert tree(mini / "site") == before
    assert not [p for p in mini.iterdir() if p.name.startswith(".site")]


# --- in the browser ---------------------------------------------------------------------------


def watched(context, host: str | None = None):
    """A page whose console errors, failed requests and requests to other hosts are collected."""
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"error: {e}"))
    # a request dropped because the page moved on is not a failure; an error status is
    page.on("requestfailed", lambda r: r.failure != "net::ERR_ABORTED" and page.problems.append(f"failed: {r.url}"))
    page.on("response", lambda r: r.status >= 400 and page.problems.append(f"{r.status}: {r.url}"))
    if host:
        page.on("request", lambda r: urlsplit(r.url).netloc not in (host, "") and not r.url.startswith("data:")
                and page.problems.append(f"other host: {r.url}"))
    return page


def results(page) -> list[tuple[str, str]]:
    return [(a.get_attribute("href"), a.inner_text()) for a in page.locator("#search-results a").all()]


@pytest.fixture(scope="module")
def served(built, tmp_path_factory):
    www = tmp_path_factory.mktemp("www")
    (www / "dual-circulation").symlink_to(built, target_is_directory=True)
    with pages_server(www) as url:
        yield f"{url}/dual-circulation/"


@needs_browser
@pytest.mark.browser
def test_search_from_any_page_finds_words_and_figures_and_follows_a_result(served, browser):
    """Under the page's own Content-Security-Policy (not bypassed), Pagefind answers."""
    from playwright.sync_api import expect
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = watched(context, urlsplit(served).netloc)
    page.goto(served + "overview.html")
    page.fill("#site-search-q", "Hefei")
    page.press("#site-search-q", "Enter")  # the header's plain form opens the search page
    page.wait_for_selector(".search-result")
    assert page.url == served + "search.html?q=Hefei"
    assert page.get_attribute("#search-results", "data-engine") == "pagefind"
    assert re.fullmatch(r"\d+ pages found for “Hefei”\.", page.inner_text("#search-status"))
    found = results(page)
    assert (f"/dual-circulation/opening-up.html", "Opening up") in found
    heading = next(href for href, text in found if text == "A computer maker working overtime")
    assert heading == "/dual-circulation/opening-up.html#a-computer-maker-working-overtime"
    assert "<mark>Hefei</mark>" in page.inner_html("#search-results")

    page.fill("#search-q", "1.47 trillion")  # a figure, as the site writes it; results follow the typing
    expect(page.locator("#search-status")).to_contain_text("1.47 trillion")
    first = page.locator(".search-result").first
    assert first.locator("> a").inner_text() == "Opening up"
    assert "<mark>1.47</mark> <mark>trillion</mark>" in first.inner_html()
    assert page.url.endswith("search.html?q=1.47%20trillion")

    page.fill("#search-q", "Hefei")
    expect(page.locator("#search-status")).to_contain_text("Hefei")
    page.click("text=A computer maker working overtime")
    page.wait_for_url(served + "opening-up.html#a-computer-maker-working-overtime")
    target = page.locator("#a-computer-maker-working-overtime")
    assert target.inner_text() == "A computer maker working overtime" and target.is_visible()
    assert page.evaluate("document.getElementById('a-computer-maker-working-overtime').getBoundingClientRect().top") < 200
    page.goto(served + "search.html?q=zzzqqq")
    expect(page.locator("#search-status")).to_have_text(re.compile(r"^No pages"))
    assert page.problems == []
    context.close()


@needs_browser
@pytest.mark.browser
def test_search_works_from_disk(built, browser):
    """Browsers refuse to fetch Pagefind's index from file:, so the page searches the text of
    assets/search-data.js instead: the same pages and headings, found without a request refused."""
    from playwright.sync_api import expect
    context = browser.new_context(viewport={"width": 390, "height": 800}, color_scheme="dark")
    page = watched(context)
    page.goto((built / "data.html").as_uri())
    page.fill("#site-search-q", "Hefei")
    page.press("#site-search-q", "Enter")
    page.wait_for_selector(".search-result")
    assert page.get_attribute("#search-results", "data-engine") == "text"
    found = results(page)
    assert ("opening-up.html#a-computer-maker-working-overtime", "A computer maker working overtime") in found
    page.fill("#search-q", "1.47 trillion")
    expect(page.locator("#search-status")).to_contain_text("1.47 trillion")
    assert page.locator(".search-result > a").first.inner_text() == "Opening up"
    assert "<mark>1.47</mark> <mark>trillion</mark>" in page.inner_html(".search-result")
    page.fill("#search-q", "Hefei")
    expect(page.locator("#search-status")).to_contain_text("Hefei")
    page.click("text=A computer maker working overtime")
    page.wait_for_url(re.compile(r".*/opening-up\.html#a-computer-maker-working-overtime$"))
    assert page.problems == []
    context.close()


@needs_browser
@pytest.mark.browser
def test_search_under_a_content_security_policy(built, browser, tmp_path):
    """Pagefind runs WebAssembly: with 'wasm-unsafe-eval' it answers; a policy sent with every
    response (so its worker has it too) but without it stops Pagefind, and the plain search answers."""
    www = tmp_path / "www"
    shutil.copytree(built, www / "r")
    page_html = (www / "r" / "search.html").read_text()
    (www / "r" / "search.html").write_text(page_html.replace(
        '<meta charset="utf-8">', f'<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="{CSP_WASM}">'))
    policy = {"value": ""}

    class WithPolicy(PagesLike):
        def end_headers(self):
            if policy["value"]:
                self.send_header("Content-Security-Policy", policy["value"])
            super().end_headers()

    with pages_server(www, WithPolicy) as url:
        engines = {}
        for header in ("", CSP_WASM, CSP_NO_WASM):
            policy["value"] = header
            page = watched(browser.new_context())
            page.goto(f"{url}/r/search.html?q=Hefei")
            page.wait_for_selector(".search-result")
            engines[header or "meta"] = page.get_attribute("#search-results", "data-engine")
            assert ("/r/opening-up.html", "Opening up") in results(page) or ("opening-up.html", "Opening up") in results(page)
            violations = [p for p in page.problems if "Content Security Policy" in p or "Content-Security-Policy" in p]
            if header != CSP_NO_WASM:
                assert page.problems == [], page.problems
            else:
                assert all("WebAssembly" in v or "WASM" in v or "wasm" in v for v in violations), violations
            page.context.close()
    print(f"search engine by policy: {engines}")
    assert engines == {"meta": "pagefind", CSP_WASM: "pagefind", CSP_NO_WASM: "text"}


@needs_browser
@pytest.mark.browser
def test_chinese_is_split_into_words(mini, browser, tmp_path):
    settings = mini / "content" / "report.yaml"
    settings.write_text(settings.read_text().replace("title: Test report", "title: 长三角报告\nlanguage: zh")
                        .replace("pages: [one]", "pages: [one, two]"))
    (mini / "content" / "two.md").write_text("---\ntitle: 对外开放\n---\n\n## 联宝科技\n\n"
                                             "联宝（合肥）电子科技有限公司的生产线十分繁忙。合肥工厂是联想最大的个人电脑研发和制造基地。\n")
    result = cli("build", mini)
    assert result.exit_code == 0, result.output
    assert b'"zh"' in (mini / "site" / "pagefind" / "pagefind-entry.json").read_bytes()
    www = tmp_path / "www"
    www.mkdir()
    (www / "r").symlink_to(mini / "site", target_is_directory=True)
    with pages_server(www) as url:
        page = watched(browser.new_context())
        for word in ("工厂", "联想", "合肥"):  # words in the middle of a sentence written without spaces
            page.goto(f"{url}/r/search.html?q={word}")
            page.wait_for_selector(".search-result")
            assert page.get_attribute("#search-results", "data-engine") == "pagefind"
            assert ("/r/two.html", "对外开放") in results(page), (word, results(page))
            assert f"<mark>{word}</mark>" in page.inner_html(".search-result")
        assert page.problems == []
