"""Publishing output: files a static host and search engines read, links that work under any path."""
from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import pytest

from conftest import ROOT, cli, tree

HREF = re.compile(r'\s(?:href|src)="([^"]*)"')


BASE = "https://octo.github.io/dual-circulation/"


def _build(tmp_path_factory, name, *args):
    from conftest import copy_project
    import os
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1600000000")
    root = copy_project("report", tmp_path_factory.mktemp(name))
    result = cli("build", root, *args)
    assert result.exit_code == 0, result.output
    return root / "site"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The first report as it stands: report.yaml names no base_url."""
    return _build(tmp_path_factory, "pub")


@pytest.fixture(scope="module")
def built_at(tmp_path_factory):
    """The first report built for its published address, as the Pages workflow builds it."""
    return _build(tmp_path_factory, "pub-at", "--base-url", BASE.rstrip("/"))


def pages(site):
    return sorted(p for p in site.glob("*.html") if p.name not in ("404.html", "search.html"))


def test_host_files(built_at):
    assert (built_at / ".nojekyll").read_bytes() == b""
    robots = (built_at / "robots.txt").read_text()
    assert f"Sitemap: {BASE}sitemap.xml" in robots
    locs = re.findall(r"<loc>([^<]+)</loc>", (built_at / "sitemap.xml").read_text())
    assert locs[0] == BASE
    assert {loc.rsplit("/", 1)[1] for loc in locs[1:]} == {p.name for p in pages(built_at)} - {"index.html"}
    assert not (built_at / "CNAME").exists()  # the report names no domain
    assert (built_at / "favicon.svg").read_text().startswith("<svg")


def test_social_image_is_a_1200x630_png(built):
    data = (built / "assets" / "social.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1200, 630)


@pytest.mark.parametrize("which", ["built", "built_at"])
def test_internal_links_are_relative(which, request):
    site = request.getfixturevalue(which)
    for page in pages(site) + sorted((site / "charts").glob("*.html")):
        for url in HREF.findall(page.read_text()):
            assert not url.startswith("/"), f"{page.name}: root-absolute link {url}"
            if url.startswith("http"):
                assert page.name == "sources.html" or url.startswith(BASE), (page.name, url)


def test_404_links_are_absolute_from_the_base_path(built_at):
    html = (built_at / "404.html").read_text()
    urls = HREF.findall(html) + re.findall(r'action="([^"]*)"', html)
    assert len(urls) >= 5 and all(u.startswith("/dual-circulation/") for u in urls), urls
    assert '<link rel="icon" href="/dual-circulation/favicon.svg"' in html
    assert "<style>" in html and 'rel="stylesheet"' not in html


def test_without_base_url_404_links_are_relative(built):
    html = (built / "404.html").read_text()
    urls = HREF.findall(html)
    assert urls and all(not u.startswith(("/", "http")) for u in urls), urls
    assert "example" not in html


def test_every_full_url_comes_from_the_base_url(built_at):
    home = (built_at / "index.html").read_text()
    assert f'<link rel="canonical" href="{BASE}">' in home
    assert f'property="og:url" content="{BASE}"' in home
    assert f'property="og:image" content="{BASE}assets/social.png"' in home
    assert 'name="twitter:card" content="summary_large_image"' in home
    overview = (built_at / "overview.html").read_text()
    assert f'<link rel="canonical" href="{BASE}overview.html">' in overview
    chart_page = next(p for p in pages(built_at) if "chart-code" in p.read_text()).read_text()
    chart_id = re.search(r'id="chart-([a-z0-9-]+)-embed-code"', chart_page).group(1)
    assert f'src=&#34;{BASE}charts/{chart_id}.html&#34;' in chart_page or f"src=&quot;{BASE}charts/{chart_id}.html" in chart_page
    assert re.search(rf'class="chart-citation"[^>]*>[^<]*Retrieved <span class="chart-accessed">[^<]*</span>, from '
                     rf'{re.escape(BASE)}charts/{chart_id}\.html</p>', chart_page)
    for page in pages(built_at):
        text = page.read_text()
        data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S).group(1))
        items = data if isinstance(data, list) else [data]
        assert items[0]["@type"] == "Report" and items[0]["datePublished"] == "2026-12-01"  # the report's own date, not its source's
        assert items[0]["url"].startswith(BASE) and items[0]["image"] == f"{BASE}assets/social.png"
        if page.name == "data.html":
            assert [d["contentUrl"] for d in items[1]["distribution"]] == [f"{BASE}facts.csv", f"{BASE}facts.json"]
    site_text = b"".join(data for name, data in tree(built_at).items() if not name.startswith("pagefind/"))
    assert b"example.github.io" not in site_text


def test_without_base_url_no_full_url_is_made_up(built):
    """No canonical link, Open Graph address or sitemap rather than a wrong one; the embed code
    names the chart page by its path and the citation gives no address (charts.js adds it)."""
    assert not (built / "sitemap.xml").exists()
    assert "Sitemap" not in (built / "robots.txt").read_text()
    for page in pages(built):
        text = page.read_text()
        assert 'rel="canonical"' not in text and 'property="og:url"' not in text and 'property="og:image"' not in text
        assert "https://octo" not in text and "example.github.io" not in text
        data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S).group(1))
        assert "url" not in (data if isinstance(data, dict) else data[0])
    chart_page = next(p for p in pages(built) if "chart-code" in p.read_text()).read_text()
    assert re.search(r'src=(&#34;|&quot;)charts/[a-z0-9-]+\.html', chart_page)
    assert re.search(r'class="chart-citation"[^>]*>[^<]*\[Chart\]\. In [^<]*\.</p>', chart_page)


def test_base_url_from_the_environment_and_over_report_yaml(mini, monkeypatch):
    assert cli("build", mini).exit_code == 0
    assert b'href="https://x.github.io/r/"' in (mini / "site" / "index.html").read_bytes()
    monkeypatch.setenv("FACTPRESS_BASE_URL", "https://octo.github.io/r2")
    result = cli("build", mini)
    assert result.exit_code == 0 and "up to date" not in result.output, result.output
    home = (mini / "site" / "index.html").read_text()
    assert '<link rel="canonical" href="https://octo.github.io/r2/">' in home
    assert 'href="/r2/sources.html"' in (mini / "site" / "404.html").read_text()
    result = cli("build", mini, "--base-url", "https://report.org/")  # the option wins over the variable
    assert result.exit_code == 0, result.output
    assert '<link rel="canonical" href="https://report.org/">' in (mini / "site" / "index.html").read_text()
    assert 'href="/sources.html"' in (mini / "site" / "404.html").read_text()


@pytest.mark.parametrize("origin", ["--base-url", "FACTPRESS_BASE_URL"])
def test_a_bad_base_url_given_for_a_build_is_one_line(mini, monkeypatch, origin):
    args = ["build", mini]
    if origin == "--base-url":
        args += ["--base-url", "octo.github.io/r"]
    else:
        monkeypatch.setenv(origin, "octo.github.io/r")
    before = tree(mini)
    result = cli(*args)
    assert result.exit_code == 1
    assert result.output == f"{origin}: error: base_url must be an absolute http(s) URL, not 'octo.github.io/r'\n"
    assert tree(mini) == before


def _set_base_url(mini, line):
    settings = mini / "content" / "report.yaml"
    text = settings.read_text().replace("base_url: https://x.github.io/r/\n", line)
    settings.write_text(text)


@pytest.mark.parametrize("url", ["https://example.github.io/r/", "https://example.com/", "http://localhost:8000/",
                                 "http://127.0.0.1/r/", "https://report.example.org/"])
def test_check_warns_on_a_placeholder_base_url_and_strict_fails(mini, url):
    _set_base_url(mini, f"base_url: {url}\n")
    result = cli("check", mini)
    assert result.exit_code == 0, result.output
    assert f"content/report.yaml:3:11: warning: base_url '{url}' is a placeholder address" in result.output
    assert cli("check", mini, "--strict").exit_code == 1
    assert cli("check", mini, "--strict", "--base-url", "https://octo.github.io/r/").exit_code == 0


def test_check_warns_on_a_missing_base_url_and_strict_fails(mini):
    _set_base_url(mini, "")
    result = cli("check", mini)
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == (
        "content/report.yaml: warning: no base_url: the site gets no canonical links, link previews or sitemap, embed "
        "codes and citations give no full address, and 404.html works only at the top of the site (set base_url, or "
        "pass --base-url URL or FACTPRESS_BASE_URL; the GitHub Pages workflow passes the address of the site)")
    strict = cli("check", mini, "--strict")
    assert strict.exit_code == 1 and "check failed: 1 problem" in strict.output
    assert cli("check", mini, "--strict", "--base-url", "https://octo.github.io/r/").exit_code == 0
    placeholder = cli("check", mini, "--strict", "--base-url", "http://localhost:8000/")
    assert placeholder.exit_code == 1
    assert "--base-url: warning: base_url 'http://localhost:8000/' is a placeholder address (localhost)" in placeholder.output
    built = cli("build", mini)  # a build without one is fine: a local build need not know where it goes
    assert built.exit_code == 0 and "warning" not in built.output, built.output


def test_domain_writes_cname_and_builds_are_identical(mini):
    settings = mini / "content" / "report.yaml"
    text = settings.read_text().replace("base_url: https://x.github.io/r/", "base_url: https://report.example.org/")
    settings.write_text(text + "domain: report.example.org\n")
    assert cli("build", mini).exit_code == 0
    first = tree(mini / "site")
    assert first["CNAME"] == b"report.example.org\n"
    assert b'href="/sources.html"' in first["404.html"]
    (mini / "site" / "assets" / "social.png").unlink()
    assert cli("build", mini).exit_code == 0
    assert tree(mini / "site") == first


WORKFLOWS = {"repository": ROOT / ".github" / "workflows" / "pages.yml",
             "scaffold": ROOT / "src" / "factpress" / "scaffold" / ".github" / "workflows" / "pages.yml"}
PINNED = re.compile(r"^\s+(?:- )?uses: ([\w.-]+/[\w.-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+$", re.M)


def _steps_in_order(workflow: str, *needles: str) -> None:
    at = [workflow.index(n) for n in needles]
    assert at == sorted(at), needles


def test_new_project_has_the_pages_workflow_and_builds(tmp_path):
    project = tmp_path / "report"
    assert cli("new", project).exit_code == 0
    workflow = (project / ".github" / "workflows" / "pages.yml").read_text()
    assert workflow == WORKFLOWS["scaffold"].read_text()
    _steps_in_order(workflow, "actions/checkout@", "persist-credentials: false", "actions/setup-python@",
                    "cache-dependency-path: requirements.txt", "id: pages", "actions/configure-pages@",
                    "python -m pip install -r requirements.txt",
                    "FACTPRESS_BASE_URL: ${{ steps.pages.outputs.base_url }}", "factpress build",
                    "actions/upload-pages-artifact@", "path: site", "actions/deploy-pages@")
    requirements = (project / "requirements.txt").read_text()
    from factpress import __version__
    assert f"--find-links ./vendor\nfactpress>={__version__},<0.2\n" in requirements
    assert (project / "vendor" / f"factpress-{__version__}-py3-none-any.whl").is_file()
    result = cli("build", project, "--base-url", "https://octo.github.io/report/")
    assert result.exit_code == 0, result.output
    site = tree(project / "site")
    assert {"index.html", "findings.html", "404.html", "sitemap.xml", ".nojekyll", "search.html"} <= set(site)
    assert b"<figure" in site["findings.html"] or b"<svg" in site["findings.html"]


@pytest.mark.slow
def test_the_new_projects_requirements_install_factpress_that_builds_it(tmp_path):
    """What the workflow's install step does, without the network: pip takes factpress from the
    wheel in vendor/ (no index), and that copy, not this checkout, builds the project."""
    import os
    import subprocess
    import sys

    project = tmp_path / "report"
    assert cli("new", project).exit_code == 0
    target = tmp_path / "installed"
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "--no-index", "--no-deps", "--target", str(target),
                          "-r", "requirements.txt"], cwd=project, capture_output=True, text=True)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    env = dict(os.environ, PYTHONPATH=str(target), FACTPRESS_BASE_URL="https://octo.github.io/report")
    where = subprocess.run([sys.executable, "-c", "import factpress; print(factpress.__file__)"], env=env,
                           capture_output=True, text=True, cwd=tmp_path)
    assert where.stdout.strip() == str(target / "factpress" / "__init__.py")
    built = subprocess.run([sys.executable, "-m", "factpress", "build"], cwd=project, env=env, capture_output=True,
                           text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    assert '<link rel="canonical" href="https://octo.github.io/report/">' in (project / "site" / "index.html").read_text()
    assert (target / "bin" / "factpress").is_file()  # the command the workflow runs


def test_repository_workflow_installs_this_checkout_and_builds_for_the_pages_address():
    workflow = WORKFLOWS["repository"].read_text()
    _steps_in_order(workflow, "persist-credentials: false", "cache-dependency-path: pyproject.toml", "id: pages",
                    "python -m pip install -e .", "FACTPRESS_BASE_URL: ${{ steps.pages.outputs.base_url }}",
                    "factpress build", "path: site")


@pytest.mark.parametrize("which", sorted(WORKFLOWS))
def test_workflow_actions_are_pinned_and_each_job_has_least_permissions(which):
    workflow = WORKFLOWS[which].read_text()
    uses = re.findall(r"uses: .*", workflow)
    assert len(PINNED.findall(workflow)) == len(uses) == 5, uses
    assert "permissions: {}" in workflow  # nothing at the top; each job asks for its own
    build, deploy = workflow.split("\n  deploy:\n")
    assert re.findall(r"^      ([a-z-]+): (\w+)", build, re.M) == [("contents", "read"), ("pages", "read")]
    assert re.findall(r"^      ([a-z-]+): (\w+)", deploy.split("environment:")[0], re.M) == [
        ("pages", "write"), ("id-token", "write")]


@pytest.mark.parametrize("which", sorted(WORKFLOWS))
def test_workflow_is_valid_and_zizmor_finds_nothing(which):
    """The GitHub workflow schema (check-jsonschema's copy, offline) and zizmor's audits (pinning,
    permissions, credentials, injection), as CI runs them."""
    import subprocess
    import sys

    path = str(WORKFLOWS[which])
    schema = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                             path], capture_output=True, text=True)
    print(f"check-jsonschema {which}: {schema.stdout.strip()}")
    assert schema.returncode == 0 and "ok -- validation done" in schema.stdout, schema.stdout + schema.stderr
    beside = Path(sys.executable).parent / "zizmor"  # pip puts the program beside this Python
    audit = subprocess.run([str(beside) if beside.exists() else "zizmor", "--offline", "--persona=pedantic", path],
                           capture_output=True, text=True)
    print(f"zizmor {which}: {audit.stdout.strip()}")
    assert audit.returncode == 0 and "No findings to report" in audit.stdout, audit.stdout + audit.stderr


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
        assert "script-src 'self';" in policy and "object-src 'none'" in policy
        assert "unsafe-eval" not in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        assert head.index("Content-Security-Policy") < min(i for i in (head.find("<link"), head.find("<script"), len(head))
                                                            if i >= 0), page.name
