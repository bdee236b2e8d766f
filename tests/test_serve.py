"""The preview server, run as users run it: a subprocess on a free port, read over HTTP and in headless Chromium."""
from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import cli, tree

URL_LINE = re.compile(r"(?:serving the report|errors are) at (http://\S+)")
A_YAML = "content/facts/a.yaml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`factpress serve` in a subprocess; its output collected line by line."""

    def __init__(self, project: Path, *args: str, tmpdir: Path | None = None, port: int | None = None):
        env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONFAULTHANDLER="1")  # SIGABRT dumps every thread
        env.setdefault("SOURCE_DATE_EPOCH", "1600000000")
        if tmpdir is not None:
            env["TMPDIR"] = str(tmpdir)
        self.port = port or free_port()
        self.proc = subprocess.Popen([sys.executable, "-m", "factpress", "serve", str(project), "--port",
                                      str(self.port), *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, env=env)
        self.lines: list[str] = []
        self._cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self.wait_for(URL_LINE).group(1)
        self.host = urlsplit(self.url).netloc

    def _read(self) -> None:
        for line in self.proc.stdout:
            with self._cond:
                self.lines.append(line.rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self.lines.append("")  # end of output
            self._cond.notify_all()

    def wait_for(self, pattern: re.Pattern | str, after: int = 0, timeout: float = 60) -> re.Match:
        pattern = re.compile(pattern)
        found = None

        def seen():
            nonlocal found
            found = next((m for line in self.lines[after:] if (m := pattern.search(line))), None)
            return found is not None or (self.lines and self.lines[-1] == "" and self.proc.poll() is not None)

        with self._cond:
            self._cond.wait_for(seen, timeout)
        assert found, f"no {pattern.pattern!r} in output:\n" + "\n".join(self.lines)
        return found

    def count(self, pattern: str) -> int:
        with self._cond:
            return sum(1 for line in self.lines if re.search(pattern, line))

    def get(self, target: str, headers: dict | None = None) -> http.client.HTTPResponse:
        """A raw request: the target goes out exactly as written, `..` and all."""
        conn = http.client.HTTPConnection(self.host, timeout=30)
        conn.request("GET", target, headers=headers or {})
        response = conn.getresponse()
        response.body = response.read()
        conn.close()
        return response

    def stop(self, sig: int = signal.SIGINT) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGABRT)  # the server's threads, as they were, into its output
            self.proc.wait(10)
            self.wait_for("^$", timeout=5)
            raise AssertionError("the server did not stop within 20 s:\n" + "\n".join(self.lines)) from None
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


@contextmanager
def serving(project: Path, *args: str, **kwargs):
    server = Server(project, *args, **kwargs)
    try:
        yield server
    finally:
        server.stop()


def save(path: Path, text: str) -> None:
    """Save the way editors do: write a temporary file beside it, then rename it over the original."""
    tmp = path.with_name(f".{path.name}.tmp-save")
    tmp.write_text(text)
    os.replace(tmp, path)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    save(path, text.replace(old, new))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One server for the read-only HTTP tests of this module."""
    from conftest import copy_project

    project = copy_project("mini", tmp_path_factory.mktemp("serve"))
    with serving(project) as server:
        yield server


# --- HTTP -----------------------------------------------------------------------------------

def test_root_redirects_to_the_base_path(site):
    assert site.url.endswith("/r/")
    for target in ("/", "/r"):
        response = site.get(target)
        assert response.status == 302 and response.getheader("Location") == "/r/"
    assert site.get("/r/").status == 200


def test_base_url_given_on_the_command_line_sets_the_served_path(mini):
    with serving(mini, "--base-url", "https://octo.github.io/elsewhere") as server:
        assert server.url.endswith("/elsewhere/")
        page = server.get("/elsewhere/index.html")
        assert page.status == 200 and b'<link rel="canonical" href="https://octo.github.io/elsewhere/">' in page.body
        assert server.get("/r/index.html").status == 404


def test_without_base_url_the_site_is_served_under_the_folder_name(tmp_path):
    from conftest import copy_project

    project = copy_project("mini", tmp_path / "x")
    settings = project / "content" / "report.yaml"
    settings.write_text(settings.read_text().replace("base_url: https://x.github.io/r/\n", ""))
    renamed = project.rename(tmp_path / "My Report")
    with serving(renamed) as server:
        assert server.url.endswith("/my-report/")
        assert server.get("/my-report/one.html").status == 200
        assert server.get("/one.html").status == 404


def test_site_is_served_under_its_published_subpath_only(site):
    assert b"<h1" in site.get("/r/one.html?v=1").body
    outside = site.get("/one.html")  # a root-absolute link: broken on a GitHub Pages project site
    assert outside.status == 404
    assert b"/r/" in outside.body


@pytest.mark.parametrize("target", [
    "/r/../content/report.yaml", "/r/%2e%2e/content/report.yaml", "/r/%2E%2E%2Fcontent%2Freport.yaml",
    "/r/assets/..%2f..%2fcontent/report.yaml", "/r/..%5c..%5ccontent%5creport.yaml", "/r/./one.html",
    "/r/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/../../etc/passwd",
])
def test_paths_out_of_the_site_are_refused(site, target):
    response = site.get(target)
    assert response.status in (403, 404)
    assert b"base_url" not in response.body and b"root:" not in response.body


@pytest.mark.parametrize("target, kind", [
    ("/r/one.html", "text/html; charset=utf-8"),
    ("/r/assets/style.css", "text/css; charset=utf-8"),
    ("/r/facts.json", "application/json"),
    ("/r/facts.csv", "text/csv; charset=utf-8"),
    ("/__factpress/reload.js", "text/javascript; charset=utf-8"),
])
def test_served_content_types(site, target, kind):
    response = site.get(target)
    assert response.status == 200
    assert response.getheader("Content-Type") == kind
    assert response.getheader("X-Content-Type-Options") == "nosniff"


@pytest.mark.parametrize("name, kind", [
    ("a.svg", "image/svg+xml"), ("a.js", "text/javascript; charset=utf-8"), ("a.png", "image/png"),
    ("a.pdf", "application/pdf"), ("sitemap.xml", "application/xml"), ("robots.txt", "text/plain; charset=utf-8"),
    ("f.woff2", "font/woff2"), ("A.PNG", "image/png"), ("no-suffix", "application/octet-stream"),
])
def test_content_type_table(name, kind):
    # The site built from main has no files of these kinds yet; the table is what the server sends for them.
    from factpress.preview.http import content_type

    assert content_type(name) == kind


def test_served_pages_are_the_built_pages_plus_the_reload_script(site, mini):
    assert cli("build", mini).exit_code == 0
    built = tree(mini / "site")
    assert not [name for name, data in built.items() if b"__factpress" in data]
    served = site.get("/r/one.html").body
    script = re.search(rb'<script src="/__factpress/reload.js"[^>]*></script>\n', served).group(0)
    assert served.replace(script, b"") == built["one.html"]
    assert site.get("/r/facts.json").body == built["facts.json"]


def test_the_preview_has_search(site):
    page = site.get("/r/search.html")
    assert page.status == 200 and b'id="search-q"' in page.body
    assert b'type="search"' in site.get("/r/one.html").body
    entry = site.get("/r/pagefind/pagefind-entry.json")
    assert entry.status == 200 and b'"languages"' in entry.body
    script = site.get("/r/pagefind/pagefind.js")
    assert script.status == 200 and script.getheader("Content-Type").startswith("text/javascript")
    assert site.get("/r/assets/search-data.js").status == 200


def test_other_host_names_are_refused(site):
    assert site.get("/r/", {"Host": "attacker.example"}).status == 403
    assert site.get("/r/", {"Host": "[::1"}).status == 403
    assert site.get("/r/", {"Host": f"localhost:{site.port}"}).status == 200


@pytest.mark.parametrize("name", ["127.attacker.example", "127.0.0.1.attacker.example", "app.localhost",
                                  "127.0.0.2", "0.0.0.0", "attacker.example:80@127.0.0.1"])
def test_only_the_bound_address_and_localhost_are_answered(site, name):
    """DNS rebinding: a page at a name the attacker controls, pointed at this machine, is refused."""
    response = site.get("/r/", {"Host": f"{name}:{site.port}"})
    assert response.status == 403
    assert response.body == b"the preview answers to 127.0.0.1, localhost only\n"
    assert site.get("/r/", {"Host": f"127.0.0.1:{site.port}"}).status == 200


def test_a_host_name_given_with_host_is_answered(mini):
    with serving(mini, "--host", "localhost") as server:
        assert server.get("/r/", {"Host": f"localhost:{server.port}"}).status == 200
        assert server.get("/r/", {"Host": f"other.example:{server.port}"}).status == 403


def test_half_open_connections_neither_block_others_nor_stay_open(site):
    """Connections that never send a request: others are still answered at once (the oldest idle ones
    make room past the connection limit), and each is closed after the read timeout."""
    import time

    from factpress.preview.http import MAX_CONNECTIONS, READ_SECONDS

    idle = []
    try:
        for _ in range(MAX_CONNECTIONS * 2 + 22):
            idle.append(socket.create_connection(("127.0.0.1", site.port), timeout=5))
        time.sleep(1.5)  # older than the limit's patience
        started = time.monotonic()
        assert site.get("/r/").status == 200
        assert time.monotonic() - started < 5
        slow = socket.create_connection(("127.0.0.1", site.port), timeout=READ_SECONDS + 10)
        slow.sendall(b"GET /r/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # headers that never end
        time.sleep(READ_SECONDS + 1.5)
        for conn in idle[-3:] + [slow]:
            conn.settimeout(5)
            assert conn.recv(100) == b""  # the server hung up
        slow.close()
        assert site.get("/r/").status == 200
    finally:
        for conn in idle:
            conn.close()


def test_a_template_that_never_ends_is_stopped_in_the_preview_too(mini):
    """The preview builds in a thread of its own; the template time limit reaches it there."""
    (mini / "templates").mkdir()
    (mini / "templates" / "page.html").write_text('{% extends "theme/page.html" %}{% block main %}'
                                                 "{% for i in range(100000) %}{% for j in range(100000) %}"
                                                 "{% endfor %}{% endfor %}{% endblock %}\n")
    settings = mini / "content" / "report.yaml"
    settings.write_text(settings.read_text() + "template_timeout: 1\n")
    with serving(mini) as server:
        page = server.get("/r/")
        assert page.status == 503
        assert (b"templates/page.html:1: error: template error: rendering took longer than 1s (template_timeout "
                b"in report.yaml); does a loop never end?") in page.body
        (mini / "templates" / "page.html").unlink()
        server.wait_for("built in")
        assert server.get("/r/one.html").status == 200


def test_loopback_only_by_default(site):
    assert site.url.startswith("http://127.0.0.1:")


def test_symlink_out_of_the_project_is_not_served(tmp_path, mini):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret\n")
    (mini / "static").mkdir()
    (mini / "static" / "leak.txt").symlink_to(secret)
    (mini / "static" / "dir").symlink_to(tmp_path, target_is_directory=True)
    with serving(mini) as server:
        for target in ("/r/leak.txt", "/r/static/leak.txt", "/r/dir/secret.txt", "/r/static/dir/secret.txt"):
            response = server.get(target)
            assert response.status != 200 and b"top secret" not in response.body
        assert b"static/leak.txt:1: error: symbolic link leads outside the project" in server.get("/r/").body


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signals_stop_cleanly_leaving_nothing_behind(tmp_path, mini, sig):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    server = Server(mini, tmpdir=tmpdir)
    assert server.get("/r/").status == 200
    assert server.stop(sig) == 0
    server.wait_for("^stopped$")
    assert not any("Traceback" in line for line in server.lines)
    assert list(tmpdir.iterdir()) == []
    assert not [p for p in mini.iterdir() if p.name == "site" or "tmp" in p.name]  # the preview lives in memory


def test_busy_port_moves_to_the_next_free_one(mini):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with serving(mini, port=port) as server:
            assert server.count(rf"port {port} is busy") == 1
            assert f":{port}/" not in server.url
            assert server.get("/r/").status == 200


def test_missing_project_folder_is_an_error(tmp_path):
    result = cli("serve", tmp_path / "nope", "--port", free_port())
    assert result.exit_code == 1
    assert "no such folder" in result.output


# --- in the browser ---------------------------------------------------------------------------


def open_page_one(browser, server: Server):
    page = browser.new_page()
    page.goto(server.url + "one.html")
    page.get_by_text("Trade was").wait_for()
    return page


@pytest.mark.slow
@pytest.mark.browser
def test_prose_and_fact_edits_reach_the_open_page(mini, browser):
    with serving(mini) as server:
        page = open_page_one(browser, server)
        builds = server.count("built in")

        edit(mini / "content" / "one.md", "Trade was", "Commerce came to")
        page.get_by_text("Commerce came to").wait_for()
        server.wait_for("one.md changed: rebuilt")

        edit(mini / A_YAML, "value: 1.47", "value: 1.52")
        page.locator("data[data-fact=zj-trade]", has_text="1.52 trillion yuan").first.wait_for()
        page.locator('.chart-wide svg [aria-label*="v: 1.52e+12"]').wait_for()
        assert page.locator("text=1.47 trillion").count() == 0
        server.wait_for("a.yaml changed: rebuilt")
        # Each save (temporary file, rename) made exactly one build.
        assert server.count("built in") == builds + 2


@pytest.mark.slow
@pytest.mark.browser
def test_broken_yaml_shows_the_errors_over_the_last_good_site_until_fixed(mini, browser):
    with serving(mini) as server:
        page = open_page_one(browser, server)
        good = (mini / A_YAML).read_text()

        save(mini / A_YAML, good.replace("    unit: yuan\n", "    unit: [yuan\n"))
        overlay = page.locator("#factpress-errors")
        overlay.wait_for()
        assert re.search(r"content/facts/a\.yaml:\d+(:\d+)?: error:", overlay.inner_text())
        assert page.get_by_text("Trade was").is_visible()  # the last good site stays underneath
        other = browser.new_page()  # a page opened now gets the overlay too
        other.goto(server.url)
        other.locator("#factpress-errors").wait_for()

        save(mini / A_YAML, good.replace("value: 1.47", "value: 1.49"))
        page.locator("data[data-fact=zj-trade]", has_text="1.49 trillion yuan").first.wait_for()
        overlay.wait_for(state="detached")
        other.locator("#factpress-errors").wait_for(state="detached")


@pytest.mark.slow
@pytest.mark.browser
def test_a_failed_first_build_shows_its_errors_and_keeps_watching(mini, browser):
    good = (mini / A_YAML).read_text()
    (mini / A_YAML).write_text(good.replace("facts:\n", "facts:\n  - {\n", 1))
    with serving(mini) as server:
        assert server.count("the first build failed") == 1
        assert server.url.endswith(":%d/" % server.port)  # the base path is not known without a good build
        response = server.get("/r/one.html")
        assert response.status == 503
        assert re.search(rb"content/facts/a\.yaml:\d+", response.body)
        page = browser.new_page()
        page.goto(server.url)
        assert re.search(r"content/facts/a\.yaml:\d+", page.locator("#factpress-errors").inner_text())

        save(mini / A_YAML, good)
        page.wait_for_url("**/r/")
        page.locator("data[data-fact=zj-trade]", has_text="1.47 trillion yuan").first.wait_for()
        assert page.locator("#factpress-errors").count() == 0
