"""Templates: the project's overrides over the built-in theme, in one Jinja2 environment, and
where a template error came from."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import jinja2

from factpress.shared.cache import BuildCache
from factpress.shared.diagnostics import SourceLocation

THEME = Path(__file__).parent / "theme"


def make_environment(project_templates: Path) -> jinja2.Environment:
    loaders = []
    if project_templates.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(project_templates)))
    theme = jinja2.FileSystemLoader(str(THEME / "templates"))
    # "theme/NAME" always names the built-in template, so an override can extend the one it replaces.
    loaders += [theme, jinja2.PrefixLoader({"theme": theme})]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["period"] = lambda fact: fact.period_text
    return env


def template_texts(root: Path) -> list[tuple[str, str]]:
    """(path, text) of every template the project may use: its own, then the theme's."""
    out = []
    for base in (root / "templates", THEME / "templates"):
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                if path.is_file():
                    out.append((path.as_posix(), path.read_text("utf-8", errors="replace")))
    return out


def environment(root: Path, templates: list[tuple[str, str]], cache: BuildCache | None = None) -> jinja2.Environment:
    """A Jinja2 environment for the project; the cache's last one (with its compiled templates) while no template changed."""
    h = hashlib.sha256(repr((root.resolve().as_posix(), templates)).encode("utf-8", "surrogatepass")).hexdigest()
    if cache is not None and cache.environment is not None and cache.environment[0] == h:
        return cache.environment[1]
    env = make_environment(root / "templates")
    if cache is not None:
        cache.environment = (h, env)
    return env


def template_location(exc: Exception, root: Path) -> SourceLocation:
    """file:line of a template error, from the exception or the innermost template frame."""
    name = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", 0) or 0
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".html") or filename.endswith(".xml"):
            name, line = filename, tb.tb_lineno
        tb = tb.tb_next
    if not name:
        return SourceLocation("templates")
    path = Path(name)
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        rel = f"(built-in theme) {path.name}"
    return SourceLocation(rel, line)


_OBJECT_RE = re.compile(r"'factpress(?:\.\w+)+\.(\w+) object'")


def template_problem(exc: Exception) -> str:
    """What a template error says, as its author reads it: 'Page object', not factpress's module path."""
    message = getattr(exc, "message", None) or type(exc).__name__
    return "template error: " + _OBJECT_RE.sub(lambda m: f"'{m.group(1)} object'", message)
