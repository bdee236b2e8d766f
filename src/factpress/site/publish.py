"""Publishing extras: what a static host and search engines read besides the pages (sitemap,
robots, 404, favicon, social card, CNAME, .nojekyll) and the per-page head metadata."""
from __future__ import annotations

import html
import json

from markupsafe import Markup, escape

from factpress.shared.fonts import FONT_DIR, measure, wrap_text
from factpress.shared.locale import long_date
from factpress.site.assemble import Site

SOCIAL_IMAGE = "assets/social.png"
# Defence in depth, on every page: scripts only from the site itself (charts, the preview's reload
# script, the search index's own script; Pagefind's WebAssembly runs in a worker, which a policy
# given in a <meta> does not reach, so 'wasm-unsafe-eval', which HTML validators do not know yet,
# is not needed), no plugins, no <base> from elsewhere; styles may be inline (chart sizes,
# vega-embed's tooltip).
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
       "frame-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'")
FAVICON_SVG = "favicon.svg"
FAVICON_PNG = "favicon.png"
SOCIAL_SIZE = (1200, 630)


def page_paths(site: Site) -> list[str]:
    return ["index.html"] + [p.href for p in site.pages] + ["sources.html", "data.html"]


def absolute(site: Site, path: str) -> str:
    """The published URL of a site file; '' without a base_url. index.html is the folder itself."""
    if not site.settings.base_url:
        return ""
    return site.settings.base_url + ("" if path == "index.html" else path)


def favicon_svg(site: Site) -> str:
    letter = escape((site.settings.title or "R")[:1].upper())
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
            '<rect width="64" height="64" rx="12" fill="#0b5394"/>'
            f'<text x="32" y="45" font-family="Inter, DejaVu Sans, sans-serif" font-size="40" font-weight="700" '
            f'text-anchor="middle" fill="#ffffff">{letter}</text></svg>')


def _font(bold: bool, size: int, text: str = ""):
    """The bundled Inter at a size, for Pillow: the site's own typeface, with every character a report
    title is likely to hold (dashes, quotes, accented letters), unlike Pillow's built-in font. Text
    with characters Inter lacks gets an installed font that has them, if there is one: for Chinese,
    Japanese or Korean the sans-serif CJK font the charts are measured with."""
    from PIL import ImageFont

    path, index = str(FONT_DIR / ("Inter-Bold.otf" if bold else "Inter-Regular.otf")), 0
    missing = [c for c in text if not c.isspace() and not measure().has(c, bold)]
    if missing and all(measure().has(c, bold, cjk=True) for c in missing):
        face = measure().cjk_face(bold)
        path, index = face.path, face.index
    elif missing:
        path = _covering_font(missing, bold) or path
    return ImageFont.truetype(path, size, index=index)


def _covering_font(chars: list[str], bold: bool) -> str:
    """The file of an installed font that has all of chars (fontconfig's choice), or ''."""
    import shutil
    import subprocess

    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return ""
    charset = " ".join(f"{ord(c):x}" for c in sorted(set(chars)))
    pattern = f"sans-serif:charset={charset}" + (":weight=bold" if bold else "")
    found = subprocess.run([fc_match, "-f", "%{file}", pattern], capture_output=True, text=True, check=False).stdout
    return found.strip()


def _wrap(draw, text: str, font, width: int) -> list[str]:
    """Lines of text no wider than width pixels in font, broken at spaces and between CJK characters."""
    return wrap_text(text, width, lambda line: draw.textlength(line, font=font))


def _png(image) -> bytes:
    import io
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)  # Pillow writes no timestamp: same input, same bytes
    return out.getvalue()


