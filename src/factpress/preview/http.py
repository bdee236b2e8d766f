"""The preview's HTTP side: the site from memory under its published base path, the reload channel, error pages.

Only files the build produced can be served: requests name keys of the in-memory site, never
paths on disk, so `..`, encoded `..` and symbolic links cannot reach anything else.
"""
from __future__ import annotations

import errno
import html
import ipaddress
import mimetypes
import re
import socket
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from factpress.preview.rebuild import Preview, Snapshot

EVENTS = "/__factpress/events"
CLIENT = "/__factpress/reload.js"
CLIENT_JS = (Path(__file__).parent / "client.js").read_bytes()
KEEPALIVE_SECONDS = 10.0  # an event-stream comment this often finds closed tabs and keeps proxies from timing out
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
HOST_RE = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::[0-9]{1,5})?")
READ_SECONDS = 10.0  # for a request's line and headers to arrive, all of them
IDLE_SECONDS = 30.0  # for any one read or write on a connection
MAX_CONNECTIONS = 64  # open at once (each open tab holds one for its reload channel)
EVICT_SECONDS = 1.0  # at the limit, a connection that has sent no request for this long makes room

# Fixed here, not left to the mimetypes module: its table comes from the machine's own files and varies.
TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8", ".json": "application/json", ".csv": "text/csv; charset=utf-8",
    ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".ico": "image/x-icon", ".pdf": "application/pdf", ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8", ".woff2": "font/woff2", ".woff": "font/woff",
    ".webmanifest": "application/manifest+json", ".map": "application/json",
}


def content_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


@dataclass(frozen=True)
class Route:
    status: int
    name: str = ""  # the site file to send, for 200
    location: str = ""  # where to go, for a redirect


def route(target: str, base: str, files: dict[str, bytes]) -> Route:
    """Map a request target to a file of the site, a redirect, or a refusal."""
    path = unquote(urlsplit(target).path)
    if path == "/" or path + "/" == base:
        return Route(302, location=base)
    if not path.startswith(base):
        return Route(404)
    rel = path[len(base):]
    if any(part in (".", "..") or "\\" in part or "\0" in part for part in rel.split("/")):
        return Route(403)
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    if rel in files:
        return Route(200, name=rel)
    if f"{rel}/index.html" in files:
        return Route(302, location=quote(f"{base}{rel}/"))
    return Route(404)


def inject_client(page: bytes, epoch: str) -> bytes:
    """Add the reload script at the end of the body; only served pages get it, built files never do."""
    tag = f'<script src="{CLIENT}" data-epoch="{epoch}" data-events="{EVENTS}"></script>\n'.encode()
    at = page.lower().rfind(b"</body>")
    return page[:at] + tag + page[at:] if at >= 0 else page + tag


def message_page(title: str, paragraphs: list[str], errors: tuple[str, ...] = ()) -> bytes:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in errors)
    box = f'<section id="factpress-errors"><ul>{items}</ul></section>\n' if errors else ""
    text = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n</head>\n<body>\n<h1>{html.escape(title)}</h1>\n"
            f"{text}{box}</body>\n</html>\n").encode()


def not_found_page(path: str, base: str) -> bytes:
    where = html.escape(base)
    return message_page("Not found", [
        f"Nothing at <code>{html.escape(path)}</code>. The preview serves the site under "
        f"<a href=\"{where}\"><code>{where}</code></a>, as it will be published, so a link that leaves it "
        "is broken on the published site too."])


def refused_page() -> bytes:
    return message_page("Refused", ["The preview serves the files of the built site only; "
                                    "this path (with <code>..</code> or a backslash) tries to leave it."])


def failure_page(snap: Snapshot) -> bytes:
    return message_page("The build failed", [
        "There is no good build to show yet. Fix the problems below; this page reloads by itself."], snap.errors)


