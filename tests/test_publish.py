"""Publishing output: files a static host and search engines read, links that work under any path."""
from __future__ import annotations

import json
import re
import struct

import pytest

from conftest import cli, tree

HREF = re.compile(r'\s(?:href|src)="([^"]*)"')


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import copy_project
    import os
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1600000000")
    root = copy_project("report", tmp_path_factory.mktemp("pub"))
    result = cli("build", root)
    assert result.exit_code == 0, result.output
    return root / "site"


def pages(site):
    return sorted(p for p in site.glob("*.html") if p.name != "404.html")


def test_host_files(built):
    assert (built / ".nojekyll").read_bytes() == b""
    robots = (built / "robots.txt").read_text()
    assert "Sitemap: https://example.github.io/factpress/sitemap.xml" in robots
    locs = re.findall(r"<loc>([^<]+)</loc>", (built / "sitemap.xml").read_text())
    assert locs[0] == "https://example.github.io/factpress/"
    assert {loc.rsplit("/", 1)[1] for loc in locs[1:]} == {p.name for p in pages(built)} - {"index.html"}
    assert not (built / "CNAME").exists()  # the report names no domain
    assert (built / "favicon.svg").read_text().startswith("<svg")


def test_social_image_is_a_1200x630_png(built):
    data = (built / "assets" / "social.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1200, 630)


def test_internal_links_are_relative(built):
    for page in pages(built):
        for url in HREF.findall(page.read_text()):
            assert not url.startswith("/"), f"{page.name}: root-absolute link {url}"
            if url.startswith("http"):
                assert page.name in ("sources.html",) or "example.github.io/factpress/" in url, (page.name, url)


def test_404_links_are_absolute_from_the_base_path(built):
    html = (built / "404.html").read_text()
    urls = HREF.findall(html)
    assert urls and all(u.startswith("/factpress/") for u in urls), urls
    assert "<style>" in html and 'rel="stylesheet"' not in html


def test_head_metadata_and_json_ld(built):
    home = (built / "index.html").read_text()
    assert '<link rel="canonical" href="https://example.github.io/factpress/">' in home
    assert 'property="og:image" content="https://example.github.io/factpress/assets/social.png"' in home
    assert 'name="twitter:card" content="summary_large_image"' in home
    for page in pages(built):
        text = page.read_text()
        data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S).group(1))
        items = data if isinstance(data, list) else [data]
        assert items[0]["@type"] == "Report" and items[0]["datePublished"] == "2020-09-05"
        if page.name == "data.html":
            dataset = items[1]
            assert dataset["@type"] == "Dataset"
            assert [d["contentUrl"] for d in dataset["distribution"]] == [
                "https://example.github.io/factpress/facts.csv", "https://example.github.io/factpress/facts.json"]


def test_domain_writes_cname_and_builds_are_identical(mini):
    settings = mini / "content" / "report.yaml"
    text = settings.read_text().replace("base_url: https://x.github.io/r/", "base_url: https://report.example.org/")
    settings.write_text(text + "domain: report.example.org\n")
    assert cli("build", mini).exit_code == 0
    first = tree(mini / "site")
    assert first["CNAME"] == b"report.example.org\n"
    assert b"/sources.html" in first["404.html"]
    (mini / "site" / "assets" / "social.png").unlink()
    assert cli("build", mini).exit_code == 0
    assert tree(mini / "site") == first


def test_new_project_has_the_pages_workflow_and_builds(tmp_path):
    project = tmp_path / "report"
    assert cli("new", project).exit_code == 0
    workflow = (project / ".github" / "workflows" / "pages.yml").read_text()
    for action in ("actions/configure-pages@", "actions/upload-pages-artifact@", "actions/deploy-pages@"):
        assert action in workflow
    assert "factpress build" in workflow
    result = cli("build", project)
    assert result.exit_code == 0, result.output
    site = tree(project / "site")
    assert {"index.html", "findings.html", "404.html", "sitemap.xml", ".nojekyll"} <= set(site)
    assert b"<figure" in site["findings.html"] or b"<svg" in site["findings.html"]


def test_repository_workflow_uses_the_readme_build():
    from conftest import ROOT
    workflow = (ROOT / ".github" / "workflows" / "pages.yml").read_text()
    assert "pip install -e . && factpress build" in workflow
    assert "path: site" in workflow


def test_every_page_carries_the_content_security_policy(built):
    """Scripts only from the site itself, on every HTML file, before anything the page loads."""
    pages = sorted(built.rglob("*.html"))
    assert len(pages) >= 6
    for page in pages:
        html = page.read_text("utf-8")
        head = html[:html.index("</head>")]
        meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', head)
        assert meta, page.name
        policy = meta.group(1).replace("&#39;", "'")
        assert "script-src 'self' 'wasm-unsafe-eval';" in policy and "object-src 'none'" in policy
        assert "unsafe-eval'" not in policy.replace("'wasm-unsafe-eval'", ""), page.name
        assert head.index("Content-Security-Policy") < min(i for i in (head.find("<link"), head.find("<script"), len(head))
                                                            if i >= 0), page.name