def social_png(site: Site) -> bytes:
    """The link-preview card (1200x630): title, subtitle and byline on the theme's colours, set in
    the bundled Inter, so it looks the same on every machine and draws what the title holds."""
    from PIL import Image, ImageDraw

    w, h = SOCIAL_SIZE
    s = site.settings
    image = Image.new("RGB", (w, h), "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, w, 24), fill="#0b5394")
    title_font = _font(True, 64, s.title)
    lines = _wrap(draw, s.title, title_font, w - 160)
    if len(lines) > 3:  # a long title: smaller, rather than cut
        title_font = _font(True, 50, s.title)
        lines = _wrap(draw, s.title, title_font, w - 160)
    y = 100
    for line in lines[:4]:
        draw.text((80, y), line, font=title_font, fill="#1a1a1a")
        y += int(title_font.size * 1.25)
    y += 20
    body_font = _font(False, 32, s.subtitle or s.description)
    for line in _wrap(draw, s.subtitle or s.description, body_font, w - 160)[:3]:
        if y > h - 150:
            break
        draw.text((80, y), line, font=body_font, fill="#4a4a4a")
        y += 46
    foot = " · ".join(x for x in (", ".join(s.authors), long_date(s.date, s.language), s.edition) if x)
    draw.text((80, h - 90), foot, font=_font(False, 28, foot), fill="#0b5394")
    return _png(image)


def favicon_png(site: Site) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, 31, 31), radius=6, fill="#0b5394")
    draw.text((16, 16), (site.settings.title or "R")[:1].upper(), font=_font(True, 21, site.settings.title[:1]), fill="#ffffff", anchor="mm")
    return _png(image)


def sitemap(site: Site) -> bytes:
    lastmod = f"<lastmod>{site.settings.date}</lastmod>" if site.settings.date else ""
    urls = "".join(f"<url><loc>{html.escape(absolute(site, p), quote=False)}</loc>{lastmod}</url>\n" for p in page_paths(site))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n").encode()


def robots(site: Site) -> bytes:
    text = "User-agent: *\nAllow: /\n"
    if site.settings.base_url:
        text += f"Sitemap: {absolute(site, 'sitemap.xml')}\n"
    return text.encode()


def not_found(site: Site) -> bytes:
    """404.html: served by GitHub Pages for a missing path at any depth, so its links and favicon
    start from the site's base path (from base_url) and its style is inline. Without a base_url
    the links are relative: right at the top of the site and from disk, not deeper."""
    s = site.settings
    base = escape(s.base_path if s.base_url else "")
    search = (f'<form role="search" action="{base}search.html" method="get"><label for="q">Search the report</label> '
              '<input type="search" id="q" name="q"> <button type="submit">Search</button></form>\n'
              if s.search else "")
    return (f'<!DOCTYPE html>\n<html lang="{escape(s.language)}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            f'<title>Page not found · {escape(s.title)}</title>\n<meta name="robots" content="noindex">\n'
            '<meta name="color-scheme" content="light dark">\n'
            f'<link rel="icon" href="{base}{FAVICON_SVG}" type="image/svg+xml">\n'
            '<style>body{margin:0 auto;max-width:40rem;padding:2rem 1.25rem;font:1.0625rem/1.6 system-ui,sans-serif;'
            'background:#fff;color:#1a1a1a}a{color:#0b5394}input,button{font:inherit}'
            '@media (prefers-color-scheme:dark){body{background:#121417;'
            'color:#e8e8e8}a{color:#8cc4ff}}</style>\n</head>\n<body>\n<main>\n<h1>Page not found</h1>\n'
            f'<p>This page is not part of <a href="{base or "index.html"}">{escape(s.title)}</a>. '
            f'Try the <a href="{base or "index.html"}">contents</a>, the <a href="{base}sources.html">sources</a> or the '
            f'<a href="{base}data.html">data</a>.</p>\n{search}</main>\n</body>\n</html>\n').encode()


def extra_files(site: Site, once=None) -> dict[str, bytes]:
    """The files beside the pages. once(name, make): the caller's cache of files that are slow to
    make (the images, drawn with Pillow), keyed by the name and whatever the caller knows they
    depend on; without it they are drawn every time."""
    once = once or (lambda name, make: make())
    files = {".nojekyll": b"", "404.html": not_found(site), "robots.txt": robots(site),
             FAVICON_SVG: favicon_svg(site).encode(),
             FAVICON_PNG: once(FAVICON_PNG, lambda: favicon_png(site)),  # for browsers without SVG icons
             SOCIAL_IMAGE: once(SOCIAL_IMAGE, lambda: social_png(site))}
    if site.settings.base_url:
        files["sitemap.xml"] = sitemap(site)
    if site.settings.domain:
        files["CNAME"] = (site.settings.domain.strip() + "\n").encode()
    return files


