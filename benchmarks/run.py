"""Build one synthetic corpus with factpress, Hugo, Pelican and MkDocs, alternating, and report medians.

    python benchmarks/run.py --pages 100 --facts 1000 --charts 10 --repeat 3 [--tools factpress,hugo]
    python benchmarks/run.py --pages 100,1000 --facts 1000 --charts 0 --json benchmarks/results/DAY.json

Each tool builds the same pages (benchmarks/corpus.py; the Markdown-only variant for the others).
Times are wall-clock medians of --repeat runs, peak memory is the maximum resident size reported by
/usr/bin/time. factpress is also timed for a no-change rebuild, a one-page prose edit and a
one-fact edit. Results print as a Markdown table with each tool's ratio to factpress. --pages takes
a comma-separated list to measure several corpus sizes in one go; --json FILE also writes every
figure with the machine and tool versions (benchmarks/to_report.py turns it into report facts).
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
from corpus import write_corpus  # noqa: E402

SRC = Path(__file__).resolve().parent.parent / "src"


def timed(cmd: list[str], cwd: Path) -> tuple[float, int]:
    """Seconds and peak resident kilobytes of one command."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1600000000",
               PYTHONPATH=os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])))
    # Every tool runs as its users run it, with Python's byte code cached: with caching turned off,
    # only factpress (run from this checkout, not from site-packages) would compile its modules anew.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "MAXRSS %M", *cmd], cwd=cwd, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    rss = int(re.findall(r"MAXRSS (\d+)", proc.stderr)[-1])
    return elapsed, rss


def setup(tool: str, root: Path, args) -> tuple[Path, list[str], list[str]]:
    """A project folder, its build command and the folders to clear for a cold build."""
    d = root / tool
    if tool == "factpress":
        write_corpus(d, args.pages, args.facts, args.charts, args.seed)
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


def rebuilds(d: Path, cmd: list[str], repeat: int) -> dict[str, float]:
    """factpress after a cold build: nothing changed, one page's prose edited, one fact edited."""
    timed(cmd, d)
    out = {"no_change_s": statistics.median(timed(cmd, d)[0] for _ in range(repeat))}
    page = d / "content" / "p00001.md"
    times = []
    for i in range(repeat):
        page.write_text(page.read_text("utf-8") + f"\nEdited {i}.\n", "utf-8")
        times.append(timed(cmd, d)[0])
    out["prose_edit_s"] = statistics.median(times)
    facts = d / "content" / "facts" / "f0000.yaml"
    times = []
    for i in range(repeat):
        facts.write_text(facts.read_text("utf-8").replace("label: Figure 0\n", f"label: Figure 0.{i}\n", 1)
                         .replace(f"label: Figure 0.{i - 1}\n", f"label: Figure 0.{i}\n", 1), "utf-8")
        times.append(timed(cmd, d)[0])
    out["fact_edit_s"] = statistics.median(times)
    return out


def measure(pages: int, tools: list[str], args) -> dict:
    """One corpus size: every tool's cold builds in alternation, then factpress's rebuilds."""
    run = argparse.Namespace(**{**vars(args), "pages": pages})
    with tempfile.TemporaryDirectory() as tmp:
        projects = {t: setup(t, Path(tmp), run) for t in tools}
        cold: dict[str, list[tuple[float, int]]] = {t: [] for t in tools}
        for _ in range(args.repeat):  # alternate tools in each round so drift hits all alike
            for t in tools:
                d, cmd, out = projects[t]
                clear(d, out)
                cold[t].append(timed(cmd, d))
        result = {"pages": pages, "tools": {
            t: {"cold_s": statistics.median(s for s, _ in v), "peak_rss_mb": max(m for _, m in v) / 1024}
            for t, v in cold.items()}}
        if "factpress" in tools:
            d, cmd, _ = projects["factpress"]
            result["factpress_rebuild"] = rebuilds(d, cmd, args.repeat)
    return rounded(result)


def rounded(result: dict) -> dict:
    """Seconds to the millisecond, memory to a tenth of a MB; ratios to factpress's cold build."""
    for figures in result["tools"].values():
        figures["cold_s"] = round(figures["cold_s"], 3)
        figures["peak_rss_mb"] = round(figures["peak_rss_mb"], 1)
    base = result["tools"].get("factpress", {}).get("cold_s")
    if base:
        for figures in result["tools"].values():
            figures["time_vs_factpress"] = round(figures["cold_s"] / base, 3)
        rebuild = result["factpress_rebuild"]
        for key in ("no_change", "prose_edit", "fact_edit"):
            rebuild[f"{key}_s"] = round(rebuild[f"{key}_s"], 3)
            rebuild[f"{key}_vs_cold"] = round(rebuild[f"{key}_s"] / base, 3)
    return result


def table(results: dict) -> str:
    lines = [f"facts={results['facts']} charts={results['charts']} repeat={results['repeat']}\n",
             "| pages | tool | cold build, median s | peak RSS MB | time / factpress |", "|---|---|---|---|---|"]
    for run in results["runs"]:
        for t, f in run["tools"].items():
            ratio = f"{f['time_vs_factpress']:.2f}" if "time_vs_factpress" in f else "-"
            lines.append(f"| {run['pages']} | {t} | {f['cold_s']:.2f} | {f['peak_rss_mb']:.0f} | {ratio} |")
        for key, name in (("no_change", "no-change rebuild"), ("prose_edit", "one-page prose edit"),
                          ("fact_edit", "one-fact edit")):
            if "factpress_rebuild" in run:
                r = run["factpress_rebuild"]
                lines.append(f"| {run['pages']} | factpress {name} | {r[key + '_s']:.2f} | | "
                             f"{r[key + '_vs_cold']:.3f} |")
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
    args = ap.parse_args()
    tools = [t for t in args.tools.split(",") if t == "factpress" or shutil.which(t)]
    sizes = [int(n) for n in args.pages.split(",")]
    results = {"date": datetime.datetime.now(datetime.timezone.utc).date().isoformat(),
               "facts": args.facts, "charts": args.charts, "repeat": args.repeat, "seed": args.seed,
               "machine": machine(), "versions": tool_versions(), "runs": []}
    for n in sizes:
        results["runs"].append(measure(n, tools, args))
        if args.json:  # written after every size, so a long run that is stopped keeps what it measured
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    print(table(results))


if __name__ == "__main__":
    main()
