"""Run chart files and render their specs in a few long-lived forked workers (one per core),
with a timeout on each chart's run and on its rendering; the workers' side is charts/worker.py.

A chart that runs or renders past the timeout is reported and its worker killed with everything
it started (its process group); a fresh worker then runs the file's other charts, so every
chart's error shows in the same build. Workers send their results back through the pipe and
this process keeps them in the chart cache. vl-convert runs only in the workers, never in this
process, so forking stays safe however long this process lives (the preview server).
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import wait

from factpress.charts.cache import ChartCache
from factpress.facts.model import FactBook
from factpress.project.files import SourceFile
from factpress.shared.diagnostics import SourceLocation


@dataclass
class FileRun:
    """What running one chart file gave: its chart definitions (id, title, description, line),
    a record per chart run, and problems (as charts/worker.problem makes them)."""

    defs: list = field(default_factory=list)
    records: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    skip: set = field(default_factory=set)  # charts done (or given up on) already

    def line_of(self, chart_id: str) -> int:
        return next((d[3] for d in self.defs if d[0] == chart_id), 0)


@dataclass
class RenderProblem:
    loc: SourceLocation
    message: str
    chart: str = ""


WARM_SECONDS = 120.0  # for a worker's renderer to start (vl-convert's first call), before a spec's own timeout
BUNDLE_SECONDS = 300.0  # for the vega-embed bundle, which takes a few seconds
STOP_SECONDS = 2.0  # a worker asked to stop that has not ended by then is killed


class _Worker:
    def __init__(self, ctx, target, args):
        self.conn, child_conn = ctx.Pipe()
        self.proc = ctx.Process(target=target, args=(child_conn, *args), daemon=True)
        self.proc.start()
        child_conn.close()
        try:
            os.setpgid(self.proc.pid, self.proc.pid)  # as the worker does itself: no moment in our group
        except OSError:
            pass
        self.task = None  # what it is doing: ("file", index) | ("render", key) | ("bundle",)
        self.current = None  # the chart it is running
        self.deadline = None

    def stop(self, kill: bool) -> None:
        """End the worker, and whatever processes the author's code started in its group."""
        if not kill:
            try:
                self.conn.send(None)
            except OSError:
                kill = True
        if kill:
            self.proc.kill()
        self.proc.join(STOP_SECONDS)
        if self.proc.exitcode is None:
            self.proc.kill()
            self.proc.join()
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:  # the group is empty: nothing was left behind
            pass
        self.conn.close()

    def ended(self) -> str:
        """How the worker's process ended, in a few words ('' when it ended normally)."""
        self.proc.join(STOP_SECONDS)
        code = self.proc.exitcode
        if code is None or code >= 0:
            return ""
        if -code == getattr(signal, "SIGXCPU", None):
            return " (it used more CPU time than its timeout allows)"
        if -code == signal.SIGKILL:
            return " (it was killed, likely for using too much memory)"
        try:
            return f" ({signal.Signals(-code).name})"
        except ValueError:
            return f" (signal {-code})"


def _problem(path: str, line: int, message: str, code: str, chart: str = "") -> dict:
    return {"path": path, "line": line, "col": 0, "message": message, "code": code, "hint": "", "chart": chart,
            "fact": ""}