class Handler(BaseHTTPRequestHandler):
    server: "PreviewServer"
    server_version = "factpress-preview"
    timeout = IDLE_SECONDS  # the socket's: a peer that stops reading or writing is dropped

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        self.server.answering(self.request)
        if not self._host_allowed():
            names = ", ".join(sorted(self.server.names))
            return self._send(403, f"the preview answers to {names} only\n".encode(), "text/plain; charset=utf-8",
                              send_body)
        path = urlsplit(self.path).path
        if path == EVENTS:
            return self._events()
        if path == CLIENT:
            return self._send(200, CLIENT_JS, content_type(CLIENT), send_body)
        snap = self.server.preview.current()
        if snap.files is None:
            return self._send(503, inject_client(failure_page(snap), snap.epoch), TYPES[".html"], send_body)
        found = route(self.path, snap.base_path, snap.files)
        if found.location:
            return self._send(found.status, b"", "", send_body, {"Location": found.location})
        if found.status != 200:
            page = refused_page() if found.status == 403 else not_found_page(unquote(path), snap.base_path)
            return self._send(found.status, inject_client(page, snap.epoch), TYPES[".html"], send_body)
        data, kind = snap.files[found.name], content_type(found.name)
        if kind.startswith("text/html"):
            data = inject_client(data, snap.epoch)
        self._send(200, data, kind, send_body)

    def _send(self, status: int, body: bytes, kind: str, send_body: bool, headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": kind, "Content-Length": str(len(body)), "Cache-Control": "no-store",
                            "X-Content-Type-Options": "nosniff", **(headers or {})}.items():
            if value:
                self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _events(self) -> None:
        """Server-sent events: the state (epoch, errors) now, then each time it changes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        preview, seen = self.server.preview, -1
        self.wfile.write(b"retry: 500\n\n")  # reconnect fast when the server restarts
        while not preview.closed:
            snap = preview.next_change(seen, KEEPALIVE_SECONDS)
            if preview.closed:
                break
            message = f"event: build\ndata: {snap.state_json()}\n\n" if snap.seq != seen else ": keep-alive\n\n"
            seen = snap.seq
            self.wfile.write(message.encode())
            self.wfile.flush()

    def _host_allowed(self) -> bool:
        # Only the names the server was asked to answer to: a web page elsewhere cannot rebind its
        # own name (127.attacker.example) to this machine and read the preview.
        host = self.headers.get("Host")
        if not host:
            return True  # HTTP/1.0 without a Host: not a browser
        m = HOST_RE.fullmatch(host)
        if m is None:  # not a host name at all: an unclosed [, a user@ part
            return False
        return self.server.allows(m.group(1).strip("[]").lower())

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        pass  # one line per request would drown the build messages


class PreviewServer(ThreadingHTTPServer):
    """The preview's HTTP server: answers only to the names it was asked to, drops a request
    whose headers take longer than READ_SECONDS, and holds at most MAX_CONNECTIONS at once."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], preview: Preview, family: int, name: str | None = None):
        self.address_family = family
        self.preview = preview
        self._open: dict = {}  # connection -> [accepted at, still reading its request]
        self._lock = threading.Lock()
        self._closing = threading.Event()
        super().__init__(address, Handler)  # may fail (a busy port), closing the server
        bound = str(self.server_address[0]).lower()
        self.loopback = _is_loopback(address[0])
        self.wildcard = bound in ("0.0.0.0", "::")
        self.names = {"localhost"} | ({bound} if not self.wildcard else set()) | ({name.lower()} if name else set())
        threading.Thread(target=self._reap, name="factpress-reaper", daemon=True).start()

    def allows(self, name: str) -> bool:
        """Whether a Host name is one this server answers to; bound to every address, any address
        literal too (an address cannot be rebound, and it is how other machines reach it)."""
        if name in self.names:
            return True
        if self.wildcard:
            try:
                ipaddress.ip_address(name)
                return True
            except ValueError:
                return False
        return False

    def get_request(self):
        try:
            return super().get_request()
        except OSError as exc:
            if exc.errno in (errno.EMFILE, errno.ENFILE):
                time.sleep(0.05)  # out of file descriptors: wait for some to close instead of spinning
            raise

    def process_request(self, request, client_address) -> None:
        with self._lock:
            room = len(self._open) < MAX_CONNECTIONS or self._evict()
            if room:
                self._open[request] = [time.monotonic(), True]
        if not room:
            try:
                request.settimeout(1.0)
                request.sendall(b"HTTP/1.0 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._lock:
                self._open.pop(request, None)

    def answering(self, request) -> None:
        """The request's headers are in: from now on only IDLE_SECONDS applies (the reload channel lives long)."""
        with self._lock:
            entry = self._open.get(request)
            if entry is not None:
                entry[1] = False

    def _evict(self) -> bool:
        """Make room by dropping the connection that has waited longest without sending a request."""
        now = time.monotonic()
        waiting = [(since, id(conn), conn) for conn, (since, reading) in self._open.items()
                   if reading and now - since > EVICT_SECONDS]
        if not waiting:
            return False
        conn = min(waiting)[2]
        _hang_up(conn)
        del self._open[conn]
        return True

    def _reap(self) -> None:
        while not self._closing.wait(0.5):
            now = time.monotonic()
            with self._lock:
                for conn, (since, reading) in list(self._open.items()):
                    if reading and now - since > READ_SECONDS:
                        _hang_up(conn)

    def server_close(self) -> None:
        self._closing.set()
        super().server_close()

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):  # a tab closed mid-answer is normal
            super().handle_error(request, client_address)


def _hang_up(conn) -> None:
    """End a connection from another thread: its handler's blocking read returns at once."""
    try:
        conn.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _is_loopback(host: str) -> bool:
    return host in LOOPBACK_NAMES or host.startswith("127.")
