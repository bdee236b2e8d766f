"""A time limit on work done in this process, such as rendering one template: a watchdog thread
raises TimeLimit in the thread that is over its time.

The exception is raised asynchronously (CPython's PyThreadState_SetAsyncExc), so it interrupts a
loop written in Python (a template's) in any thread, the preview's build thread included; a long
call into C code ends before it sees it. One watchdog thread serves every limit of a Deadline;
arming and disarming cost a lock each, so a site of thousands of pages pays nothing noticeable.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import threading
import time


class TimeLimit(Exception):
    """The work ran past its time; the caller knows which limit it was."""


_POLL = 0.25  # how often an idle watchdog looks for a new limit


class Deadline:
    """Limits of `seconds` each, armed with `with deadline.limit():`; close() ends the watchdog."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._pid = None
        self._armed = None  # (thread id, deadline, generation) of the limit in force
        self._fired = -1  # the generation the watchdog interrupted
        self._gen = 0
        self._closed = threading.Event()

    def _start(self) -> None:
        """A watchdog for this process (a forked worker inherits the object, not the thread)."""
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._closed = threading.Event()
        threading.Thread(target=self._watch, name="factpress-deadline", daemon=True).start()

    @contextlib.contextmanager
    def limit(self):
        if self._pid != os.getpid():
            self._start()
        ident = threading.get_ident()
        if self._armed is not None and self._armed[0] == ident:  # nested: the outer limit stands
            yield
            return
        with self._lock:
            self._gen += 1
            gen = self._gen
            self._armed = (ident, time.monotonic() + self.seconds, gen)
        try:
            yield
        finally:
            with self._lock:
                self._armed = None
                fired = self._fired == gen
            if fired:  # interrupted, but done before the exception arrived: take it back
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), None)

    def _watch(self) -> None:
        while not self._closed.is_set():
            armed = self._armed
            now = time.monotonic()
            if armed is None or armed[2] == self._fired:
                self._closed.wait(_POLL)
                continue
            if now < armed[1]:
                self._closed.wait(min(armed[1] - now, _POLL))
                continue
            with self._lock:
                if self._armed is armed:
                    self._fired = armed[2]
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(armed[0]), ctypes.py_object(TimeLimit))

    def close(self) -> None:
        self._closed.set()
