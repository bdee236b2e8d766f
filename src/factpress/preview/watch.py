"""Watch: the author's folders (content/, charts/, templates/, static/) for changes, reported as project paths.

watchfiles groups the events of one save (an editor's temp file, rename and chmod) into one set.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable

import watchfiles

WATCHED = ("content", "charts", "templates", "static")
STEP_MS = 50  # a batch is yielded once no event came for this long
TICK_MS = 250  # how often the loop looks up from the watch: to stop, and to notice a watched folder appear


class Watcher:
    def __init__(self, root: Path, on_change: Callable[[set[str]], None]):
        self.root = root.resolve()
        self.on_change = on_change
        self._filter = watchfiles.DefaultFilter()  # .git, __pycache__, swap and backup files
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="factpress-watch", daemon=True)

    def start(self, wait: float = 5.0) -> None:
        """Start watching; returns once the watch is in place, so no edit falls between it and a first build."""
        self._thread.start()
        self._ready.wait(wait)

    def stop(self, wait: float = 2.0) -> None:
        self._stop.set()
        if self._thread.ident is not None:
            self._thread.join(wait)

    def _folders(self) -> tuple[Path, ...]:
        return tuple(self.root / name for name in WATCHED if (self.root / name).is_dir())

    def _run(self) -> None:
        while not self._stop.is_set():
            folders = self._folders()
            try:
                moved = self._watch(folders)
            except (OSError, RuntimeError):  # a watched folder vanished mid-watch; look again
                self._ready.set()
                moved = {f.name for f in folders}
                self._stop.wait(TICK_MS / 1000)
            if moved and not self._stop.is_set():
                self.on_change(moved)

    def _watch(self, folders: tuple[Path, ...]) -> set[str]:
        """Report changes until the set of watched folders changes; return the folders that came or went."""
        # With no folder to watch yet (a fresh project), watch the project itself, not its subfolders.
        paths = folders or (self.root,)
        for changes in watchfiles.watch(*paths, watch_filter=self._relevant, step=STEP_MS, stop_event=self._stop,
                                        rust_timeout=TICK_MS, yield_on_timeout=True, recursive=bool(folders),
                                        raise_interrupt=False):
            self._ready.set()
            if changes:
                self.on_change({self._rel(path) for _, path in changes})
            now = self._folders()
            if now != folders:
                return {f.name for f in set(now) ^ set(folders)}
        return set()

    def _rel(self, path: str) -> str:
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return path

    def _relevant(self, change: watchfiles.Change, path: str) -> bool:
        # Hidden and backup files are never part of a build (see sources.py); an editor's temporary
        # file is one of them, and the rename that ends its save reports the real file anyway.
        parts = self._rel(path).split("/")
        hidden = any(p.startswith((".", "#")) or p.endswith("~") for p in parts)
        return not hidden and parts[0] in WATCHED and self._filter(change, path)
