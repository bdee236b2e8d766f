"""The PDF, read back with poppler and pypdf: text, fonts, glyphs, outline, links, metadata, bytes.

pypdf is a test dependency because poppler's command-line tools do not print the outline,
the link annotations or the font used for a given run of text.
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from conftest import ROOT, cli, copy_project

pytestmark = pytest.mark.slow
CJK = "双循环"


def run(*args) -> str:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=True).stdout


def text_of(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", page, "-l", page] if page else []
    return " ".join(run("pdftotext", *pages, pdf, "-").split())


def info(pdf: Path) -> dict[str, str]:
    return dict(line.split(":", 1) for line in run("pdfinfo", pdf).splitlines() if ":" in line)


def make_pdf(project: Path, *args) -> Path:
    out = project / "report.pdf"
    result = cli("pdf", project, *args)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The mini project, with Chinese characters added, as a PDF and as a site (for the facts' texts)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1600000000")
        project = copy_project("mini", tmp_path_factory.mktemp("pdf"))
        page = project / "content" / "one.md"
        page.write_text(page.read_text() + f"\nThe pattern is called {CJK} in Chinese.\n")
        (project / "content" / "index.md").write_text(
            "---\ntitle: Introduction\n---\n\nSee [part B](one.html#b), the [data](data.html), the [sources](sources.html)"
            " and the [CSV](facts.csv).[^1]\n\n[^1]: A note.\n")
        assert cli("build", project).exit_code == 0
        return project, make_pdf(project)


def test_every_fact_value_is_in_the_text_as_the_site_formats_it(built):
    project, pdf = built
    text = text_of(pdf)
    facts = json.loads((project / "site" / "facts.json").read_text())["facts"]
    assert facts
    for fact in facts:
        assert fact["text"] in text, fact["id"]
    assert "+4.2% year on year" in text and CJK in text


def test_metadata_tagging_and_paper(built):
    _, pdf = built
    meta = info(pdf)
    assert meta["Title"].strip() == "Test report"
    assert meta["Author"].strip() == "A"
    assert meta["Tagged"].strip() == "yes"
    assert "(A4)" in meta["Page size"]
    # The date comes from SOURCE_DATE_EPOCH (1600000000), never the clock.
    assert meta["CreationDate"].strip() == "Sun Sep 13 12:26:40 2020 UTC"
    assert meta["ModDate"].strip() == "Sun Sep 13 12:26:40 2020 UTC"
    assert pypdf.PdfReader(pdf).trailer["/Root"]["/Lang"] == "en"


def test_every_font_is_embedded_and_chinese_uses_a_cjk_font(built):
    _, pdf = built
    rows = run("pdffonts", pdf).splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), rows  # the 'emb' column
    assert any("CJK" in row for row in rows)
    used = set()

    def visit(text, cm, tm, font, size):
        if font and any(ch in text for ch in CJK):
            used.add(str(font["/BaseFont"]))

    for page in pypdf.PdfReader(pdf).pages:
        page.extract_text(visitor_text=visit)
    assert used and all("CJK" in name for name in used), used


def test_the_typeface_of_the_site_is_read_from_factpress_for_a_project_anywhere(mini):
    """The bundled Inter lives beside factpress, not in the project: the PDF reads it all the same,
    embeds it and warns of nothing left out."""
    result = cli("pdf", mini)
    assert result.exit_code == 0, result.output
    assert "leaves out" not in result.output, result.output
    names = {row.split()[0].split("+")[-1] for row in run("pdffonts", mini / "report.pdf").splitlines()[2:]}
    assert {"Inter", "Inter-Bold"} <= names, names


def boxed(glyph: Image.Image) -> bool:
    """True for a missing-glyph box: ink all round the edge of its inked area."""
    px, (w, h) = glyph.load(), glyph.size
    ink = [(x, y) for x in range(w) for y in range(h) if px[x, y] < 128]
    left, right = min(x for x, _ in ink), max(x for x, _ in ink)
    top, bottom = min(y for _, y in ink), max(y for _, y in ink)
    sides = ([(left, y) for y in range(top, bottom + 1)], [(right, y) for y in range(top, bottom + 1)],
             [(x, top) for x in range(left, right + 1)], [(x, bottom) for x in range(left, right + 1)])
    return all(sum(px[p] < 128 for p in side) > 0.85 * len(side) for side in sides)


def test_chinese_glyphs_are_drawn_not_boxes(built, tmp_path):
    """Render the word's box: three inked glyphs, none of them the hollow box drawn for a missing glyph."""
    _, pdf = built
    bbox = run("pdftotext", "-bbox", pdf, "-")
    page_no, word = None, None
    for n, page in enumerate(bbox.split("<page ")[1:], start=1):
        m = re.search(rf'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">{CJK}</word>', page)
        if m:
            page_no, word = n, [float(v) for v in m.groups()]
    assert word, "the Chinese word is not in the PDF's text"
    dpi = 288
    x0, y0, x1, y1 = (round(v * dpi / 72) for v in word)
    run("pdftoppm", "-png", "-r", dpi, "-f", page_no, "-l", page_no, "-x", x0, "-y", y0, "-W", x1 - x0,
        "-H", y1 - y0, "-singlefile", pdf, tmp_path / "word")
    image = Image.open(tmp_path / "word.png").convert("L")
    cell = image.width // 3
    glyphs = [image.crop((i * cell, 0, (i + 1) * cell, image.height)) for i in range(3)]
    ink = [sum(1 for p in g.tobytes() if p < 128) for g in glyphs]
    assert all(n > 0.03 * cell * image.height for n in ink), ink
    assert not any(boxed(g) for g in glyphs)
    assert len({g.tobytes() for g in glyphs}) == 3


