"""Whether this process keeps the last build's inputs in memory for the next build.

The preview server builds again and again in one process: it keeps parsed files, facts and read
inputs between builds so an edit costs only what it changed. A one-off `factpress build` builds
once, so it keeps nothing it does not need (less memory at the peak of a large build).
"""
from __future__ import annotations

import contextlib
import gc

KEEP = False


def keep_between_builds(on: bool = True) -> None:
    global KEEP
    KEEP = on


@contextlib.contextmanager
def collector_paused():
    """Python's cycle collector off while a build makes its many short-lived objects (tokens,
    template contexts): it would scan the parsed pages again and again, about a tenth of the
    build's time. Whatever cycles the build made are left to the collector's next run."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
