"""Progress of a long build on a terminal: one line, rewritten in place, on standard error.

Shown only when standard error is a terminal, the build is not --quiet, and the environment is
not a CI runner (CI set) or a dumb terminal; elsewhere every call is a no-op. The line is
redrawn at most ten times a second and erased when the build ends, so the output that follows
(warnings, the summary line) reads as without it.
"""
from __future__ import annotations

import os
import sys
import time
from typing import TextIO


class Progress:
    """No output: the default, and what quiet, CI and pipes get."""

    def stage(self, name: str, total: int = 0, done: int = 0) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


class TerminalProgress(Progress):
    INTERVAL = 0.1

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.name, self.total, self.done = "", 0, 0
        self.started = time.monotonic()
        self.last = 0.0
        self.width = 0

    def stage(self, name: str, total: int = 0, done: int = 0) -> None:
        self.name, self.total, self.done = name, total, done
        self._draw(force=True)

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._draw(force=self.done >= self.total)

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < self.INTERVAL:
            return
        self.last = now
        count = f" {self.done}/{self.total}" if self.total else ""
        line = f"factpress: {self.name}{count}  {now - self.started:.1f} s"
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def close(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def for_terminal(quiet: bool = False, stream: TextIO | None = None) -> Progress:
    stream = stream or sys.stderr
    if quiet or os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return Progress()
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return TerminalProgress(stream) if tty else Progress()


class StageClock(Progress):
    """Times each stage of a build (for `build -v`) and passes every call on to another Progress."""

    def __init__(self, inner: Progress):
        self.inner = inner
        self.spent: dict[str, float] = {}
        self.current = ""
        self.since = time.perf_counter()

    def _lap(self) -> None:
        now = time.perf_counter()
        if self.current:
            self.spent[self.current] = self.spent.get(self.current, 0.0) + now - self.since
        self.since = now

    def stage(self, name: str, total: int = 0, done: int = 0) -> None:
        if name != self.current:
            self._lap()
            self.current = name
        self.inner.stage(name, total, done)

    def advance(self, n: int = 1) -> None:
        self.inner.advance(n)

    def close(self) -> None:
        self._lap()
        self.current = ""
        self.inner.close()

    def summary(self) -> str:
        """'reading 0.12 s, pages 0.80 s, ...; total 1.30 s', stages in the order they began."""
        parts = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.spent.items())
        return f"{parts}; total {sum(self.spent.values()):.2f} s"
