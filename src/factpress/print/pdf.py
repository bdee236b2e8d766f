"""The PDF: the print document through WeasyPrint, tagged and reproducible, cached by its inputs."""
from __future__ import annotations

import datetime
import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from factpress.shared.diagnostics import Diagnostics
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

    def get(self, key: str) -> tuple[bytes, int] | None:
        try:
            pages = int((self.folder / f"{key}.pages").read_text("ascii"))
            return (self.folder / f"{key}.pdf").read_bytes(), pages
        except (OSError, ValueError):
            return None

    def put(self, key: str, data: bytes, pages: int) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, content in ((f"{key}.pdf", data), (f"{key}.pages", str(pages).encode())):
            tmp = self.folder / f".{name}.{os.getpid()}.tmp"
            tmp.write_bytes(content)
            os.replace(tmp, self.folder / name)
        # Pruning by age is safe: validity comes from the key, age only decides what to forget.
        entries = sorted(self.folder.glob("*.pdf"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in entries[CACHE_KEEP:]:
            old.unlink(missing_ok=True)
            old.with_suffix(".pages").unlink(missing_ok=True)


def write_pdf(html: str) -> tuple[bytes, int]:
    """PDF bytes and page count. No base URL: the document is self-contained, so nothing is fetched."""
    import weasyprint

    document = weasyprint.HTML(string=html).render(pdf_variant=PDF_VARIANT)
    return document.write_pdf(pdf_variant=PDF_VARIANT), len(document.pages)


def make_pdf(site: Site, root: Path, diags: Diagnostics, options: PrintOptions | None = None) -> PdfResult | None:
    """The report as PDF bytes; None (with a diagnostic) if the print template fails."""
    html = print_html(site, root, diags, options or PrintOptions(), document_date(site.settings.date))
    if html is None:
        return None
    key = pdf_key(html)
    cache = PdfCache(root)
    hit = cache.get(key)
    if hit is not None:
        return PdfResult(hit[0], hit[1], key, True)
    data, pages = write_pdf(html)
    cache.put(key, data, pages)
    return PdfResult(data, pages, key, False)
