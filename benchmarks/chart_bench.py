"""Chart rendering benchmark: N synthetic charts rendered one by one in a loop (Altair spec,
then vl-convert SVG and PNG, no cache), against a cold `factpress build` (which also makes the
vega-embed bundle and the whole site), a build with only the charts cold, and a cached one.

    python benchmarks/chart_bench.py            # N = 10 and 100
    python benchmarks/chart_bench.py 10 50      # other sizes

Measured on a 2-CPU machine whose two CPUs gave no parallel speed-up at the time (two
CPU-bound processes side by side took as long as one after the other: 0.92x to 1.06x),
medians of 3 runs, seconds (ratio to one by one):

                               one by one   cold build     charts cold     cached
  N=10, a process per file        1.93      6.08 (3.15x)   4.72 (2.47x)   0.60 (0.31x)
  N=10, worker pool               1.92      4.12 (2.15x)   3.12 (1.61x)   0.48 (0.25x)
  N=100, a process per file      12.49     14.31 (1.15x)  13.65 (1.09x)   0.87 (0.073x)
  N=100, worker pool             10.21     12.26 (1.13x)   9.61 (0.91x)   0.69 (0.068x)

With the two CPUs free (speed-up 1.88x and 1.57x during the runs), one run each, N=100:

  a process per file             12.00     10.00 (0.83x)   7.62 (0.64x)   0.66 (0.055x)
  worker pool                    12.27      6.91 (0.56x)   6.09 (0.50x)   0.59 (0.048x)

Where a cold build's time goes, per chart: the chart function and Altair's validated
to_dict about 24 ms, the themed SVG 30-42 ms, the PNG rasterised from it 15-44 ms (the
theme's font list makes rasterising slower than for an unthemed chart); once per worker
process vl-convert's start, about 0.8 s; once per build the vega-embed bundle, 2.4-2.6 s
(now also kept in the user's cache folder, so only a machine's first project pays it);
Python, factpress and Altair imports 0.8 s and the site 0.5 s. The one-by-one loop spends
about 31 + 30 + 55 ms per chart (its PNG lays the chart out again). With no parallel
speed-up the cold build cannot fall below the sum of that work, about 0.9x of one by one
for 100 charts; two free cores halve the worker part (100 x 0.11 s + 1.6 s + bundle),
which puts 100 cold charts near 0.55x, the bundle included near 0.65x.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = 10  # the charts are spread over this many chart files (fewer when N is smaller)

CHART = '''
@chart("c{i}", title="Synthetic chart {i}")
def c{i}(facts):
    rows = [{{"k": f"item {{j}}", "v": facts.value("f{i}") * (j + 1)}} for j in range(12)]
    return alt.Chart(alt.Data(values=rows)).mark_bar().encode(x="k:N", y="v:Q", tooltip=["k:N", "v:Q"])
'''


def make_project(folder: Path, n: int) -> Path:
    (folder / "content" / "facts").mkdir(parents=True)
    (folder / "charts").mkdir()
    (folder / "content" / "report.yaml").write_text("title: Chart benchmark\nbase_url: https://example.org/bench/\n")
    (folder / "content" / "sources.yaml").write_text("sources:\n  - id: s\n    title: Synthetic\n    publisher: Bench\n    date: 2020-01-01\n")
    facts = "".join(f"  - id: f{i}\n    label: Value {i}\n    value: {i + 1}\n    unit: count\n    period: '2020'\n"
                    f"    region: Somewhere\n    source: s\n" for i in range(n))
    (folder / "content" / "facts" / "f.yaml").write_text("facts:\n" + facts)
    files = min(FILES, n)
    for f in range(files):
        code = "import altair as alt\nfrom factpress import chart\n" + "".join(
            CHART.format(i=i) for i in range(f, n, files))
        (folder / "charts" / f"c{f}.py").write_text(code)
    body = "".join(f"```{{chart}} c{i}\n```\n\n" for i in range(n))
    (folder / "content" / "charts.md").write_text("---\ntitle: Charts\n---\n\n" + body)
    return folder


def one_by_one(n: int) -> float:
    """The plain way: each chart's spec and images made in turn in one process, nothing cached."""
    code = f'''
import time
t = time.perf_counter()
import altair as alt, vl_convert
for i in range({n}):
    rows = [{{"k": f"item {{j}}", "v": (i + 1) * (j + 1)}} for j in range(12)]
    spec = alt.Chart(alt.Data(values=rows)).mark_bar().encode(x="k:N", y="v:Q", tooltip=["k:N", "v:Q"]).to_dict()
    vl_convert.vegalite_to_svg(spec); vl_convert.vegalite_to_png(spec, scale=2)
print(time.perf_counter() - t)
'''
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def build(project: Path) -> float:
    # a user cache folder of the benchmark's own, so the cold build makes the vega-embed bundle too
    env = {**os.environ, "XDG_CACHE_HOME": str(project.parent / "user-cache"), "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "factpress", "build", "-v", str(project)], capture_output=True,
                         text=True, env=env)
    elapsed = time.perf_counter() - t
    if out.returncode != 0:
        sys.exit(out.stdout + out.stderr)
    print("   ", [line for line in out.stdout.splitlines() if line.startswith("charts:")][0])
    return elapsed


SPIN = "import time\nt = time.perf_counter()\nx = 0\nfor i in range(5_000_000): x += i\nprint(time.perf_counter() - t)"


def parallelism() -> float:
    """How much faster two CPU-bound processes finish side by side than one after the other
    (2.0 on two free cores; near 1.0 when the machine is shared and busy)."""
    def run(k: int) -> float:
        t = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", SPIN], stdout=subprocess.DEVNULL) for _ in range(k)]
        for proc in procs:
            proc.wait()
        return time.perf_counter() - t
    return 2 * run(1) / run(2)


def main(sizes: list[int]) -> None:
    print(f"{os.cpu_count()} CPUs, parallel speed-up of two processes now {parallelism():.2f}x; "
          "times include Python start-up")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            project = make_project(Path(tmp) / "p", n)
            base = one_by_one(n)
            shutil.rmtree(project / ".factpress-cache", ignore_errors=True)
            cold = build(project)
            cached = build(project)
            for part in ("files", "out"):  # charts cold again, the vega-embed bundle kept
                shutil.rmtree(project / ".factpress-cache" / "charts" / part)
            charts_cold = build(project)
        print(f"N={n:4d}  one by one {base:6.2f} s   cold build {cold:6.2f} s ({cold / base:.2f}x)   "
              f"cold charts, bundle cached {charts_cold:6.2f} s ({charts_cold / base:.2f}x)   "
              f"cached build {cached:6.2f} s ({cached / base:.3f}x of one by one, {cached / cold:.3f}x of cold)")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10, 100])
