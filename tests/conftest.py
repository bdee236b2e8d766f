"""Shared test helpers: projects in temporary folders and the CLI run in-process."""
from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import os
import shutil
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # test this checkout's code, whatever is installed
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))

import pytest  # noqa: E402
from click.testing import CliRunner

from factpress.cli import main  # noqa: E402

PROJECTS = Path(__file__).resolve().parent / "projects"


@pytest.fixture(autouse=True)
def _fixed_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")


CHROMIUM = "/usr/bin/chromium"  # Debian's, driven by Playwright
needs_browser = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium missing")


@pytest.fixture(scope="module")
def browser():
    """One Chromium for a test module's browser tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def copy_project(name: str, dest: Path) -> Path:
    src = ROOT if name == "report" else PROJECTS / name
    target = dest / name
    ignore = shutil.ignore_patterns("site", ".factpress-cache", "__pycache__")
    for part in ("content", "charts", "templates", "static"):
        if (src / part).is_dir():
            shutil.copytree(src / part, target / part, ignore=ignore)
    return target


@pytest.fixture
def mini(tmp_path) -> Path:
    return copy_project("mini", tmp_path)


@pytest.fixture
def report(tmp_path) -> Path:
    """A copy of this repository's own report."""
    return copy_project("report", tmp_path)


def cli(*args: str):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result


def is_search_file(name: str) -> bool:
    """A file of the search index, which changes with the text of any page."""
    return name.startswith("pagefind/") or name == "assets/search-data.js"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class PagesLike(http.server.SimpleHTTPRequestHandler):
    """Static files as GitHub Pages serves them: gzip when the browser accepts it, and a site's own
    404.html (status 404) for a missing path at any depth under the folder it is published at."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = self.translate_path(self.path)
        if not os.path.exists(path):
            return self._not_found()
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

    def _not_found(self):
        top = self.path.lstrip("/").split("/", 1)[0]
        page = Path(self.directory) / top / "404.html"
        if not top or not page.is_file():
            return super().send_head()
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@contextlib.contextmanager
def pages_server(www: Path, handler=PagesLike):
    """Serve folder www (holding links named like the subpaths, www/repo -> site/) on 127.0.0.1;
    yields the server's address, http://127.0.0.1:PORT."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(www)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
