"""Build one synthetic corpus with factpress, Hugo, Pelican and MkDocs, alternating, and report medians.

    python benchmarks/run.py --pages 100 --facts 1000 --charts 10 --repeat 3 [--tools factpress,hugo]
    python benchmarks/run.py --pages 100,1000 --facts 1000 --charts 0 --json benchmarks/results/DAY.json
    python benchmarks/run.py --pages 1000 --charts 0 --before OLD/src --small --json FILE   # before and after in one run

Each tool builds the same pages (benchmarks/corpus.py; the Markdown-only variant for the others).
Times are wall-clock medians of --repeat runs, peak memory is the maximum resident size reported by
/usr/bin/time. factpress is also timed for a no-change rebuild, a one-page prose edit and a
one-fact edit. Results print as a Markdown table with each tool's ratio to factpress. --pages takes
a comma-separated list to measure several corpus sizes in one go; --json FILE also writes every
figure with the machine and tool versions (benchmarks/to_report.py turns it into report facts).

factpress builds the corpus twice in each round: as it is (with its search index, which Pagefind
makes) and with `search: false`, since Hugo, Pelican and MkDocs index nothing. --before SRC also
builds both with the code in SRC (another checkout's src/), in the same rounds, so before and
after are measured side by side. --small adds the fixed cost (a one-page project without charts
against `factpress --help`) and the first report's cold build (site/ and .factpress-cache/
removed, the user's cache kept) against benchmarks/chart_floor.py, which only renders the chart
images that build ends with.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus, write_one_page  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"  # factpress runs from this checkout, whatever is installed


def timed(cmd: list[str], cwd: Path, src: Path = SRC) -> tuple[float, int]:
    """Seconds and peak resident kilobytes of one command; factpress's code from src. The CPU
    seconds it and its children used (user and system, from /usr/bin/time) go to CPU[cmd[0]..]."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1600000000",
               PYTHONPATH=os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")])))
    # Every tool runs as its users run it, with Python's byte code cached: with caching turned off,
    # only factpress (run from this checkout, not from site-packages) would compile its modules anew.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "MAXRSS %M CPU %U %S", *cmd], cwd=cwd, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    rss, user, system = re.findall(r"MAXRSS (\d+) CPU ([\d.]+) ([\d.]+)", proc.stderr)[-1]
    LAST_CPU[0] = float(user) + float(system)
    return elapsed, int(rss)


LAST_CPU = [0.0]  # CPU seconds of the last timed command: on a shared machine steadier than wall-clock time


FACTPRESS = ("factpress", "factpress-nosearch", "before", "before-nosearch")  # before: the code of --before


def setup(tool: str, root: Path, args) -> tuple[Path, list[str], list[str]]:
    """A project folder, its build command and the folders to clear for a cold build."""
    d = root / tool
    if tool in FACTPRESS:
        write_corpus(d, args.pages, args.facts, args.charts, args.seed)
        if tool.endswith("-nosearch"):
            with open(d / "content" / "report.yaml", "a", encoding="utf-8") as f:
                f.write("search: false\n")
        return d, [sys.executable, "-m", "factpress", "build", "-q", "."], ["site", ".factpress-cache"]
    write_corpus(d, args.pages, args.facts, 0, args.seed, markdown_only=True)
    if tool == "hugo":
        (d / "hugo.toml").write_text('baseURL = "https://example.org/bench/"\ntitle = "Bench"\n'
                                     'disableKinds = ["taxonomy", "term"]\n', "utf-8")
        return d, ["hugo", "--quiet", "--destination", "public"], ["public", "resources"]
    if tool == "mkdocs":
        (d / "mkdocs.yml").write_text("site_name: Bench\ndocs_dir: content\nsite_dir: site\n", "utf-8")
        return d, [sys.executable, "-m", "mkdocs", "build", "-q"], ["site"]
    if tool == "pelican":
        for page in (d / "content").glob("*.md"):  # Pelican reads its own metadata lines
            text = page.read_text("utf-8")
            _, meta, body = text.split("---\n", 2)
            page.write_text("".join(f"{k.strip().title()}: {v.strip()}\n" for k, v in
                                    (line.split(":", 1) for line in meta.splitlines())) + body, "utf-8")
        (d / "pelicanconf.py").write_text("SITENAME = 'Bench'\nTIMEZONE = 'UTC'\nCACHE_CONTENT = False\n"
                                          "FEED_ALL_ATOM = None\n", "utf-8")
        return d, [sys.executable, "-m", "pelican", "content", "-o", "output", "-s", "pelicanconf.py", "-q"], ["output"]
    raise SystemExit(f"unknown tool {tool}")