def json_ld(site: Site, path: str, title: str, description: str) -> Markup:
    """schema.org data: a Report for every page, plus a Dataset of the facts on the Data page."""
    s = site.settings
    title, description = html.unescape(str(title)), html.unescape(str(description))  # block text arrives escaped
    report = {"@context": "https://schema.org", "@type": "Report", "headline": title, "name": title,
              "inLanguage": s.language}
    if description:
        report["description"] = description
    if s.date:
        report["datePublished"] = s.date
    if s.authors:
        report["author"] = [{"@type": "Organization", "name": a} for a in s.authors]
    if s.base_url:
        report["url"] = absolute(site, path)
        report["image"] = absolute(site, SOCIAL_IMAGE)
    items = [report]
    if path == "data.html":
        dataset = {"@context": "https://schema.org", "@type": "Dataset", "name": f"Facts of {s.title}",
                   "description": f"Every sourced figure of the report {s.title}, with its source, period and unit.",
                   "inLanguage": s.language, "isAccessibleForFree": True,
                   "distribution": [{"@type": "DataDownload", "encodingFormat": fmt,
                                     "contentUrl": absolute(site, name) or name}
                                    for name, fmt in (("facts.csv", "text/csv"), ("facts.json", "application/json"))]}
        if s.base_url:
            dataset["url"] = absolute(site, path)
        if s.date:
            dataset["datePublished"] = s.date
        if site.book.tables:
            dataset["hasPart"] = [table_dataset(site, t) for t in site.book.tables.values()]
            dataset["distribution"].append({"@type": "DataDownload", "encodingFormat": "application/json",
                                            "contentUrl": absolute(site, "datapackage.json") or "datapackage.json",
                                            "name": "Data package (Frictionless)"})
        items.append(dataset)
    text = json.dumps(items if len(items) > 1 else report, ensure_ascii=False, sort_keys=True)
    return Markup(text.replace("<", "\\u003c"))


def table_dataset(site: Site, table) -> dict:
    """One data table as a schema.org Dataset: what it measures (with units), its source, license and download."""
    s, book = site.settings, site.book
    part = {"@type": "Dataset", "name": table.title or table.name, "inLanguage": s.language, "isAccessibleForFree": True,
            "description": table.description or f"The data table {table.name} of the report {s.title}.",
            "distribution": [{"@type": "DataDownload", "encodingFormat": "text/csv",
                              "contentUrl": absolute(site, f"data/{table.name}.csv") or f"data/{table.name}.csv"}],
            "variableMeasured": [{"@type": "PropertyValue", "name": f.title, "propertyID": f.name,
                                  **({"unitText": f.unit_text} if f.unit_text else {}),
                                  **({"description": f.description} if f.description else {})} for f in table.fields]}
    if s.base_url:
        part["url"] = absolute(site, f"data.html#table-{table.name}")
    if table.license is not None:
        part["license"] = table.license.path or table.license.text
    cited = [book.sources[sid] for sid in table.sources if sid in book.sources]
    if cited:
        part["creator"] = [{"@type": "Organization", "name": src.publisher} for src in cited]
        part["citation"] = [src.title + (f", {src.publisher}" if src.publisher else "") for src in cited]
        based = [src.url for src in cited if src.url]
        if based:
            part["isBasedOn"] = based
    return part


def template_globals(site: Site) -> dict:
    return {"csp": CSP, "absolute": lambda path: absolute(site, path),
            "json_ld": lambda path, title, description: json_ld(site, path, title, description)}


# A static/ file may stand in for these, which the build makes only as a default.
REPLACEABLE = {FAVICON_SVG, FAVICON_PNG, "robots.txt", SOCIAL_IMAGE}


def publish_static(site: Site, files: dict[str, bytes], diags) -> None:
    """Copy static/ into the site as it is (static/img/map.png is img/map.png); a file with the
    name of one the build writes is an error, except the defaults in REPLACEABLE."""
    from factpress.shared.diagnostics import SourceLocation

    from factpress.site.output import unsafe_name

    for name, data in sorted(site.static.items()):
        why = unsafe_name(name)
        if why:
            diags.error(SourceLocation(f"static/{name}", 1), f"static/{name} cannot be published: {why}",
                        code="static-name")
            continue
        if name.startswith("pagefind/") or name in ("assets/search-data.js", ".factpress-manifest.json"):
            diags.error(SourceLocation(f"static/{name}", 1), f"static/{name} would be replaced by the "
                        f"{'list of files the build wrote' if name.startswith('.') else 'search index'}, which the "
                        "build writes after static/ is copied; rename it", code="static-clash")
            continue
        if name in files and name not in REPLACEABLE:
            diags.error(SourceLocation(f"static/{name}", 1), f"static/{name} would replace the {name} the build "
                                                             "writes; rename it (a page belongs in content/)",
                        code="static-clash")
            continue
        files[name] = data
