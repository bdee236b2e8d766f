"""Report settings: content/report.yaml as a typed Settings object."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from factpress.shared.diagnostics import Diagnostics, SourceLocation
from factpress.shared.locale import known_language
from factpress.project.fields import Reader, shown
from factpress.project.files import Sources
from factpress.project.strict_yaml import YList, YMap, parse_yaml

SETTINGS_FIELDS = {"title", "subtitle", "authors", "language", "date", "edition", "base_url", "description", "key_figures",
                   "pages", "domain", "pdf", "paper", "raw_html", "chart_timeout", "template_timeout", "image", "search",
                   "units", "nouns"}
HOST_RE = re.compile(r"(?=.{1,253}\Z)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]", re.I)
MAX_TIMEOUT = 3600.0
URL_RE = re.compile(r"^https?://[^/\s?#]+(/[^\s?#]*)?$")
BASE_URL_ENV = "FACTPRESS_BASE_URL"


@dataclass(frozen=True)
class BaseUrl:
    """A base_url given for one build (--base-url or FACTPRESS_BASE_URL); it wins over report.yaml's."""
    url: str
    origin: str  # where it came from, as the user wrote it: "--base-url" or "FACTPRESS_BASE_URL"


def base_url_problem(url: str) -> str:
    """Why url cannot be a base_url ('' when it can)."""
    if not URL_RE.match(url):
        return f"must be an absolute http(s) URL, not '{url}'"
    return ""


