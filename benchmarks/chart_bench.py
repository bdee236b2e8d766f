"""Chart rendering benchmark: N synthetic charts rendered one by one in a loop (Altair spec,
then vl-convert SVG and PNG, no cache), against a cold `factpress build` (which also makes the
vega-embed bundle and the whole site), a build with only the charts cold, and a cached one.

    python benchmarks/chart_bench.py            # N = 10 and 100
    python benchmarks/chart_bench.py 10 50      # other sizes
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
