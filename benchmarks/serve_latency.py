"""Save-to-reloaded-page latency of `factpress serve`, for a prose edit and for a fact edit.

    python benchmarks/serve_latency.py [PROJECT] [--runs N]

PROJECT defaults to this repository's report (its content/), or to tests/projects/mini when the
repository has none. The project is copied to a temporary folder; the server runs as users run
it, and headless Chromium keeps the first page of the report open. Each run saves a file the way
editors do (temporary file, rename) and times from the rename to the reloaded page's
DOMContentLoaded, read from the browser's own clock. Prints the median and range per kind of edit,
and the server's own build time.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from factpress.build import run_build  # noqa: E402
from factpress.site.output import MemoryOutput  # noqa: E402

LOADED_AT = ("() => performance.timeOrigin + "
             "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")


def copy_project(src: Path, dest: Path) -> Path:
    for part in ("content", "charts", "templates", "static"):
        if (src / part).is_dir():
            shutil.copytree(src / part, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def targets(project: Path):
    """The first page of the report, a paragraph line in it, and a fact it cites with a decimal value."""
    site = run_build(project, MemoryOutput()).site
    page = (site.pages or [site.home])[0]
    lines = (project / page.rel).read_text().splitlines()
    start = next(i for i in range(1, len(lines)) if lines[i] == "---") + 1 if lines[0] == "---" else 0
    prose = next(i for i in range(start, len(lines)) if re.match(r"[A-Za-z]", lines[i]))
    fact = next(site.book.facts[u.name] for u in page.uses
                if u.kind == "fact" and site.book.facts[u.name].unit != "fraction")
    return page, prose, fact


def save(path: Path, text: str) -> float:
    tmp = path.with_name(f".{path.name}.bench-tmp")
    tmp.write_text(text)
    saved = time.time()
    os.replace(tmp, path)
    return saved


def edit_prose(project: Path, page, line: int, run: int) -> float:
    path = project / page.rel
    lines = path.read_text().split("\n")
    marker = f"benchmark-marker-{run}"
    lines[line] = re.sub(r" benchmark-marker-\d+$", "", lines[line]) + f" {marker}"
    return save(path, "\n".join(lines))


def edit_fact(project: Path, fact) -> float:
    path = project / fact.loc.path
    lines = path.read_text().split("\n")
    i = next(j for j in range(fact.loc.line - 1, len(lines)) if re.match(r"\s*value:\s*-?[\d.]+\s*$", lines[j]))
    old = Decimal(lines[i].split(":", 1)[1].strip())
    new = old + Decimal(1).scaleb(old.as_tuple().exponent)  # one step in the last written digit
    lines[i] = lines[i].split(":", 1)[0] + f": {new}"
    return save(path, "\n".join(lines))


class Server:
    def __init__(self, project: Path):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen([sys.executable, "-m", "factpress", "serve", str(project), "--port", str(port)],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.lines: list[str] = []
        self.url = ""
        ready = threading.Event()

        def read():
            for line in self.proc.stdout:
                self.lines.append(line.rstrip())
                if m := re.search(r"serving the report at (\S+)", line):
                    self.url = m.group(1)
                    ready.set()
            ready.set()

        threading.Thread(target=read, daemon=True).start()
        ready.wait(120)
        if not self.url:
            raise SystemExit("the server did not start:\n" + "\n".join(self.lines))

    def build_times(self) -> list[float]:
        return [float(m.group(1)) for line in self.lines if (m := re.search(r"rebuilt in ([\d.]+) s", line))]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(20)


def measure(page_obj, do_edit, wait) -> float:
    before = page_obj.evaluate(LOADED_AT)
    saved = do_edit()
    wait()
    loaded = page_obj.evaluate(LOADED_AT)
    assert loaded > before, "the page did not reload"
    return loaded / 1000 - saved


def report(name: str, seconds: list[float], builds: list[float]) -> None:
    ms = [s * 1000 for s in seconds]
    print(f"{name:<12} median {statistics.median(ms):6.0f} ms  (min {min(ms):.0f}, max {max(ms):.0f}, "
          f"{len(ms)} runs); server build median {statistics.median(builds) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    source = args.project or (ROOT if (ROOT / "content" / "report.yaml").is_file() else ROOT / "tests/projects/mini")
    print(f"project: {source.relative_to(ROOT) if source.is_relative_to(ROOT) else source}")
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1600000000")

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(source.resolve(), Path(tmp) / "project")
        page, prose_line, fact = targets(project)
        print(f"page: {page.rel}; prose edit at line {prose_line + 1}; fact edit: {fact.id} ({fact.loc})")
        server = Server(project)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
                tab = browser.new_page()
                tab.goto(server.url + page.href)
                run_edits(tab, server, project, page, prose_line, fact, args.runs)
                browser.close()
        finally:
            server.stop()


def run_edits(tab, server: Server, project: Path, page, prose_line: int, fact, runs: int) -> None:
    prose, facts = [], []
    for run in range(runs):
        marker = f"benchmark-marker-{run}"
        prose.append(measure(tab, lambda: edit_prose(project, page, prose_line, run),
                             lambda: tab.get_by_text(marker).first.wait_for()))
        time.sleep(0.3)
    prose_builds = server.build_times()
    for run in range(runs):
        current = tab.locator(f'data[data-fact="{fact.id}"]').first.get_attribute("value")
        facts.append(measure(tab, lambda: edit_fact(project, fact), lambda: tab.wait_for_function(
            "([id, old]) => { const d = document.querySelector(`data[data-fact=\"${id}\"]`);"
            " return d && d.getAttribute('value') !== old; }", arg=[fact.id, current])))
        time.sleep(0.3)
    fact_builds = server.build_times()[len(prose_builds):]
    report("prose edit", prose, prose_builds)
    report("fact edit", facts, fact_builds)


if __name__ == "__main__":
    main()