def test_outline_and_contents_follow_the_report(built):
    _, pdf = built
    reader = pypdf.PdfReader(pdf)
    outline = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                outline.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    assert [(d, t) for d, t, _ in outline] == [
        (0, "Contents"), (0, "Introduction"), (0, "One"), (1, "A"), (1, "B"), (0, "Sources"), (0, "Appendix: data")]
    contents = run("pdftotext", "-layout", "-f", 2, "-l", 2, pdf, "-")
    listed = {re.sub(r"^\d+\s+", "", t): p for t, p in re.findall(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$", contents, re.M)}
    listed.pop("Figure 1. Trade")  # the list of figures follows the contents
    assert listed == {t: str(p) for d, t, p in outline if d == 0 and t != "Contents"}
    for title, page in listed.items():  # a chapter's first page has no running head: its heading comes first
        assert re.match(rf"(CHAPTER \d+ )?{title} ", text_of(pdf, int(page))), (title, text_of(pdf, int(page))[:80])
    assert int(info(pdf)["Pages"]) == len(reader.pages) == max(int(p) for p in listed.values())


def test_internal_links_land_on_their_targets(built):
    """Links between the site's files become links inside the PDF, each to a destination that exists."""
    _, pdf = built
    reader = pypdf.PdfReader(pdf)
    names = set(reader.named_destinations)
    internal, external = [], []
    for page in reader.pages:
        for annot in page.get("/Annots", []) or []:
            annot = annot.get_object()
            action = annot.get("/A") or {}
            if action.get("/S") == "/URI":
                external.append(str(action["/URI"]))
            else:
                internal.append(str(annot.get("/Dest") or action.get("/D")))
    assert {"chapter-one", "one--b", "appendix", "sources", "source-src", "one--chart-c1"} <= set(internal)
    assert set(internal) <= names
    # A data download is on the site beside the PDF: the link goes there, never to a dead relative path.
    assert set(external) == {"https://x.github.io/r/facts.csv"}


def test_cover_is_white_with_a_dark_title_high_up(built, tmp_path):
    _, pdf = built
    run("pdftoppm", "-png", "-r", 40, "-f", 1, "-l", 1, "-singlefile", pdf, tmp_path / "cover")
    image = Image.open(tmp_path / "cover.png").convert("L")
    w, h = image.size
    pixels = image.tobytes()
    assert sum(p > 235 for p in pixels) > 0.85 * len(pixels)
    band = [pixels[y * w + x] for y in range(int(0.2 * h), int(0.3 * h)) for x in range(w)]
    lower = [pixels[y * w + x] for y in range(int(0.6 * h), h) for x in range(w)]
    assert sum(p < 80 for p in band) > 0.01 * len(band)  # the title's strokes
    assert sum(p < 80 for p in lower) == 0


def test_same_input_same_bytes_and_no_rebuild(mini):
    first = make_pdf(mini).read_bytes()
    stamp = (mini / "report.pdf").stat().st_mtime_ns
    again = cli("pdf", mini)
    assert "from cache, unchanged" in again.output
    assert (mini / "report.pdf").stat().st_mtime_ns == stamp
    for cached in (mini / ".factpress-cache" / "pdf").iterdir():
        cached.unlink()
    assert "rendered, unchanged" in cli("pdf", mini).output
    assert (mini / "report.pdf").read_bytes() == first


def test_options_paper_and_appendix(mini):
    out = mini / "letter.pdf"
    result = cli("pdf", mini, "-o", out, "--paper", "letter", "--no-appendix")
    assert result.exit_code == 0, result.output
    assert "(letter)" in info(out)["Page size"]
    text = text_of(out)
    assert "Appendix" not in text and "Sources" in text


def test_build_with_pdf_adds_it_to_the_site_and_links_it(mini):
    assert cli("build", mini).exit_code == 0
    assert not (mini / "site" / "report.pdf").exists()
    assert "report.pdf" not in (mini / "site" / "index.html").read_text()
    assert cli("build", mini, "--pdf").exit_code == 0
    assert (mini / "site" / "report.pdf").read_bytes().startswith(b"%PDF-")
    for name in ("index.html", "one.html", "data.html"):
        assert '<a class="pdf-link" href="report.pdf"' in (mini / "site" / name).read_text(), name
    settings = mini / "content" / "report.yaml"
    settings.write_text(settings.read_text() + "pdf: true\n")
    assert cli("build", mini).exit_code == 0
    assert (mini / "site" / "report.pdf").exists()


def test_bad_input_reports_and_writes_no_pdf(mini):
    page = mini / "content" / "one.md"
    page.write_text(page.read_text() + "\nSee {fact}`no-such-fact`.\n")
    result = cli("pdf", mini)
    assert result.exit_code == 1
    assert "content/one.md:" in result.output and "unknown fact 'no-such-fact'" in result.output
    assert "Traceback" not in result.output
    assert not (mini / "report.pdf").exists()


def test_a_broken_print_template_is_reported_by_check(mini):
    (mini / "templates").mkdir()
    (mini / "templates" / "print.html").write_text("<html>\n{{ no_such_thing.title }}\n</html>\n")
    settings = mini / "content" / "report.yaml"
    settings.write_text(settings.read_text() + "pdf: true\n")
    result = cli("check", mini)
    assert result.exit_code == 1
    assert "templates/print.html:2: error: template error" in result.output
    assert cli("pdf", mini).exit_code == 1 and not (mini / "report.pdf").exists()


@pytest.mark.skipif(not (ROOT / "content" / "report.yaml").exists(), reason="the repository's report is not here")
def test_the_first_report(report):
    pdf = make_pdf(report)
    assert cli("build", report).exit_code == 0
    text = text_of(pdf)
    for fact in json.loads((report / "site" / "facts.json").read_text())["facts"]:
        assert fact["text"] in text, fact["id"]
    rows = run("pdffonts", pdf).splitlines()[2:]
    assert all(row.split()[-5] == "yes" for row in rows)
    if re.search(r"[\u4e00-\u9fff]", text):
        assert any("CJK" in row for row in rows)
    assert info(pdf)["Tagged"].strip() == "yes"


@pytest.mark.browser
def test_a_site_page_prints_well_from_the_browser(mini, tmp_path):
    """Chromium's own print of a page: no navigation, link targets shown, tables and charts whole."""
    from playwright.sync_api import sync_playwright

    page_md = mini / "content" / "one.md"
    page_md.write_text(page_md.read_text() + "\nSee [the bureau](https://example.org/stats).\n")
    assert cli("build", mini).exit_code == 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(color_scheme="dark")
        page.goto((mini / "site" / "one.html").as_uri())
        page.emulate_media(media="print")
        style = page.evaluate("""() => {
            const css = (sel, prop, pseudo) => getComputedStyle(document.querySelector(sel), pseudo)[prop];
            const svg = document.querySelector('.chart-image svg').getBoundingClientRect();
            return {nav: css('.site-header nav', 'display'), footer: css('.site-footer', 'display'),
                    pager: css('.pager', 'display'), wrap: css('.table-wrap', 'overflowX'),
                    link: css('.prose a[href^="http"]', 'content', '::after'), bg: css('body', 'backgroundColor'),
                    svgFits: svg.right <= document.querySelector('main').getBoundingClientRect().right + 1};
        }""")
        pdf = tmp_path / "printed.pdf"
        page.pdf(path=str(pdf), format="A4")
        browser.close()
    assert style["nav"] == style["footer"] == style["pager"] == "none"
    assert style["wrap"] == "visible"
    assert "https://example.org/stats" in style["link"]
    assert style["bg"] == "rgb(255, 255, 255)"  # light paper even when the screen is dark
    assert style["svgFits"]
    text = text_of(pdf)
    assert "1.47 trillion yuan" in text and "Skip to content" not in text and "Previous" not in text


def test_the_pdf_fetches_nothing_from_the_network_and_only_project_files(mini, tmp_path):
    """A remote image is left out with a warning (no request is made); an image in static/ is printed;
    a path leading out of the project is not read."""
    import http.server
    import threading

    requests = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    (mini / "static").mkdir()
    Image.new("RGB", (40, 20), "red").save(mini / "static" / "map.png")
    Image.new("RGB", (40, 20), "blue").save(tmp_path / "outside.png")
    page = mini / "content" / "one.md"
    host = f"http://127.0.0.1:{server.server_address[1]}"
    page.write_text(page.read_text() + f"\n![Remote]({host}/remote.png) ![Local](map.png) "
                                       f"![Outside](../../outside.png)\n")
    try:
        result = cli("pdf", mini)
    finally:
        server.shutdown()
    assert result.exit_code == 0, result.output
    assert requests == []
    assert f"content/one.md:1: warning: the PDF leaves out '{host}/remote.png': it reads only files of the project" \
        in result.output
    assert "outside.png': it reads only files of the project" in result.output
    images = run("pdfimages", "-list", str(mini / "report.pdf")).splitlines()[2:]
    assert [line.split()[3:5] for line in images] == [["40", "20"]]  # map.png only
