"""Bounds on the author's code and on the build's disk: what tests/bad/ cases cannot show (processes
left running, a read-only or full cache, a full disk, a FIFO, a template that never ends)."""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, cli, tree

THREADS_AND_CHILDREN = '''import os
import subprocess
import threading
import time

import altair as alt
from factpress import chart

threading.Thread(target=time.sleep, args=(10 ** 6,)).start()  # not a daemon: it would hold the process open
child = subprocess.Popen(["sleep", "1000"])
with open({pids!r}, "a") as f:
    f.write(f"{{os.getpid()}} {{child.pid}}\\n")


@chart("c1", title="Trade")
def c1(facts):
    threading.Thread(target=time.sleep, args=(10 ** 6,)).start()
    return alt.Chart(alt.Data(values=[{{"r": "Zhejiang", "v": facts.value("zj-trade")}}])).mark_bar().encode(
        x="r:N", y="v:Q")
'''


def running(pid: int) -> bool:
    """True while the process exists and is not a zombie (a container's first process may never reap it)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_chart_file_starting_threads_and_processes_ends_and_leaves_nothing_running(mini, tmp_path):
    pids = tmp_path / "pids"
    (mini / "charts" / "c.py").write_text(THREADS_AND_CHILDREN.format(pids=str(pids)))
    result = subprocess.run([sys.executable, "-m", "factpress", "build", str(mini)], capture_output=True, text=True,
                            timeout=120, env=dict(os.environ, PYTHONPATH=str(ROOT / "src")))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (mini / "site" / "one.html").is_file()
    found = [int(p) for line in pids.read_text().splitlines() for p in line.split()]
    assert len(found) >= 2  # a worker and the child it started
    assert [pid for pid in found if running(pid)] == []


def test_a_chart_process_killed_by_a_signal_is_a_located_error(mini):
    (mini / "charts" / "c.py").write_text('''import os
import signal

import altair as alt
from factpress import chart


@chart("c1", title="Trade")
def c1(facts):
    facts.value("zj-trade")
    os.kill(os.getpid(), signal.SIGSEGV)
''')
    result = cli("build", mini)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == "charts/c.py:8: error: chart 'c1' stopped its process (SIGSEGV)"


WARNING = (".factpress-cache: warning: the cache folder cannot be written ({why}); this build goes on without it")


def test_a_cache_folder_that_cannot_be_written_means_no_cache_and_a_warning(mini):
    (mini / ".factpress-cache").write_text("not a folder")  # as unwritable as a read-only disk, even for root
    for _ in range(2):
        result = cli("build", mini)
        assert result.exit_code == 0, result.output
        assert result.output.splitlines()[0] == WARNING.format(why="it is a file, not a folder")
        assert "Traceback" not in result.output
    site = tree(mini / "site")
    assert b"<svg" in site["one.html"] and "charts/c1.svg" in site and any(n.startswith("assets/vega-") for n in site)
    strict = cli("check", mini, "--strict")
    assert strict.exit_code == 0, strict.output  # a fact of the machine, not a problem of the report


def edit_and_build_without_cache(mini: Path, why: str) -> None:
    """A page and a chart edited, so the build must write the cache, and cannot."""
    page = mini / "content" / "one.md"
    page.write_text(page.read_text() + "\nMore.\n")
    (mini / "charts" / "c.py").write_text((mini / "charts" / "c.py").read_text().replace('"Trade"', '"Trade 2"'))
    result = cli("build", mini)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == WARNING.format(why=why)
    assert "Trade 2" in (mini / "site" / "one.html").read_text()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_cache_folder_means_no_cache_and_a_warning(mini):
    assert cli("build", mini).exit_code == 0
    cache = mini / ".factpress-cache"
    for folder in [cache, *[p for p in cache.rglob("*") if p.is_dir()]]:
        folder.chmod(0o555)
    try:
        edit_and_build_without_cache(mini, "Permission denied")
    finally:
        for folder in [cache, *[p for p in cache.rglob("*") if p.is_dir()]]:
            folder.chmod(0o755)


@contextlib.contextmanager
def mounted(options: list[str], source: str, target: Path):
    """A real read-only or full file system where the machine allows mounting (as root in a container
    or VM); the test is skipped elsewhere."""
    target.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount a file system")
    done = subprocess.run(["mount", *options, source, str(target)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here: {done.stderr.strip()}")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


def test_a_cache_on_a_read_only_file_system_means_no_cache_and_a_warning(mini, tmp_path):
    assert cli("build", mini).exit_code == 0
    cache = mini / ".factpress-cache"
    with mounted(["--bind"], str(cache), cache):
        subprocess.run(["mount", "-o", "remount,bind,ro", str(cache)], check=True)
        edit_and_build_without_cache(mini, "Read-only file system")


def test_a_cache_on_a_full_disk_means_no_cache_and_a_warning(mini):
    cache = mini / ".factpress-cache"
    with mounted(["-t", "tmpfs", "-o", "size=48k"], "tmpfs", cache):
        result = cli("build", mini)
        assert result.exit_code == 0, result.output
        assert result.output.splitlines()[0] == WARNING.format(why="No space left on device")
        site = tree(mini / "site")
        assert "charts/c1.svg" in site and any(name.startswith("assets/vega-") for name in site)
