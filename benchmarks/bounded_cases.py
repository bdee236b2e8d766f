"""How long each bounded bad input (tests/bad/*/case.json with "bounded": true) takes to fail:
an alias bomb, deep nesting, huge numbers, a FIFO, a chart or template that never ends...

    python benchmarks/bounded_cases.py [--runs 3] [--all]

Each case is laid over a built copy of tests/projects/mini and built with `factpress build` in a
fresh process, as a user runs it; the table gives the median wall time from start to exit
(process start and imports included) and the first line printed. --all times every case.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_bad_inputs import BAD, apply_case  # noqa: E402  the cases exactly as the tests lay them


def build(project: Path) -> tuple[float, int, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), SOURCE_DATE_EPOCH="1600000000")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "factpress", "build", str(project)], capture_output=True, text=True,
                          env=env, timeout=600)
    took = time.perf_counter() - start
    return took, done.returncode, (done.stderr or done.stdout).splitlines()[0] if (done.stderr or done.stdout) else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--all", action="store_true", help="every case, not only the bounded ones")
    args = parser.parse_args()
    cases = sorted(p.name for p in BAD.iterdir() if (p / "case.json").is_file())
    if not args.all:
        cases = [c for c in cases if json.loads((BAD / c / "case.json").read_text()).get("bounded")]
    with tempfile.TemporaryDirectory() as tmp:
        good = Path(tmp) / "good"
        for part in ("content", "charts"):
            shutil.copytree(ROOT / "tests" / "projects" / "mini" / part, good / part)
        assert build(good)[1] == 0, "the mini project must build"
        print("| case | fails in (median of %d) | exit | first line |" % args.runs)
        print("|---|---|---|---|")
        for name in cases:
            times, code, line = [], 0, ""
            for run in range(args.runs):
                project = Path(tmp) / f"{name}-{run}"
                shutil.copytree(good, project, symlinks=True)
                manifest = apply_case(project, BAD / name)
                took, code, line = build(project)
                times.append(took)
                for rel in manifest.get("sparse", {}) | {r: 0 for r in manifest.get("fifo", [])}:
                    (project / rel).unlink()
                shutil.rmtree(project, ignore_errors=True)
            shown = line.replace("|", "\\|")[:150]
            print(f"| {name} | {statistics.median(times):.2f} s | {code} | `{shown}` |")


if __name__ == "__main__":
    main()