class ChartRunner:
    """Runs the stale chart files and renders every spec not cached yet; with bundle, one worker
    also makes the vega-embed bundle. After run(): runs (one FileRun per file), rendered (the out
    keys rendered) and render_errors."""

    def __init__(self, stale: list[SourceFile], book: FactBook, cache: ChartCache, timeout: float, bundle: bool,
                 payload: Callable[[dict], str]):
        from factpress.charts.worker import worker

        self.stale, self.cache, self.timeout, self.payload = stale, cache, timeout, payload
        self.ctx = multiprocessing.get_context("fork")
        self.runs = [FileRun() for _ in stale]
        self.queue: deque = deque([("bundle",)] if bundle else [])  # the longest task first, so no core idles at the end
        self.queue.extend(("file", i) for i in range(len(stale)))
        self.rendering: dict[str, tuple[str, tuple[SourceLocation, str]]] = {}  # out key -> (payload, (place, id) of its first chart)
        self.render_errors: list[RenderProblem] = []
        cpu_seconds = 3 * timeout + 30  # CPU time per task: well past the timeout, for threads working in parallel
        self.target, self.args = worker, (stale, book, cache.data_dir, os.getpid(), cpu_seconds)
        self.workers: list[_Worker] = []
        self.size = min(os.cpu_count() or 1, 2 * len(stale) + bundle)

    @property
    def rendered(self) -> set[str]:
        return set(self.rendering)

    def run(self) -> "ChartRunner":
        self.workers = [_Worker(self.ctx, self.target, self.args) for _ in range(self.size)]
        try:
            while self._step():
                pass
        finally:
            for w in self.workers:
                w.stop(kill=w.task is not None)
        return self

    def _step(self) -> bool:
        """Hand out tasks, wait for a message or a deadline, and act on it; False when all is done."""
        for w in self.workers:
            if w.task is None and self.queue:
                self._dispatch(w)
        busy = [w for w in self.workers if w.task is not None]
        if not busy:
            return False
        deadlines = [w.deadline for w in busy if w.deadline is not None]
        ready = wait([w.conn for w in busy], None if not deadlines else max(0.0, min(deadlines) - time.monotonic()))
        now = time.monotonic()
        for i, w in enumerate(self.workers):
            if w.task is None:
                continue
            if w.conn in ready:
                self._receive(i, w, now)
            elif w.deadline is not None and now >= w.deadline:
                self._timed_out(i, w)
        return True

    def _dispatch(self, w: _Worker) -> None:
        task = self.queue.popleft()
        w.task, w.deadline = task, None
        if task[0] == "file":
            w.current, w.deadline = None, time.monotonic() + self.timeout
            w.conn.send(("file", task[1], set(self.runs[task[1]].skip)))
        elif task[0] == "render":
            w.current, w.deadline = None, time.monotonic() + WARM_SECONDS  # until the worker says the spec's rendering began
            w.conn.send(("render", task[1], self.rendering[task[1]][0]))
        else:
            w.deadline = time.monotonic() + BUNDLE_SECONDS
            w.conn.send(task)

    def _replace(self, i: int) -> None:
        self.workers[i].stop(kill=True)
        self.workers[i] = _Worker(self.ctx, self.target, self.args)

    def _timed_out(self, i: int, w: _Worker) -> None:
        if w.task[0] == "render":
            loc, name = self.rendering[w.task[1]][1]
            if w.current == "rendering":
                message = f"chart '{name}': rendering timed out after {self.timeout:g}s"
            else:
                message = f"chart '{name}': the renderer did not start within {WARM_SECONDS:g}s"
            self.render_errors.append(RenderProblem(loc, message, name))
            return self._replace(i)
        if w.task[0] == "bundle":
            self.render_errors.append(RenderProblem(SourceLocation("charts"),
                                                    f"making the vega-embed bundle timed out after {BUNDLE_SECONDS:g}s"))
            return self._replace(i)
        run, file = self.runs[w.task[1]], self.stale[w.task[1]]
        if w.current is None:
            run.errors.append(_problem(file.rel, 0, f"chart file timed out after {self.timeout:g}s", "chart-file"))
        else:
            run.errors.append(_problem(file.rel, run.line_of(w.current),
                                       f"chart '{w.current}' timed out after {self.timeout:g}s", "chart-timeout",
                                       w.current))
            run.skip.add(w.current)
            self.queue.appendleft(w.task)  # the file's other charts, in a fresh worker
        self._replace(i)

    def _stopped(self, i: int, w: _Worker) -> None:
        """The worker's process ended without a word (a crash in the author's code or a library)."""
        how = w.ended()
        if w.task[0] == "file":
            run, file = self.runs[w.task[1]], self.stale[w.task[1]]
            line = run.line_of(w.current) if w.current else 0
            run.errors.append(_problem(file.rel, line, f"chart '{w.current or file.rel}' stopped its process{how}",
                                       "chart-crashed" if w.current else "chart-file", w.current or ""))
        elif w.task[0] == "render":
            loc, name = self.rendering[w.task[1]][1]
            self.render_errors.append(RenderProblem(loc, f"chart '{name}': rendering stopped its process{how}", name))
        else:
            self.render_errors.append(RenderProblem(SourceLocation("charts"),
                                                    f"making the vega-embed bundle stopped its process{how}"))
        self._replace(i)

    def _receive(self, i: int, w: _Worker, now: float) -> None:
        try:
            msg = w.conn.recv()
        except EOFError:
            return self._stopped(i, w)
        kind = msg[0]
        if w.task[0] == "file":
            w.deadline = now + self.timeout  # each message starts the next step's time
        if kind == "render-start":
            w.current, w.deadline = "rendering", now + self.timeout
        elif kind == "rendered":
            self.cache.put(msg[1], msg[2])
            w.task = w.current = None
        elif kind == "bundle":
            self.cache.store_bundle(msg[1])
            w.task = None
        elif kind == "end":
            w.task = None
        elif kind == "render-error":
            loc, name = self.rendering[msg[1]][1]
            self.render_errors.append(RenderProblem(loc, f"chart '{name}' could not be rendered: {msg[2]}", name))
            w.task = w.current = None
        elif kind == "file-error":
            self.runs[w.task[1]].errors.append({**msg[1], "path": msg[1]["path"] or self.stale[w.task[1]].rel})
            w.task = None
        elif kind == "defs":
            self.runs[w.task[1]].defs = msg[1]
        elif kind == "start":
            w.current = msg[1]
        elif kind == "done":
            w.current = None
            self._done(w.task[1], msg[1], msg[2])

    def _done(self, index: int, chart_id: str, record: dict) -> None:
        """A chart ran: keep its record, and queue its spec for rendering unless it is cached."""
        run = self.runs[index]
        run.skip.add(chart_id)
        record = {"id": chart_id, **record}
        run.records.append(record)
        if record.get("spec") is None:
            return
        payload = self.payload(record)
        key = self.cache.out_key(payload)
        if key not in self.rendering and not self.cache.has(key):
            place = SourceLocation(self.stale[index].rel, run.line_of(chart_id))
            self.rendering[key] = (payload, (place, chart_id))
            self.queue.append(("render", key))
