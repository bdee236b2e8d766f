"""Build one synthetic corpus with factpress, Hugo, Pelican and MkDocs, alternating, and report medians.

    python benchmarks/run.py --pages 100 --facts 1000 --charts 10 --repeat 3 [--tools factpress,hugo]

Each tool builds the same pages (benchmarks/corpus.py; the Markdown-only variant for the others).
Times are wall-clock medians of --repeat runs, peak memory is the maximum resident size reported by
/usr/bin/time. factpress is also timed for a no-change rebuild, a one-page prose edit and a
one-fact edit. Results print as a Markdown table with each tool's ratio to factpress.
"""
from __future__ import annotations

import argparse
import os
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--facts", type=int, default=1000)
    ap.add_argument("--charts", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tools", default="factpress,hugo,pelican,mkdocs")
    args = ap.parse_args()
    tools = [t for t in args.tools.split(",") if t == "factpress" or shutil.which(t)]
    with tempfile.TemporaryDirectory() as tmp:
        projects = {t: setup(t, Path(tmp), args) for t in tools}
        cold: dict[str, list[tuple[float, int]]] = {t: [] for t in tools}
        for _ in range(args.repeat):  # alternate tools in each round so drift hits all alike
            for t in tools:
                d, cmd, out = projects[t]
                clear(d, out)
                cold[t].append(timed(cmd, d))
        rows = {t: (statistics.median(s for s, _ in v), max(m for _, m in v)) for t, v in cold.items()}
        extra = {}
        if "factpress" in tools:
            d, cmd, _ = projects["factpress"]
            timed(cmd, d)
            extra["no-change rebuild"] = statistics.median(timed(cmd, d)[0] for _ in range(args.repeat))
            page = d / "content" / "p00001.md"
            times = []
            for i in range(args.repeat):
                page.write_text(page.read_text("utf-8") + f"\nEdited {i}.\n", "utf-8")
                times.append(timed(cmd, d)[0])
            extra["one-page prose edit"] = statistics.median(times)
            facts = d / "content" / "facts" / "f0000.yaml"
            times = []
            for i in range(args.repeat):
                facts.write_text(facts.read_text("utf-8").replace("label: Figure 0\n", f"label: Figure 0.{i}\n", 1)
                                 .replace(f"label: Figure 0.{i - 1}\n", f"label: Figure 0.{i}\n", 1), "utf-8")
                times.append(timed(cmd, d)[0])
            extra["one-fact edit"] = statistics.median(times)
    base = rows.get("factpress", (None,))[0]
    print(f"pages={args.pages} facts={args.facts} charts={args.charts} repeat={args.repeat}\n")
    print("| tool | cold build, median s | peak RSS MB | time / factpress |\n|---|---|---|---|")
    for t, (s, m) in rows.items():
        ratio = f"{s / base:.2f}" if base else "-"
        print(f"| {t} | {s:.2f} | {m / 1024:.0f} | {ratio} |")
    for name, s in extra.items():
        print(f"| factpress {name} | {s:.2f} | | |")


if __name__ == "__main__":
    main()