def clear(d: Path, names: list[str]) -> None:
    for n in names:
        shutil.rmtree(d / n, ignore_errors=True)


def tool_versions() -> dict[str, str]:
    """Versions of Python and of each tool that can be found, as their own --version prints them."""
    from importlib import metadata
    versions = {"python": platform.python_version()}
    for name in ("factpress", "pelican", "mkdocs"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    if shutil.which("hugo"):
        out = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout
        m = re.search(r"v(\d+\.\d+\.\d+)", out)
        if m:
            versions["hugo"] = m.group(1)
    return versions


def machine() -> dict:
    info = {"cpus": os.cpu_count(), "system": platform.system(), "machine": platform.machine()}
    try:
        info["memory_gb"] = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024 ** 3, 1)
    except (ValueError, OSError, AttributeError):
        pass
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        m = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.M)
        if m:
            info["cpu_model"] = m.group(1).strip()
    return info


def source(tool: str, args) -> Path:
    return Path(args.before) if tool.startswith("before") else SRC


def rebuilds(d: Path, cmd: list[str], repeat: int, src: Path = SRC) -> dict[str, float]:
    """factpress after a cold build: nothing changed, one page's prose edited, one fact edited."""
    timed(cmd, d, src)
    times, cpu = [], []
    for _ in range(repeat):
        times.append(timed(cmd, d, src)[0])
        cpu.append(LAST_CPU[0])
    out = {"no_change_s": statistics.median(times), "no_change_cpu_s": statistics.median(cpu)}
    page = d / "content" / "p00001.md"
    times = []
    for i in range(repeat):
        page.write_text(page.read_text("utf-8") + f"\nEdited {i}.\n", "utf-8")
        times.append(timed(cmd, d, src)[0])
    out["prose_edit_s"] = statistics.median(times)
    facts = d / "content" / "facts" / "f0000.yaml"
    times = []
    for i in range(repeat):
        facts.write_text(facts.read_text("utf-8").replace("label: Figure 0\n", f"label: Figure 0.{i}\n", 1)
                         .replace(f"label: Figure 0.{i - 1}\n", f"label: Figure 0.{i}\n", 1), "utf-8")
        times.append(timed(cmd, d, src)[0])
    out["fact_edit_s"] = statistics.median(times)
    return out


def measure(pages: int, tools: list[str], args) -> dict:
    """One corpus size: every tool's cold builds in alternation, then factpress's rebuilds."""
    run = argparse.Namespace(**{**vars(args), "pages": pages})
    with tempfile.TemporaryDirectory() as tmp:
        projects = {t: setup(t, Path(tmp), run) for t in tools}
        cold: dict[str, list[tuple[float, int]]] = {t: [] for t in tools}
        cpu: dict[str, list[float]] = {t: [] for t in tools}
        for _ in range(args.repeat):  # alternate tools in each round so drift hits all alike
            for t in tools:
                d, cmd, out = projects[t]
                clear(d, out)
                cold[t].append(timed(cmd, d, source(t, args)))
                cpu[t].append(LAST_CPU[0])
        result = {"pages": pages, "tools": {
            t: {"cold_s": statistics.median(s for s, _ in v), "peak_rss_mb": max(m for _, m in v) / 1024,
                "cpu_s": round(statistics.median(cpu[t]), 2)}
            for t, v in cold.items()}}
        for t in ("factpress", "before"):
            if t in tools:
                d, cmd, _ = projects[t]
                result[f"{t}_rebuild"] = rebuilds(d, cmd, args.repeat, source(t, args))
    return rounded(result)


def fixed_cost(args, root: Path) -> dict:
    """A one-page project without charts, built cold, against `factpress --help`, in alternation."""
    d = write_one_page(root / "one-page")
    out = {}
    for name in ("factpress", "before") if args.before else ("factpress",):
        src = source(name, args)
        helps, builds, help_cpu, build_cpu = [], [], [], []
        for _ in range(max(5, args.repeat)):
            helps.append(timed([sys.executable, "-m", "factpress", "--help"], d, src)[0])
            help_cpu.append(LAST_CPU[0])
            clear(d, ["site", ".factpress-cache"])
            builds.append(timed([sys.executable, "-m", "factpress", "build", "-q", "."], d, src)[0])
            build_cpu.append(LAST_CPU[0])
        out[name] = pair("build", builds, build_cpu, "help", helps, help_cpu)
    return out


