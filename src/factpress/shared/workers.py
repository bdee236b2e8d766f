"""Work shared among forked processes: pages to parse, pages to render.

The workers are forked, so they inherit the function and everything it reads (the files, the
assembled site): only an index goes to a worker and only its result comes back. Where fork is
not available (Windows), callers do the work in this process.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator

_job: Callable[[int], object] | None = None  # set in each worker process only, never in the parent


def _install(job: Callable[[int], object]) -> None:
    global _job
    _job = job


def _run(i: int) -> tuple[int, object]:
    return i, _job(i)  # type: ignore[misc]


def can_fork() -> bool:
    return hasattr(os, "fork")  # where multiprocessing offers "fork", without importing it for a small build


class ForkedMap:
    """job(0) .. job(n - 1) in `jobs` forked workers, which start at once; iterate for (i, result)
    in the order they finish; close() stops the workers (also when not every result was read)."""

    def __init__(self, job: Callable[[int], object], n: int, jobs: int):
        import multiprocessing

        # Forked, the workers receive the job as it is (a closure over the build's data), unpickled.
        self.pool = multiprocessing.get_context("fork").Pool(min(jobs, n), initializer=_install, initargs=(job,))
        chunk = max(1, min(32, n // (jobs * 8)))
        self.arriving = self.pool.imap_unordered(_run, range(n), chunksize=chunk)

    def __iter__(self) -> Iterator[tuple[int, object]]:
        return iter(self.arriving)

    def close(self) -> None:
        self.pool.terminate()
        self.pool.join()