def normal_base_url(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def placeholder(url: str) -> str:
    """What makes url a stand-in rather than a published address ('' when it looks real)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if host == "example" or host.startswith("example.") or re.search(r"\.example(\.(com|net|org))?$", host):
        return "example.*"
    if host == "localhost" or host.endswith(".localhost"):
        return "localhost"
    if host.startswith("127.") or host in ("0.0.0.0", "::1"):
        return "a loopback address"
    if host.endswith((".test", ".invalid")):
        return "a reserved test domain"
    return ""


@dataclass(frozen=True)
class Settings:
    title: str = "Untitled report"
    subtitle: str = ""
    authors: tuple[str, ...] = ()
    language: str = "en"
    date: str = ""  # the report's own publication date, YYYY-MM-DD
    edition: str = ""  # "First edition", as readers see it
    base_url: str = ""
    description: str = ""
    key_figures: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()
    domain: str = ""  # custom domain for GitHub Pages (writes CNAME)
    pdf: bool = False  # also write the PDF into the site on build
    paper: str = "A4"
    raw_html: bool = False  # trusted-author mode: Markdown may contain raw HTML
    chart_timeout: float = 60.0  # seconds a chart may take to run, and to render
    template_timeout: float = 10.0  # seconds a template may take to render one file
    search: bool = True  # a search box on every page and the Pagefind index
    units: tuple[tuple[str, str, SourceLocation], ...] = ()  # the report's own units: (name, definition, where)
    nouns: tuple[tuple[str, str, SourceLocation], ...] = ()  # count nouns: (plural, singular, where)
    locs: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def base_path(self) -> str:
        """The path the site is served under, e.g. /repo/ for a GitHub Pages project site."""
        m = re.match(r"^https?://[^/]+(/.*)?$", self.base_url)
        path = (m.group(1) if m else "/") or "/"
        return path if path.endswith("/") else path + "/"

    def at(self, key: str) -> SourceLocation:
        return self.locs.get(key, SourceLocation("content/report.yaml", 1))


def load_settings(sources: Sources, diags: Diagnostics, base_url: BaseUrl | None = None,
                  checking: bool = False) -> Settings:
    """report.yaml as Settings; base_url, when given, replaces its base_url. checking (for `check`):
    also warn when there is no base_url at all."""
    settings = _read_settings(sources, diags)
    if base_url is not None:
        settings = replace(settings, base_url=normal_base_url(base_url.url))
    where = SourceLocation(base_url.origin) if base_url is not None else settings.at("base_url")
    if settings.base_url and (kind := placeholder(settings.base_url)):
        diags.warning(where, f"base_url '{settings.base_url}' is a placeholder address ({kind}): canonical links, link "
                             "previews, the sitemap, embed codes and citations would point there",
                      "set the published address, or remove base_url and pass --base-url URL or FACTPRESS_BASE_URL; "
                      "the GitHub Pages workflow passes it", code="base-url")
    elif not settings.base_url and checking and sources.one("settings") is not None:
        diags.warning(SourceLocation("content/report.yaml"), "no base_url: the site gets no canonical links, link "
                      "previews or sitemap, embed codes and citations give no full address, and 404.html works only "
                      "at the top of the site", "set base_url, or pass --base-url URL or FACTPRESS_BASE_URL; the "
                      "GitHub Pages workflow passes the address of the site", code="base-url")
    return settings


def _read_settings(sources: Sources, diags: Diagnostics) -> Settings:
    file = sources.one("settings")
    if file is None:
        if (sources.root / "content").is_dir():
            diags.error(SourceLocation("content/report.yaml"), "missing report settings file", "factpress new DIR shows one")
        return Settings()
    data = parse_yaml(file.text, file.rel, diags)
    if data is None:
        if file.text.strip() == "":
            diags.error(SourceLocation(file.rel, 1), "empty settings file: needs at least 'title:'")
        return Settings()
    if not isinstance(data, YMap):
        diags.error(SourceLocation(file.rel, 1), "report settings must be a mapping of fields")
        return Settings()
    r = Reader(data, diags, "settings", SETTINGS_FIELDS)
    base_url = _base_url(r)
    language = r.text("language", default="en")
    if not re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*", language):
        r.error("language", f"language must be a language tag such as en or zh-Hans, not '{language}'")
        language = "en"
    elif not known_language(language):
        r.error("language", f"unknown language '{language}': the Unicode CLDR data has no such language",
                "write a tag such as en, en-GB, de, fr-CA or zh-Hans")
        language = "en"
    return Settings(
        title=r.text("title", required=True) or "Untitled report",
        subtitle=r.text("subtitle"),
        authors=tuple(r.strings("authors")),
        language=language,
        date=r.date("date"),
        edition=r.text("edition"),
        base_url=base_url,
        description=r.text("description"),
        key_figures=tuple(r.strings("key_figures")),
        pages=tuple(r.strings("pages")),
        domain=_domain(r),
        pdf=bool(r.get("pdf", bool, default=False)),
        paper=r.choice("paper", ("A4", "Letter"), default="A4"),
        raw_html=bool(r.get("raw_html", bool, default=False)),
        chart_timeout=r.seconds("chart_timeout", 60.0, MAX_TIMEOUT),
        template_timeout=r.seconds("template_timeout", 10.0, MAX_TIMEOUT),
        search=bool(r.get("search", bool, default=True)),
        units=_units(r),
        nouns=_nouns(r),
        locs={k: data.at(k) for k in data},
    )


def _units(r: Reader) -> tuple[tuple[str, str, SourceLocation], ...]:
    """units: {NAME: DEFINITION}, each definition a unit expression with an optional number (6.1178632 GJ)."""
    m = r.get("units", dict)
    out = []
    for name, value in (m or {}).items():
        if isinstance(value, (int, str)) and not isinstance(value, bool):
            out.append((name, str(value), m.at(name)))
        else:
            r.diags.error(m.at(name), f"settings: unit '{name}' is defined by a unit expression such as '6.1178632 GJ'")
    return tuple(out)


def _nouns(r: Reader) -> tuple[tuple[str, str, SourceLocation], ...]:
    """nouns: a list of plural count nouns, or a mapping of each plural to its singular."""
    value = r.m.get("nouns")
    if isinstance(value, YList):
        return tuple((str(n), str(n), value.at(i)) for i, n in enumerate(r.strings("nouns")))
    m = r.get("nouns", dict)
    out = []
    for plural, singular in (m or {}).items():
        if not isinstance(singular, str) or not singular.strip():
            r.diags.error(m.at(plural), f"settings: count noun '{plural}' maps to its singular, such as 'household'")
            continue
        out.append((plural, singular, m.key_at(plural)))
    return tuple(out)


def _base_url(r: Reader) -> str:
    """An absolute http(s) URL of a folder: the published site's address, with no query or fragment."""
    base_url = r.text("base_url")
    if not base_url:
        return ""
    if not re.fullmatch(r"https?://[^/\s?#]+(/\S*)?", base_url):
        r.error("base_url", f"base_url must be an absolute http(s) URL, not '{shown(base_url)}'")
        return ""
    parts = urlsplit(base_url)
    if parts.query or parts.fragment or "?" in base_url or "#" in base_url:
        r.error("base_url", f"base_url must be the address of a folder, without a query (?) or fragment (#), "
                            f"not '{shown(base_url)}'")
        return ""
    if parts.username is not None or parts.password is not None:
        r.error("base_url", f"base_url must not hold a user name or password, not '{shown(base_url)}'")
        return ""
    return base_url if base_url.endswith("/") else base_url + "/"


def _domain(r: Reader) -> str:
    """A custom domain for GitHub Pages: one host name, as CNAME holds it."""
    domain = r.text("domain").strip()
    if domain and not HOST_RE.fullmatch(domain):
        r.error("domain", f"domain must be a host name such as report.example.org, not '{shown(domain)}'")
        return ""
    return domain
