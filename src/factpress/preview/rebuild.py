"""Preview state: the last good site held in memory, the last build's errors, and the loop that rebuilds on change.

Request threads read a Snapshot; the rebuild thread replaces it. Nothing here touches the disk.
"""
from __future__ import annotations

import dataclasses
import json
import re
import secrets
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from factpress.build import BuildResult, run_build
from factpress.project.settings import BaseUrl, Settings
from factpress.shared.cache import BuildCache
from factpress.shared.diagnostics import BuildFailed
from factpress.site.output import MemoryOutput

HOLD_SECONDS = 120.0  # longest a request waits for a running build before it gets the last site


@dataclass(frozen=True)
class Snapshot:
    files: dict[str, bytes] | None  # the last good site; None until a build succeeds
    base_path: str  # where the published site lives, e.g. /repo/
    epoch: str  # names this version of the site; a tab showing another one reloads
    errors: tuple[str, ...]  # the last build's errors as path:line:col lines; empty after a good build
    seq: int = 0  # bumps whenever epoch or errors change, to wake the event streams

    def state_json(self) -> str:
        return json.dumps({"epoch": self.epoch, "errors": list(self.errors), "site": self.files is not None})


class Preview:
    """What the server shows. Requests wait while a build runs, so a reload never gets the old site."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._boot = secrets.token_hex(4)  # a restarted server never reuses an open tab's epoch
        self._version = 0
        self._snap = Snapshot(None, "/", self._epoch(), ())
        self._building = False
        self.closed = False

    def _epoch(self) -> str:
        return f"{self._boot}-{self._version}"

    def hold(self) -> None:
        with self._cond:
            self._building = True

    def succeeded(self, files: dict[str, bytes], base_path: str, changed: bool, hold: bool = False) -> None:
        with self._cond:
            if changed or self._snap.files is None:
                self._version += 1
            self._publish(hold, files=files, base_path=base_path, epoch=self._epoch(), errors=())

    def failed(self, errors: list[str], hold: bool = False) -> None:
        with self._cond:
            self._publish(hold, errors=tuple(errors))

    def _publish(self, hold: bool, **fields) -> None:
        old = self._snap
        new = dataclasses.replace(old, **fields)
        if (new.epoch, new.errors) != (old.epoch, old.errors):
            new = dataclasses.replace(new, seq=old.seq + 1)
        self._snap = new
        self._building = hold
        self._cond.notify_all()

    def current(self, hold: float = HOLD_SECONDS) -> Snapshot:
        with self._cond:
            self._cond.wait_for(lambda: not self._building or self.closed, hold)
            return self._snap

    def next_change(self, seen: int, timeout: float) -> Snapshot:
        """The snapshot once its seq differs from `seen`, or the same one after `timeout` seconds."""
        with self._cond:
            self._cond.wait_for(lambda: self._snap.seq != seen or self.closed, timeout)
            return self._snap

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()


Build = Callable[[Path, MemoryOutput, BuildCache], BuildResult]


def build_in_process(root: Path, output: MemoryOutput, cache: BuildCache, base_url: BaseUrl | None = None) -> BuildResult:
    """The preview's build: pages are parsed in this process (the server's threads make forking
    unsafe), and what the last build read, parsed and rendered is reused from the cache; the
    caches on disk are written by the first build only."""
    return run_build(root, output, jobs=1, cache=cache, base_url=base_url)


def preview_path(settings: Settings, root: Path) -> str:
    """Where the preview serves the site: the path of its base_url; without one, /FOLDER/, where
    GitHub Pages would publish a repository named like the project folder (so a link that works
    only at the top of a host shows as broken here, as it would be there)."""
    if settings.base_url:
        return settings.base_path
    name = re.sub(r"[^a-z0-9._-]+", "-", root.resolve().name.lower()).strip("-.") or "report"
    return f"/{name}/"


class Rebuilder:
    """Runs the real build in its own thread. Changes that arrive during a build make one more build, not many.

    One MemoryOutput and one BuildCache live across builds, so each build knows which files it
    changed and reuses whatever the last one read, parsed and rendered.
    """

    def __init__(self, root: Path, preview: Preview, say: Callable[..., None], build: Build = build_in_process,
                 debug: bool = False):
        self.root, self.preview, self.say, self.build, self.debug = root, preview, say, build, debug
        self.output = MemoryOutput()
        self.cache = BuildCache(keep=True, persist=None)
        self._pending: set[str] | None = None  # None: nothing to do; a set: build, these paths changed
        self._cond = threading.Condition()
        self._stopped = False
        self._warnings: list[str] | None = None
        self._thread = threading.Thread(target=self._loop, name="factpress-rebuild", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, wait: float = 2.0) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._thread.ident is not None:
            self._thread.join(wait)

    def request(self, changed: set[str]) -> None:
        """Ask for a build; callable from any thread. Requests are held from now until it is done."""
        with self._cond:
            self._pending = (self._pending or set()) | changed
            self.preview.hold()
            self._cond.notify_all()

    def _loop(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending is not None or self._stopped)
                if self._stopped:
                    return
                changed, self._pending = self._pending, None
            self._build_once(changed)

    def _build_once(self, changed: set[str]) -> None:
        # Messages go out before the new state is published, so they come before any reload they cause.
        started = time.perf_counter()
        again = "re" if changed else ""
        try:
            result = self.build(self.root, self.output, self.cache)
        except BuildFailed as exc:
            lines = [d.format() for d in exc.diagnostics] or [exc.message]
            self.say("\n".join(lines), err=True)
            self.say(f"{_what(changed)}{again}build failed; {self._showing()}", err=True)
            return self._finish(lambda more: self.preview.failed(lines, hold=more))
        except Exception as exc:  # a bug in the pipeline must not take the preview down with it
            line = f"factpress: unexpected error: {type(exc).__name__}: {exc}; run again with --debug for details"
            self.say(traceback.format_exc() if self.debug else line, err=True)
            return self._finish(lambda more: self.preview.failed([line], hold=more))
        updated = len(result.report.written) + len(result.report.removed)
        self._echo_warnings(result)
        took = time.perf_counter() - started
        self.say(f"{_what(changed)}{again}built in {took:.2f} s: {updated} file{'s' if updated != 1 else ''} updated")
        base_path = preview_path(result.site.settings, self.root)
        self._finish(lambda more: self.preview.succeeded(self.output.files, base_path, bool(updated), hold=more))

    def _finish(self, publish: Callable[[bool], None]) -> None:
        # Under our lock, so a change that arrived during the build keeps requests held for the next one.
        with self._cond:
            publish(self._pending is not None)

    def _showing(self) -> str:
        if self.preview.current(hold=0).files is None:
            return "the preview shows these errors until they are fixed"
        return "the preview keeps the last good site and shows these errors over it"

    def _echo_warnings(self, result: BuildResult) -> None:
        warnings = [d.format() for d in result.diagnostics.sorted() if d.severity == "warning"]
        if warnings != self._warnings and warnings:
            self.say("\n".join(warnings), err=True)
        self._warnings = warnings


def _what(changed: set[str]) -> str:
    if not changed:
        return ""
    names = sorted(changed)
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"{shown} changed: "
