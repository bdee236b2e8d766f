"""Serve: run the preview. Listen on a port, watch the author's files, rebuild on change, stop cleanly on a signal."""
from __future__ import annotations

import contextlib
import errno
import functools
import signal
import socket
import threading
from pathlib import Path

import click

from factpress.shared.diagnostics import FactpressError
from factpress.preview.http import PreviewServer
from factpress.preview.rebuild import Preview, Rebuilder, Snapshot, build_in_process
from factpress.project.settings import BaseUrl
from factpress.preview.watch import Watcher


def bind(host: str, port: int, preview: Preview, say, name: str | None = None) -> PreviewServer:
    """Listen on host:port, or on the next free port when it is busy (saying so); name: the host
    name asked for with --host, which the server answers to besides its address and localhost."""
    family = socket.getaddrinfo(host, port or None, type=socket.SOCK_STREAM)[0][0]
    busy: list[int] = []
    for candidate in range(port, port + 100) if port else [0]:
        try:
            server = PreviewServer((host, candidate), preview, family, name)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            busy.append(candidate)
            continue
        if busy:
            ports = f"port {busy[0]} is" if len(busy) == 1 else f"ports {busy[0]}-{busy[-1]} are"
            say(f"{ports} busy (another server is using it); using port {server.server_address[1]} instead")
        return server
    raise OSError(errno.EADDRINUSE, f"ports {port}-{port + 99} are all busy; choose another with --port")


def url_of(server: PreviewServer, base: str) -> str:
    host, port = server.server_address[:2]
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1" if host == "0.0.0.0" else "::1"  # a URL that works on this machine
    return f"http://{f'[{host}]' if ':' in host else host}:{port}{base}"


def run(root: Path, host: str | None, port: int, debug: bool = False, base_url: BaseUrl | None = None) -> None:
    """Build, serve and rebuild on every change until SIGINT or SIGTERM; then stop cleanly.
    base_url: the address given on the command line, over report.yaml's."""
    say = click.echo
    preview = Preview()
    rebuilder = Rebuilder(root, preview, say, build=functools.partial(build_in_process, base_url=base_url), debug=debug)
    watcher = Watcher(root, rebuilder.request)
    server = http = None
    with _signals_interrupt():
        try:
            server = _listen(host or "127.0.0.1", port, preview, say, host)
            http = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                    name="factpress-http", daemon=True)
            http.start()
            watcher.start()  # before the first build, so an edit during it is not missed
            rebuilder.start()
            rebuilder.request(set())
            snap = preview.current(hold=None)  # requests wait for this first build too
            _announce(server, snap, host, say)
            forever = threading.Event()
            while not forever.wait(0.25):  # until a signal raises KeyboardInterrupt here: woken every
                pass  # quarter second, since the kernel may hand SIGINT to another thread, which wakes no wait
        except KeyboardInterrupt:
            pass
        finally:
            watcher.stop()
            rebuilder.stop()
            preview.close()
            if http is not None:
                server.shutdown()
            if server is not None:
                server.server_close()
    say("stopped")


def _announce(server: PreviewServer, snap: Snapshot, host: str | None, say) -> None:
    url = url_of(server, snap.base_path)
    if snap.files is None:
        say(f"the first build failed; its errors are at {url} until they are fixed (Ctrl-C to stop)")
    else:
        say(f"serving the report at {url} (Ctrl-C to stop)")
    if host and not server.loopback:
        say(f"listening on {host}: other machines on your network can read this preview")


def _listen(host: str, port: int, preview: Preview, say, name: str | None) -> PreviewServer:
    try:
        return bind(host, port, preview, say, name)
    except OSError as exc:
        raise FactpressError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def _signals_interrupt():
    """SIGTERM stops the server the way Ctrl-C (SIGINT) does: as a KeyboardInterrupt in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
