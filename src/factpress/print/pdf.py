"""The PDF: the print document through WeasyPrint, tagged and reproducible, cached by its inputs."""
from __future__ import annotations

import datetime
import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from factpress.shared.cache import cache_warning
from factpress.shared.diagnostics import Diagnostics, SourceLocation
from factpress.print.document import PrintOptions, print_html
from factpress.site.assemble import Site

PDF_VARIANT = "pdf/ua-1"  # tagged, so screen readers can follow it
CACHE_DIR = Path(".factpress-cache") / "pdf"
CACHE_KEEP = 4  # PDFs kept, so switching between builds with and without the appendix stays cheap


@dataclass(frozen=True)
class PdfResult:
    data: bytes
    pages: int
    key: str
    cached: bool


def document_date(settings_date: str) -> str:
    """The PDF's date: SOURCE_DATE_EPOCH stands in for the clock; else the report's date; never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        moment = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return settings_date


def fonts_fingerprint() -> str:
    """The installed fonts, so that adding a font (say, a CJK one) makes a new PDF."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ""
    out = subprocess.run([fc_list, "--format", "%{file}|%{family}|%{style}|%{fontversion}\n"],
                         capture_output=True, text=True, check=False).stdout
    return "\n".join(sorted(out.splitlines()))


def pdf_key(html: str) -> str:
    import weasyprint

    h = hashlib.sha256()
    for part in (html, fonts_fingerprint(), weasyprint.__version__, PDF_VARIANT):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


class PdfCache:
    """PDFs by key in the project's cache folder: plain files, newest kept."""

    def __init__(self, root: Path):
        self.folder = root / CACHE_DIR

    def get(self, key: str) -> tuple[bytes, int, list[str]] | None:
        """The PDF, its page count and the addresses it left out."""
        try:
            pages, *refused = (self.folder / f"{key}.pages").read_text("utf-8").split("\n")
            return (self.folder / f"{key}.pdf").read_bytes(), int(pages), [u for u in refused if u]
        except (OSError, ValueError):
            return None

    def put(self, key: str, data: bytes, pages: int, refused: list[str]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, content in ((f"{key}.pdf", data), (f"{key}.pages", "\n".join([str(pages), *refused]).encode())):
            tmp = self.folder / f".{name}.{os.getpid()}.tmp"
            try:
                tmp.write_bytes(content)
                os.replace(tmp, self.folder / name)
            except OSError:
                tmp.unlink(missing_ok=True)
                raise
        # Pruning by age is safe: validity comes from the key, age only decides what to forget.
        entries = sorted(self.folder.glob("*.pdf"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in entries[CACHE_KEEP:]:
            old.unlink(missing_ok=True)
            old.with_suffix(".pages").unlink(missing_ok=True)


def write_pdf(html: str, root: Path | None = None, refused: list[str] | None = None) -> tuple[bytes, int]:
    """PDF bytes and page count. Relative addresses (an image in a page) resolve as on the site,
    whose root holds static/'s files; only files of the project and data: URLs are read, and every
    other address (http:, a file elsewhere) is refused and added to `refused`."""
    import weasyprint

    base = (root / "static").resolve().as_uri() + "/" if root is not None else None
    fetcher = confined_fetcher(root, refused if refused is not None else [])
    document = weasyprint.HTML(string=html, base_url=base, url_fetcher=fetcher).render(pdf_variant=PDF_VARIANT)
    return document.write_pdf(pdf_variant=PDF_VARIANT), len(document.pages)


def confined_fetcher(root: Path | None, refused: list[str]):
    """WeasyPrint's URL fetcher, allowed data: URLs, the project's own files and factpress's bundled
    typeface, nothing else."""
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    from factpress.shared.fonts import FONT_DIR

    roots = [os.path.realpath(FONT_DIR)] + ([os.path.realpath(root)] if root is not None else [])

    class Confined(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file" and parts.netloc in ("", "localhost"):
                path = os.path.realpath(unquote(parts.path))
                if any(os.path.commonpath([path, top]) == top for top in roots) and os.path.isfile(path):
                    with open(path, "rb") as f:
                        return URLFetcherResponse(url, f.read(), {"Content-Type": _mime(path)})
            refused.append(url)
            raise ValueError(f"not fetched: the PDF reads only the project's files ({url})")

    return Confined(allowed_protocols=("data", "file"))


def _mime(path: str) -> str:
    import mimetypes

    return mimetypes.guess_type(path)[0] or "application/octet-stream"


def refused_warnings(site: Site, refused: list[str], diags: Diagnostics) -> None:
    """One warning per address the PDF left out, at the page that names it."""
    pages = ([site.home] if site.home else []) + list(site.pages)
    for url in dict.fromkeys(refused):
        tail = url.rstrip("/").rsplit("/", 1)[-1]  # a relative address is resolved in the URL: match its name
        page = next((p for p in pages if url in p.body), None) or next((p for p in pages if tail in p.body), None)
        where = page.loc(1) if page is not None else SourceLocation("report.pdf")
        diags.warning(where, f"the PDF leaves out '{url[:200]}': it reads only files of the project, "
                             "nothing from the network (put the file in static/)", code="pdf-fetch")


def make_pdf(site: Site, root: Path, diags: Diagnostics, options: PrintOptions | None = None) -> PdfResult | None:
    """The report as PDF bytes; None (with a diagnostic) if the print template fails."""
    html = print_html(site, root, diags, options or PrintOptions(), document_date(site.settings.date))
    if html is None:
        return None
    key = pdf_key(html)
    cache = PdfCache(root)
    hit = cache.get(key)
    if hit is not None:
        refused_warnings(site, hit[2], diags)
        return PdfResult(hit[0], hit[1], key, True)
    refused: list[str] = []
    data, pages = write_pdf(html, root, refused)
    refused_warnings(site, refused, diags)
    try:
        cache.put(key, data, pages, refused)
    except OSError as exc:  # a read-only or full cache: the next PDF is rendered again
        cache_warning(diags, exc.strerror or str(exc))
    return PdfResult(data, pages, key, False)
