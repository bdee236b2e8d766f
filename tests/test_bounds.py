"""Bounds on the author's code and on the build's disk: what tests/bad/ cases cannot show (processes
left running, a read-only or full cache, a full disk, a FIFO, a template that never ends)."""
from __future__ import annotations

import os
import resource
import signal
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