def first_report(args, root: Path) -> dict:
    """The first report's cold build (site/ and .factpress-cache/ removed, the user's cache kept)
    against the floor: benchmarks/chart_floor.py rendering the charts' final images once each."""
    d = root / "report"
    for part in ("content", "charts", "templates"):
        if (ROOT / part).is_dir():
            shutil.copytree(ROOT / part, d / part, ignore=shutil.ignore_patterns("__pycache__"))
    cmd = [sys.executable, "-m", "factpress", "build", "-q", "."]
    out = {}
    for name in ("factpress", "before") if args.before else ("factpress",):
        src = source(name, args)
        clear(d, ["site", ".factpress-cache"])
        timed(cmd, d, src)  # fills the user's cache (the vega-embed bundle, compiled templates, images)
        specs = d.parent / f"floor-{name}.json"
        specs.write_text(json.dumps(final_charts(d)), "utf-8")
        floor = [sys.executable, str(Path(__file__).resolve().parent / "chart_floor.py"), str(specs),
                 str(src / "factpress" / "fonts")]
        builds, floors, build_cpu, floor_cpu = [], [], [], []
        for _ in range(args.repeat):
            clear(d, ["site", ".factpress-cache"])
            builds.append(timed(cmd, d, src)[0])
            build_cpu.append(LAST_CPU[0])
            floors.append(timed(floor, d, src)[0])
            floor_cpu.append(LAST_CPU[0])
        out[name] = {**pair("build", builds, build_cpu, "floor", floors, floor_cpu),
                     "charts": len(json.loads(specs.read_text("utf-8")))}
    return out


def pair(a: str, a_times: list[float], a_cpu: list[float], b: str, b_times: list[float], b_cpu: list[float]) -> dict:
    """Medians of two things timed in alternation, wall-clock and CPU, and the ratio of the first to the second."""
    ta, tb, ca, cb = (statistics.median(v) for v in (a_times, b_times, a_cpu, b_cpu))
    return {f"{a}_s": round(ta, 3), f"{b}_s": round(tb, 3), "ratio": round(ta / tb, 2),
            f"{a}_cpu_s": round(ca, 2), f"{b}_cpu_s": round(cb, 2), "cpu_ratio": round(ca / max(cb, 0.01), 2)}


def final_charts(project: Path) -> list[dict]:
    """The images a build ended with, for each chart, from its chart cache."""
    out = project / ".factpress-cache" / "charts" / "out"
    keys = sorted({p.name.split(".")[0] for p in out.glob("*.payload.json")})
    return [{name: (out / f"{key}.{name}").read_text("utf-8") for name in ("wide.json", "narrow.json", "export.svg")}
            for key in keys]


def rounded(result: dict) -> dict:
    """Seconds to the millisecond, memory to a tenth of a MB; ratios to factpress's cold build."""
    for figures in result["tools"].values():
        figures["cold_s"] = round(figures["cold_s"], 3)
        figures["peak_rss_mb"] = round(figures["peak_rss_mb"], 1)
    base = result["tools"].get("factpress", {}).get("cold_s")
    if base:
        for figures in result["tools"].values():
            figures["time_vs_factpress"] = round(figures["cold_s"] / base, 3)
    hugo = result["tools"].get("hugo", {}).get("cold_s")
    for t in FACTPRESS:
        if hugo and t in result["tools"]:
            result["tools"][t]["vs_hugo"] = round(result["tools"][t]["cold_s"] / hugo, 2)
            result["tools"][t]["cpu_vs_hugo"] = round(result["tools"][t]["cpu_s"] / max(result["tools"]["hugo"]["cpu_s"],
                                                                                         0.01), 2)
    for t in ("factpress", "before"):
        rebuild = result.get(f"{t}_rebuild")
        if rebuild is None:
            continue
        cold = result["tools"][t]["cold_s"]
        for key in ("no_change", "prose_edit", "fact_edit"):
            rebuild[f"{key}_s"] = round(rebuild[f"{key}_s"], 3)
            rebuild[f"{key}_vs_cold"] = round(rebuild[f"{key}_s"] / cold, 3)
        if "no_change_cpu_s" in rebuild:
            rebuild["no_change_cpu_vs_cold"] = round(rebuild["no_change_cpu_s"] / max(result["tools"][t]["cpu_s"], 0.01), 3)
            rebuild["no_change_cpu_s"] = round(rebuild["no_change_cpu_s"], 2)
    return result


