"""The PDF: the print document through WeasyPrint, tagged and reproducible, cached by its inputs."""
from __future__ import annotations

import datetime
import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from factpress.errors import Diagnostics
from factpress.printdoc import PrintOptions, print_html
from factpress.site import Site

PDF_VARIANT = "pdf/ua-1"  # tagged, so screen readers can follow it
CACHE_DIR = Path(".factpress-cache") / "pdf"
CACHE_KEEP = 4  # PDFs kept, so switching between builds with and without the appendix stays cheap


@dataclass(frozen=True)
class PdfResult:
    data: bytes
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

    def get(self, key: str) -> bytes | None:
        try:
            return (self.folder / f"{key}.pdf").read_bytes()
        except OSError:
            return None

    def put(self, key: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{key}.{os.getpid()}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, self.folder / f"{key}.pdf")
        entries = sorted(self.folder.glob("*.pdf"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in entries[CACHE_KEEP:]:
            old.unlink(missing_ok=True)


def write_pdf(html: str) -> bytes:
    import weasyprint

    # No base URL: the document is self-contained (inline CSS and SVG), so nothing is fetched.
    return weasyprint.HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT, uncompressed_pdf=False)


def make_pdf(site: Site, root: Path, diags: Diagnostics, options: PrintOptions | None = None) -> PdfResult | None:
    """The report as PDF bytes; None (with a diagnostic) if the print template fails."""
    options = options or PrintOptions(paper=site.settings.paper)
    html = print_html(site, root, diags, options, document_date(site.settings.date))
    if html is None:
        return None
    key = pdf_key(html)
    cache = PdfCache(root)
    data = cache.get(key)
    if data is not None:
        return PdfResult(data, key, True)
    data = write_pdf(html)
    cache.put(key, data)
    return PdfResult(data, key, False)
