"""Check every address an author wrote in a page against the site as it was rendered: a link
to a file the site does not have, to an anchor that page does not hold, an image that is not in
the site, or one from another host (the site works offline and its Content-Security-Policy loads
images from itself only) is a warning at its page:line; `check --strict` makes it a failure."""
from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urlsplit

from factpress.project.fields import did_you_mean
from factpress.shared.diagnostics import Diagnostics
from factpress.site.assemble import Site

SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
ID_RE = re.compile(rb'\sid="([^"]+)"')


class _Ids:
    """The ids of each HTML file of the site, read once when first asked for."""

    def __init__(self, files: dict[str, bytes]):
        self.files, self.known = files, {}

    def of(self, name: str) -> set[str]:
        if name not in self.known:
            self.known[name] = {m.decode("utf-8", "replace") for m in ID_RE.findall(self.files.get(name, b""))}
        return self.known[name]


def check_links(site: Site, files: dict[str, bytes], diags: Diagnostics) -> None:
    ids = _Ids(files)
    for page in ([site.home] if site.home else []) + list(site.pages):
        for link in page.links:
            problem = _problem(link.kind, link.target, page.href, files, ids)
            if problem:
                diags.warning(page.loc(link.line, link.col), problem, code="broken-link")


def _problem(kind: str, target: str, here: str, files: dict[str, bytes], ids: _Ids) -> str:
    what = "image" if kind == "image" else "link to"
    if target.startswith("//") or SCHEME_RE.match(target):
        if kind == "image" and urlsplit(target).scheme.lower() in ("http", "https", ""):
            return (f"image '{target}' is on another host: the site would not work offline and its "
                    "Content-Security-Policy loads images from the site only; put the file in static/")
        return ""
    path, _, frag = target.partition("#")
    path = unquote(path.partition("?")[0])
    if path.startswith("/"):
        return (f"{what} '{target}' starts at the root of the host, which breaks when the site is published "
                "under a path; write it relative to the page")
    name = posixpath.normpath(posixpath.join(posixpath.dirname(here), path)) if path else here
    if path.endswith("/") or name == ".":
        name = posixpath.join(name, "index.html") if name != "." else "index.html"
    if name.startswith("../") or name == "..":
        return f"{what} '{target}' leads out of the site"
    if name not in files:
        if kind == "image":
            return f"image '{target}' is not in the site; put the file in static/ (static/{name} is published as {name})"
        if name.endswith(".md") and name[:-3] + ".html" in files:
            return f"link to '{target}' leads nowhere: pages are linked by their .html name ('{name[:-3]}.html')"
        hint = did_you_mean(name, [f for f in files if f.endswith(".html")])
        return f"link to '{target}' leads nowhere: the site has no {name}" + (f" ({hint})" if hint else "")
    if frag and name.endswith(".html") and unquote(frag) not in ids.of(name):
        hint = did_you_mean(unquote(frag), ids.of(name))
        return f"link to '{target}': {name} has no anchor '#{frag}'" + (f" ({hint})" if hint else "")
    return ""