def table(results: dict) -> str:
    lines = [f"facts={results['facts']} charts={results['charts']} repeat={results['repeat']}\n",
             "| pages | tool | cold build, median s | CPU s | peak RSS MB | time / factpress | time / Hugo | CPU / Hugo |",
             "|---|---|---|---|---|---|---|---|"]
    for run in results["runs"]:
        for t, f in run["tools"].items():
            ratio = f"{f['time_vs_factpress']:.2f}" if "time_vs_factpress" in f else "-"
            lines.append(f"| {run['pages']} | {t} | {f['cold_s']:.2f} | {f.get('cpu_s', '')} | {f['peak_rss_mb']:.0f} | "
                         f"{ratio} | {f.get('vs_hugo', '')} | {f.get('cpu_vs_hugo', '')} |")
        for t in ("factpress", "before"):
            for key, name in (("no_change", "no-change rebuild"), ("prose_edit", "one-page prose edit"),
                              ("fact_edit", "one-fact edit")):
                if f"{t}_rebuild" in run:
                    r = run[f"{t}_rebuild"]
                    cpu = (f"{r[key + '_cpu_s']} ({r[key + '_cpu_vs_cold']:.3f} x cold)" if key + "_cpu_s" in r else "")
                    lines.append(f"| {run['pages']} | {t} {name} | {r[key + '_s']:.2f} | {cpu} | | "
                                 f"{r[key + '_vs_cold']:.3f} x its cold build | | |")
    for name, f in results.get("fixed_cost", {}).items():
        lines.append(f"\none page, {name}: build {f['build_s']:.3f} s, --help {f['help_s']:.3f} s: {f['ratio']:.2f}x"
                     f" (CPU {f.get('build_cpu_s', '-')} s over {f.get('help_cpu_s', '-')} s: {f.get('cpu_ratio', '-')}x)")
    for name, f in results.get("first_report", {}).items():
        lines.append(f"first report, {name}: cold build {f['build_s']:.2f} s, floor ({f['charts']} charts) "
                     f"{f['floor_s']:.2f} s: {f['ratio']:.2f}x (CPU {f.get('build_cpu_s', '-')} s over "
                     f"{f.get('floor_cpu_s', '-')} s: {f.get('cpu_ratio', '-')}x)")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", default="100", help="corpus sizes, comma-separated: 100,1000,5000")
    ap.add_argument("--facts", type=int, default=1000)
    ap.add_argument("--charts", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tools", default="factpress,hugo,pelican,mkdocs")
    ap.add_argument("--json", type=Path, help="also write every figure to this file")
    ap.add_argument("--before", help="also measure the code in this src/ folder (another checkout's), side by side")
    ap.add_argument("--small", action="store_true", help="also the one-page fixed cost and the first report against its floor")
    args = ap.parse_args()
    tools = [t for t in args.tools.split(",") if t in FACTPRESS or shutil.which(t)]
    if "factpress" in tools:
        at = tools.index("factpress") + 1
        extra = ["factpress-nosearch"] + (["before", "before-nosearch"] if args.before else [])
        tools[at:at] = [t for t in extra if t not in tools]
    sizes = [int(n) for n in args.pages.split(",")]
    results = {"date": datetime.datetime.now(datetime.timezone.utc).date().isoformat(),
               "facts": args.facts, "charts": args.charts, "repeat": args.repeat, "seed": args.seed,
               "machine": machine(), "versions": tool_versions(), "runs": []}
    def save() -> None:
        if args.json:  # written after every part, so a long run that is stopped keeps what it measured
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(results, indent=2) + "\n", "utf-8")

    for n in sizes:
        results["runs"].append(measure(n, tools, args))
        save()
    if args.small:
        with tempfile.TemporaryDirectory() as tmp:
            results["fixed_cost"] = fixed_cost(args, Path(tmp))
            save()
            results["first_report"] = first_report(args, Path(tmp))
            save()
    print(table(results))


if __name__ == "__main__":
    main()
